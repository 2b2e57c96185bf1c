package tr111

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

//go:embed testdata/baseline.bench
var baseline []byte

// Baseline is the study's TR111_v2 calls as studydata.TR111File converts
// them, committed here once; tr109 and tr114 compare with it.
var Baseline = report.StudyBaseline("tr111", baseline, studydata.TR111File)

// Report is TR111_v2, one agent and its 19 configurations: the study's
// calls, BenchmarkTR111's matrix (harness.AgentConfigs() × start) and its
// body, and the fragment, which also answers TR112_v2's Rust rows (#89–91).
var Report = harness.Report[leaf]{
	Spec: report.Spec{
		Name:       "tr111",
		Benchmarks: []string{"TR111", "TR111Process"},
		Published:  []string{"TR111_v2"},
		Cites:      []int{89, 90, 91},
		Baselines:  []report.Baseline{Baseline},
		Units:      reportedUnits,
		Render:     render,
		Claims:     report.ClaimsOf("tr111", rptClaims, nil),
	},
	Live:     harness.LiveConfig{OpenAI: true},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}
