package harness

import (
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// TestAgentsBodyOnIndependentInstances drives BenchmarkAgents' body once,
// on fakes whose clock is exact: agents that share nothing must score
// 100 % on both efficiencies, and N × their alone time as speedup.
func TestAgentsBodyOnIndependentInstances(t *testing.T) {
	for _, n := range []int{2, 5} {
		t.Run(fmt.Sprintf("agents=%d", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				agents := make([]*Agent, n)
				corpus := smallCorpus(t)
				for i := range agents {
					fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{agentsModel}})
					agents[i] = &Agent{Name: fmt.Sprint("agent", i), Client: clientFor(t, fake), URL: fake.URL, Model: agentsModel.Name, Corpus: corpus}
				}
				res := BenchOnce(t, func(b *testing.B) { benchAgents(b, agents) })
				for unit, want := range map[string]float64{"eff-%": 100, "true-eff-%": 100, "speedup-x": float64(n), "balance-%": 100, "overhead-ns": 0} {
					if got := res.Extra[unit]; got < want-1e-6 || got > want+1e-6 {
						t.Errorf("%s = %v, want %v", unit, got, want)
					}
				}
			})
		})
	}
}

// TestRunConcurrentSerialisedOnOneSlot is the study's blind spot, on the
// fake: two agents on ONE instance with one slot are served one after the
// other. The legacy efficiency still says 75 % (it measures balance); the
// corrected speedup says 1.0x — running them together gained nothing.
func TestRunConcurrentSerialisedOnOneSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{{Name: "one:slot", InterToken: agentsModel.InterToken, Tokens: 20}}})
		corpus := smallCorpus(t)
		mk := func(name string) *Agent {
			return &Agent{Name: name, Client: clientFor(t, fake), URL: fake.URL, Model: "one:slot", Corpus: corpus}
		}
		a, b := mk("a"), mk("b")
		if _, err := a.Run(t.Context(), "warmup"); err != nil {
			t.Fatal(err)
		}
		wa, err := a.Run(t.Context(), "alone")
		if err != nil {
			t.Fatal(err)
		}
		c, err := RunConcurrent(t.Context(), "together", a, b)
		if err != nil {
			t.Fatal(err)
		}
		alone := wa.Total.Seconds()
		l := legacyOf(c)
		k := correctedOf([]float64{alone, alone}, c)
		// The calls interleave in FIFO order (a1, b1, a2, b2), so a ends one
		// call before b: in-run times 3D and 4D, wall 4D.
		if l < 87.4 || l > 87.6 {
			t.Errorf("legacy efficiency = %.2f %%, want 87.5 %% (balance of 3D vs 4D)", l)
		}
		if k < 0.999 || k > 1.001 {
			t.Errorf("corrected speedup = %.3f, want 1.0 (the instance serialised them)", k)
		}
	})
}
