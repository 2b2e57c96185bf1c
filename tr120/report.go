package tr120

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR120 runs as studydata.TR120Files converts
// them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR120, the compile paradox: the study's baseline, and
// BenchmarkTR120's matrix on ONNX Runtime's CPU provider (per model, graph
// optimisation × dynamic or bucketed lengths × cold or warm calls), its
// body, and the fragment of the baseline and a run of ours
// (testdata/cpu.bench in the golden) with the claims of the baseline.
var Report = harness.Report[Leaf]{
	Spec: report.Spec{
		Name:       "tr120",
		Benchmarks: []string{"TR120"},
		Published:  []string{"TR120"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr120", baseline, studydata.TR120Files),
		},
		Ours:   "cpu.bench",
		Units:  allUnits(),
		Render: report.StudyRender("tr120", fragment),
		Claims: report.ClaimsOf("tr120", claims, findings),
	},
	Backends: []harness.Backend{{ONNX: &harness.ONNXConfig{}}},
	Leaves:   leaves,
	LeafName: Leaf.Name,
	Body:     body,
}
