package tr110

import "github.com/chimeraforge/chimeraforge/harness/multiagent"

// Tests returns the study's 30 TR110 tests, in its order, with the options
// its runs.csv records for each agent (data pack tr110/runs.csv). The
// matrix is TR114_v2's (tr114.Tests) plus T101, T102 and T105, which
// TR114_v2 did not run, and in chimera_hetero agent B sends temperature
// 0.6 where TR114_v2's kept 0.8.
func Tests() []multiagent.Test {
	c, bvc, het, homo := multiagent.Opts, multiagent.BaselineVs, multiagent.Hetero, multiagent.Homo
	return []multiagent.Test{
		bvc("T001", c(60, 512, 0.8)),
		bvc("T002", c(60, 1024, 0.8)),
		bvc("T003", c(80, 512, 0.8)),
		bvc("T004", c(80, 1024, 0.8)),
		bvc("T005", c(120, 512, 0.8)),
		bvc("T006", c(120, 1024, 0.8)),
		het("T007", c(60, 512, 0.8), c(80, 1024, 0.6)),
		het("T008", c(60, 1024, 0.8), c(80, 2048, 0.6)),
		het("T009", c(80, 512, 0.8), c(100, 1024, 0.6)),
		het("T010", c(80, 1024, 0.8), c(100, 2048, 0.6)),
		het("T011", c(120, 512, 0.8), c(140, 1024, 0.6)),
		het("T012", c(120, 1024, 0.8), c(140, 2048, 0.6)),
		homo("T013", c(60, 512, 0.8)),
		homo("T014", c(60, 1024, 0.8)),
		homo("T015", c(80, 512, 0.8)),
		homo("T016", c(80, 1024, 0.8)),
		homo("T017", c(120, 512, 0.8)),
		homo("T018", c(120, 1024, 0.8)),
		homo("T100", c(80, 512, 0.6)),
		homo("T101", c(80, 512, 0.8)),
		homo("T102", c(80, 512, 1.0)),
		homo("T103", c(80, 1024, 0.6)),
		homo("T104", c(80, 1024, 0.8)),
		homo("T105", c(80, 1024, 1.0)),
		homo("T106", c(80, 2048, 0.6)),
		homo("T107", c(80, 2048, 0.8)),
		homo("T108", c(80, 2048, 1.0)),
		homo("T200", c(80, 512, 0.8)),
		het("T201", c(80, 512, 0.8), c(80, 1024, 0.6)),
		bvc("T202", c(80, 512, 0.8)),
	}
}

// Name is test t's sub-benchmark name, the baseline's:
// "scenario=chimera_hetero/test=T011/instances=2/config=gpu120-140_ctx512-1024_temp0.8-0.6".
func Name(t multiagent.Test) string {
	return "scenario=" + t.Scenario + "/test=" + t.ID + "/instances=2/config=" + t.Dir(true)
}
