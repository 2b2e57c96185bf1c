package tr110

import (
	"context"
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR110 runs as studydata.TR110File converts them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR110, two Python agents on two Ollama instances: the study's
// runs, every published TR110 row recomputed from them, and
// BenchmarkTR110's matrix, the study's 30 tests with Go agents, each
// named as the baseline names its runs.
var Report = harness.Report[multiagent.Test]{
	Spec: report.Spec{
		Name:       "tr110",
		Benchmarks: []string{"TR110"},
		Published:  []string{"TR110"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr110", baseline, studydata.TR110File),
		},
		Units:  reportedUnits,
		Render: report.StudyRender("tr110", fragment),
		Claims: report.StudyClaims("tr110", claims),
	},
	Live:     harness.LiveConfig{Instances: 2, Roofline: true},
	Leaves:   func(context.Context, *harness.Env) ([]multiagent.Test, error) { return Tests(), nil },
	LeafName: Name,
	Body:     body,
}
