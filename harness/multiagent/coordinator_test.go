package multiagent

import (
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// The negative control on independent instances, where running together
// would double the rate: a mutex held across each agent's workflow makes
// the agents run one after the other. The legacy figures read 50 % and a
// contended run, because each agent's time starts when it holds the lock;
// the corrected speedup reads exactly 1. Without the mutex the same agents
// score speedup 2.
func TestSerialisedScoresFiftyPercentAndSpeedupOne(t *testing.T) {
	for _, tc := range []struct {
		name     string
		together Together
		want     map[string]float64
	}{
		{"run", Run, map[string]float64{"eff-%": 100, "legacy-speedup-x": 2, "contention-%": 0, "speedup-x": 2, "true-eff-%": 100, "balance-%": 100}},
		{"serialised", Serialised, map[string]float64{"eff-%": 50, "legacy-speedup-x": 1, "contention-%": 100, "speedup-x": 1, "true-eff-%": 50, "balance-%": 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				corpus := smallCorpus(t)
				var agents []*agent.Agent
				for i := range 2 {
					fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fixed}})
					agents = append(agents, newAgent(t, fmt.Sprint("agent", i), fake, fixed.Name, corpus))
				}
				var m Metrics
				for i := range 3 {
					s, err := InterleaveWith(t.Context(), fmt.Sprint(i), tc.together, agents...)
					if err != nil {
						t.Fatal(err)
					}
					m.Add(s)
				}
				got := m.Values()
				for unit := range got {
					if _, ok := tc.want[unit]; !ok {
						delete(got, unit)
					}
				}
				if diff := cmp.Diff(tc.want, got, approx); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
				// One workflow is two calls of 50 tokens, 5 ms each: 500 ms.
				// Each agent's time inside the run is that, whether or not
				// it waited for the lock first.
				d := 2 * float64(fixed.Tokens) * float64(fixed.InterToken)
				if diff := cmp.Diff([]float64{d, d}, m.InRunNs(), approx); diff != "" {
					t.Errorf("InRunNs mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestInRunNsOfNoSamplesIsNil(t *testing.T) {
	var m Metrics
	if got := m.InRunNs(); got != nil {
		t.Errorf("InRunNs() = %v, want nil", got)
	}
}
