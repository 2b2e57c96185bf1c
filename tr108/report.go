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
		Claims:     report.ClaimsOf("tr108", claims, nil),
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
	charts := []report.NamedChart{
		{Name: "throughput.svg", Chart: quantChart(s), Caption: "The study's baseline-phase decode rate per model (mean of its 5 prompts with the 95 % t-interval), bars from zero: llama3.1 8b q4_0 against q8_0 is the quantisation's gain, and the gemma3 sizes show what model size costs."},
		{Name: "ttft.svg", Chart: ttftChart(s), Caption: "The study's time to first token of its tuning requests per model, warm against right after a reload (mean with the 95 % t-interval): the reload, not the prompt, is the whole of a TTFT spike."},
	}
	return report.Fragment{Markdown: fragment(in.Published, s) + report.ChartSection("####", charts), Charts: charts}, nil
}
