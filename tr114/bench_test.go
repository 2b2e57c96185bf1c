package tr114

import (
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

// BenchmarkTR114 reproduces TR114_v2 and answers its question: every test
// of the study's matrix, in each setup of Setups(), as
// scenario=…/test=…/instances=…/parallel=…. One iteration is one
// interleaved sample: agent A alone, agent B alone, then both together
// (multiagent.Interleave); ns/op is its wall time.
func BenchmarkTR114(b *testing.B) {
	l := harness.NewLive(b, liveConfig())
	lives := []*harness.Live{l}
	skips := []string{""}
	for _, a := range l.Arms {
		lives = append(lives, a.Live)
		skips = append(skips, a.Unavailable)
	}
	tests, setups := Tests(), Setups()
	var names []string
	for _, t := range tests {
		for _, s := range setups {
			names = append(names, Name(t)+"/"+s.Name())
		}
	}
	sw := harness.NewSweep(b, names)
	for _, t := range tests {
		for i, s := range setups {
			sw.Run(b, Name(t)+"/"+s.Name(), func(b *testing.B) {
				if lives[i] == nil {
					b.Skip(skips[i])
				}
				benchTest(b, lives[i], t, s)
			})
		}
	}
}

// benchTest is one sub-benchmark: test t's two agents on l's instances
// (agent i on instance i mod len), harness.BenchMultiAgent. The legacy and
// corrected metrics are pooled over the samples and reported once.
func benchTest(b *testing.B, l *harness.Live, t multiagent.Test, s Setup) {
	harness.BenchMultiAgent(b, l, harness.MultiAgentBench{
		Test: t, Model: l.Model(), Label: Name(t) + "/" + s.Name(), Units: reportedUnits,
	})
}
