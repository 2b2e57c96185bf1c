package tr121

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR121v1 calls as studydata.TR121File converts
// them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR121v1, latency against model size: the study's baseline,
// BenchmarkTR121's matrix on two backends (ONNX Runtime's CPU provider,
// then Ollama, each family × Scenarios()), its body, and the fragment of
// the baseline and a run of ours (testdata/cpu.bench in the golden) with
// the claims of the baseline.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr121",
		Benchmarks: []string{"TR121"},
		Published:  []string{"TR121v1"},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr121", baseline, studydata.TR121File),
		},
		Ours:   "cpu.bench",
		Units:  allUnits(),
		Render: report.StudyRender("tr121", fragment),
		Claims: report.ClaimsOf("tr121", claims, nil),
	},
	Live:     harness.LiveConfig{AllModels: true, Units: append([]string{"ns/op"}, Units(Ollama)...)},
	Backends: []harness.Backend{{Name: ONNXCPU, ONNX: &harness.ONNXConfig{}}, {Name: Ollama}},
	Leaves:   leaves,
	LeafName: func(l leaf) string { return l.name },
	Body:     body,
}
