package tr118

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR118_v2.2 runs as studydata.TR118Files
// converts them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR118_v2.2, inference backends: the study's baseline, and
// BenchmarkTR118's matrix on ONNX Runtime (every provider the library has
// × model × the study's six scenarios × prefill and decode), its body,
// and the fragment and claims rendered from the baseline.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr118",
		Benchmarks: []string{"TR118"},
		Published:  []string{"TR118_v2.2"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr118", baseline, studydata.TR118Files),
		},
		Units:  allUnits(),
		Render: report.StudyRender("tr118", fragment),
		Claims: report.ClaimsOf("tr118", claims, findings),
	},
	Backends: []harness.Backend{{ONNX: &harness.ONNXConfig{}}},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
