package tr114

import (
	"strconv"

	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// Name is test t's part of a sub-benchmark name, as in the baseline:
// "scenario=chimera_hetero/test=T011".
func Name(t multiagent.Test) string { return "scenario=" + t.Scenario + "/test=" + t.ID }

// Tests returns the study's 27 tests, in its order, with the options its
// runs.csv records for each agent (data pack tr114/runs.csv; the Rust
// agents sent num_gpu, num_ctx and temperature only). TR110's matrix
// had three more (T101, T102, T105) that TR114_v2 did not run, and set
// agent B's temperature in chimera_hetero to 0.6 where TR114_v2 kept 0.8.
func Tests() []multiagent.Test {
	c, bvc, het, homo := multiagent.Opts, multiagent.BaselineVs, multiagent.Hetero, multiagent.Homo
	return []multiagent.Test{
		bvc("T001", c(60, 512, 0.8)),
		bvc("T002", c(60, 1024, 0.8)),
		bvc("T003", c(80, 512, 0.8)),
		bvc("T004", c(80, 1024, 0.8)),
		bvc("T005", c(120, 512, 0.8)),
		bvc("T006", c(120, 1024, 0.8)),
		het("T007", c(60, 512, 0.8), c(80, 1024, 0.8)),
		het("T008", c(60, 1024, 0.8), c(80, 2048, 0.8)),
		het("T009", c(80, 512, 0.8), c(100, 1024, 0.8)),
		het("T010", c(80, 1024, 0.8), c(100, 2048, 0.8)),
		het("T011", c(120, 512, 0.8), c(140, 1024, 0.8)),
		het("T012", c(120, 1024, 0.8), c(140, 2048, 0.8)),
		homo("T013", c(60, 512, 0.8)),
		homo("T014", c(60, 1024, 0.8)),
		homo("T015", c(80, 512, 0.8)),
		homo("T016", c(80, 1024, 0.8)),
		homo("T017", c(120, 512, 0.8)),
		homo("T018", c(120, 1024, 0.8)),
		homo("T100", c(80, 512, 0.6)),
		homo("T103", c(80, 1024, 0.6)),
		homo("T104", c(80, 1024, 0.8)),
		homo("T106", c(80, 2048, 0.6)),
		homo("T107", c(80, 2048, 0.8)),
		homo("T108", c(80, 2048, 1.0)),
		homo("T200", c(80, 512, 0.8)),
		het("T201", c(80, 512, 0.8), c(80, 1024, 0.8)),
		bvc("T202", c(80, 512, 0.8)),
	}
}

// A Setup is one arm of the comparison: how many instances the two agents
// are spread over (agent i on instance i mod instances) and each
// instance's OLLAMA_NUM_PARALLEL.
type Setup struct {
	Instances   int
	NumParallel int
}

// Setups are the three arms: the study's TR113 (one instance, one slot),
// its TR114 (two instances), and what Ollama's users ask about instead of
// a second instance (ollama#9054, #9787, #11196): one instance with two
// slots.
func Setups() []Setup {
	return []Setup{{1, 1}, {2, 1}, {1, 2}}
}

// Name is the arm's part of a sub-benchmark name: "instances=2/parallel=1".
func (s Setup) Name() string {
	return "instances=" + strconv.Itoa(s.Instances) + "/parallel=" + strconv.Itoa(s.NumParallel)
}
