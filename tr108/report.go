package tr108

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR108 data as studydata.TR108Files converts it.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR108, the single-inference sweep: the study's baseline, the
// matrix BenchmarkTR108 runs (every model CHIMERA_MODELS names, on one
// server, × Configs()), its body, and the fragment and claims rendered
// from the baseline.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr108",
		Benchmarks: []string{"TR108"},
		Published:  []string{"TR108"},
		Baselines:  []report.Baseline{report.StudyBaseline("tr108", baseline, studydata.TR108Files)},
		Units:      reportedUnits,
		Render:     render,
		Claims:     report.NumbersOf("tr108", claims),
	},
	Live:     harness.LiveConfig{AllModels: true}, // the quantisation axis
	Leaves:   leaves,
	LeafName: func(l leaf) string { return l.name },
	Body:     body,
}

// render is the fragment of the baseline alone: the claims, the
// quantisation and tuning tables, and the throughput and TTFT charts.
func render(in report.Input) (report.Fragment, error) {
	s, err := in.Set("tr108")
	if err != nil {
		return report.Fragment{}, err
	}
	return report.Fragment{
		Markdown: fragment(in.Published, s),
		Charts:   []report.NamedChart{{Name: "throughput.svg", Chart: quantChart(s)}, {Name: "ttft.svg", Chart: ttftChart(s)}},
	}, nil
}
