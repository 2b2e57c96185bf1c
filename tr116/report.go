package tr116

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR116 runs and single-agent calls as
// studydata.TR116Files converts them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR116, two agents at once across three models: the study's
// Rust and Python runs and single-agent calls, every published TR116 row
// recomputed from them, and BenchmarkTR116's matrix, both tests on every
// model, Go agents on two instances.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr116",
		Benchmarks: []string{"TR116"},
		Published:  []string{"TR116"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr116", baseline, studydata.TR116Files),
		},
		Units:  reportedUnits,
		Render: report.StudyRender("tr116", fragment),
		Claims: report.StudyClaims("tr116", claims),
	},
	Live:     harness.LiveConfig{Instances: 2, AllModels: true, Roofline: true, OpenAI: true},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
