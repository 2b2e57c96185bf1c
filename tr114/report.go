package tr114

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/tr111"
)

// baseline is the study's TR114_v2 runs as studydata.TR114Files converts
// them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Baseline is the TR114_v2 baseline, committed here once; tr113 compares
// with it.
var Baseline = report.StudyBaseline("tr114", baseline, studydata.TR114Files)

// Report is TR114_v2, two agents on two Ollama instances: the study's runs
// set against one agent alone (tr111's baseline), and BenchmarkTR114's
// matrix, every test of Tests() in each setup of Setups().
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr114",
		Benchmarks: []string{"TR114"},
		Published:  []string{"TR114_v2"},
		Baselines:  []report.Baseline{Baseline, tr111.Baseline},
		Units:      reportedUnits,
		Render:     render,
		Claims:     report.ClaimsOf("tr114", claims, nil),
	},
	Live:     liveConfig(),
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
