package tr109

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/tr111"
)

//go:embed testdata/baseline.bench
var baseline []byte

// Report is TR109, the agent-workflow sweep: the study's Python sweep set
// against TR111_v2's Rust one (tr111.Baseline) and a run of ours
// (testdata/ours.bench in the golden), BenchmarkTR109's matrix
// (harness.AgentConfigs, warm) and body. It also answers TR112_v2's
// success-rate rows (#88, #90).
var Report = harness.Report[harness.AgentConfig]{
	Spec: report.Spec{
		Name:       "tr109",
		Benchmarks: []string{"TR109"},
		Published:  []string{"TR109"},
		Cites:      []int{88, 90},
		Baselines: []report.Baseline{
			report.StudyBaseline("tr109", baseline, studydata.TR109File),
			tr111.Baseline,
		},
		Ours:   "ours.bench",
		Units:  reportedUnits,
		Render: render,
		Claims: reportClaims,
	},
	Live:     harness.LiveConfig{OpenAI: true},
	Leaves:   leaves,
	LeafName: harness.AgentConfig.Name,
	Body:     body,
}

// reportClaims recomputes TR109's rows, and TR112_v2's success rates, from
// both study sweeps.
func reportClaims(in report.Input) (report.Claims, error) {
	sets, err := inputsOf(in)
	if err != nil {
		return report.Claims{}, err
	}
	cs, err := claims(in.Published, sets)
	return report.Claims{Numbers: cs}, err
}
