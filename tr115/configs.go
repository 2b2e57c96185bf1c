package tr115

import "github.com/chimeraforge/chimeraforge/harness/multiagent"

// Configs returns the study's six TR115_v2 configs, in the baseline's
// order, with the options its runs.csv records for each agent: the
// chimera agents send temperature 1.0 throughout, and the study gave them
// no test ids.
func Configs() []multiagent.Test {
	c := func(gpu, ctx int) multiagent.Config {
		return multiagent.Config{NumGPU: gpu, NumCtx: ctx, Temperature: 1.0}
	}
	homo := func(a multiagent.Config) multiagent.Test {
		return multiagent.Test{Scenario: multiagent.ChimeraHomo, A: a, B: a}
	}
	return []multiagent.Test{
		{Scenario: multiagent.BaselineVsChimera, B: c(80, 512)},
		{Scenario: multiagent.ChimeraHetero, A: c(80, 512), B: c(100, 1024)},
		homo(c(100, 512)),
		homo(c(80, 1024)),
		homo(c(80, 2048)),
		homo(c(80, 512)),
	}
}

// Name is the sub-benchmark name of config t run the way v says, shaped
// like the baseline's names with the variant as the runtime:
// "runtime=go-mutex/scenario=chimera_homo/config=gpu80_ctx512/instances=2".
func Name(v Variant, t multiagent.Test) string {
	return "runtime=" + v.Runtime + "/scenario=" + t.Scenario + "/config=" + t.Dir(false) + "/instances=2"
}
