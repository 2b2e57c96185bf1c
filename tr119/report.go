package tr119

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// baseline is the study's TR119 records and their power telemetry as
// studydata.TR119Files converts them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// studyBaseline is the TR119 baseline: what the fragment recomputes and
// where the benchmark's default power assumption comes from.
var studyBaseline = report.StudyBaseline("tr119", baseline, studydata.TR119Files)

// Report is TR119, cost and energy per million tokens: the study's
// records, the fragment and claims recomputed from them, and
// BenchmarkTR119's matrix (the study's single-request scenarios) and body,
// which prices Ollama's generated tokens with the energy the sampler
// measures.
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr119",
		Benchmarks: []string{"TR119"},
		Published:  []string{"TR119"},
		Baselines:  []report.Baseline{studyBaseline},
		Units:      reportedUnits,
		Render:     render,
		Claims:     reportClaims,
	},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
