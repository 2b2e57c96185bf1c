package tr110

import (
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/tr114"
)

// Tests returns the study's 30 TR110 tests, in its order, with the options
// its runs.csv records for each agent (data pack tr110/runs.csv): TR114_v2's
// matrix (tr114.Tests), with agent B at temperature 0.6 in chimera_hetero
// where TR114_v2's kept 0.8, and T101, T102 and T105, which TR114_v2 did
// not run, after T100 and T104.
func Tests() []multiagent.Test {
	c, homo := multiagent.Opts, multiagent.Homo
	more := map[string][]multiagent.Test{
		"T100": {homo("T101", c(80, 512, 0.8)), homo("T102", c(80, 512, 1.0))},
		"T104": {homo("T105", c(80, 1024, 1.0))},
	}
	var ts []multiagent.Test
	for _, t := range tr114.Tests() {
		if t.Scenario == multiagent.ChimeraHetero {
			t.B.Temperature = 0.6
		}
		ts = append(append(ts, t), more[t.ID]...)
	}
	return ts
}

// Name is test t's sub-benchmark name, the baseline's:
// "scenario=chimera_hetero/test=T011/instances=2/config=gpu120-140_ctx512-1024_temp0.8-0.6".
func Name(t multiagent.Test) string {
	return "scenario=" + t.Scenario + "/test=" + t.ID + "/instances=2/config=" + t.Dir(true)
}
