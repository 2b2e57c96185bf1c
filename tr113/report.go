package tr113

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/tr114"
)

// baseline is the study's TR113 runs as studydata.TR113Files converts
// them.
//
//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR113, two agents on ONE Ollama instance: the study's runs set
// against TR114_v2's on two (tr114.Baseline, read where tr114 keeps it).
// It has no benchmark of its own: its question is the
// instances=1/parallel=1 arm of tr114's BenchmarkTR114, so a TR114 run is
// also a run of this report.
var Report = report.Spec{
	Name:       "tr113",
	Benchmarks: []string{"TR114"},
	Published:  []string{"TR113"},
	Baselines: []report.Baseline{
		report.StudyBaseline("tr113", baseline, studydata.TR113Files),
		tr114.Baseline,
	},
	Render: render,
	Claims: reportClaims,
}
