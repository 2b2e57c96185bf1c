package tr115

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR115_v2 runs as studydata.TR115Files converts
// them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR115_v2, the TR114_v2 agents on five Rust async runtimes: the
// study's runs, every published TR115_v2 row recomputed from them, and
// BenchmarkTR115's matrix, the study's six configs in each Go variant.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr115",
		Benchmarks: []string{"TR115"},
		Published:  []string{"TR115_v2"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr115", baseline, studydata.TR115Files),
		},
		Units:  reportedUnits,
		Render: report.StudyRender("tr115", fragment),
		Claims: report.StudyClaims("tr115", claims),
	},
	Live:     harness.LiveConfig{Instances: 2, Roofline: true},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
