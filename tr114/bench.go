package tr114

import (
	"context"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// reportedUnits are what BenchmarkTR114 reports: the study's legacy figures, the
// corrected ones beside them, the roofline share, and the concurrent calls'
// decode rate, TTFT and load time (a reload between two configs on one
// instance shows there).
var reportedUnits = []string{
	"ns/op",
	"eff-%", "legacy-speedup-x", "contention-%",
	"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns",
	"roofline-%", "invalid-calls",
	"tok/s", "ttft-ns", "load-ns",
}

// liveConfig starts the three setups of Setups(): the first as the Live's
// own servers, the others as its arms.
func liveConfig() harness.LiveConfig {
	s := Setups()
	cfg := harness.LiveConfig{Instances: s[0].Instances, NumParallel: s[0].NumParallel, Units: reportedUnits, Roofline: true, OpenAI: true}
	for _, a := range s[1:] {
		cfg.Arms = append(cfg.Arms, harness.ServerConfig{Instances: a.Instances, NumParallel: a.NumParallel})
	}
	return cfg
}

// A leaf is one sub-benchmark of BenchmarkTR114: a test of the study's
// matrix in one setup, setup i of Setups() (0: the Live's own servers, i:
// its arm i-1).
type leaf struct {
	t     multiagent.Test
	s     Setup
	setup int
}

// leaves are every test of Tests() in each setup of Setups().
func leaves(context.Context, *harness.Env) ([]leaf, error) {
	var ls []leaf
	for _, t := range Tests() {
		for i, s := range Setups() {
			ls = append(ls, leaf{t: t, s: s, setup: i})
		}
	}
	return ls, nil
}

// leafName is scenario=…/test=…/instances=…/parallel=….
func leafName(l leaf) string { return Name(l.t) + "/" + l.s.Name() }

// body is one sub-benchmark: test t's two agents on its setup's instances
// (agent i on instance i mod len), harness.MultiAgentValues; a setup the
// servers at hand cannot provide skips with the reason. One iteration is
// one interleaved sample: agent A alone, agent B alone, then both together
// (multiagent.Interleave); ns/op is its wall time. The legacy and
// corrected metrics are pooled over the samples.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	live := env.Live
	if l.setup > 0 {
		arm := env.Live.Arms[l.setup-1]
		if arm.Live == nil {
			b.Skip(arm.Unavailable)
		}
		live = arm.Live
	}
	return harness.MultiAgentValues(b, live, harness.MultiAgentBench{
		Test: l.t, Model: live.Model(), Label: leafName(l), Units: reportedUnits,
	})
}
