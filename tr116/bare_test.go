package tr116

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Fakes that answer every call with a bare done line leave every per-call
// metric unmeasured, and in the bubble the runs take no time: the body
// reports none of them and no ratio over a wall time of 0, never 0, NaN or
// Inf.
func TestTR116BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := multiagenttest.New(t, multiagenttest.Config{
			Models: fakeModels, Params: fakeParams, NumPredict: fakePredict,
			Bandwidth: fakeBandwidth, Units: reportedUnits, NumParallel: []int{1, 1},
		})
		for _, s := range f.Servers {
			s.Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		}
		m := f.Live.Models[0]
		var tc multiagent.Test
		for _, c := range Tests(m) {
			if c.Scenario == multiagent.ChimeraHomo {
				tc = c
			}
		}
		res := harness.BenchOnce(t, func(b *testing.B) { benchTest(b, f.Live, m, tc) })
		for unit, x := range res.Extra {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("%s = %v reported", unit, x)
			}
		}
		for _, unit := range []string{"tok/s", "ttft-ns", "load-ns", "eff-%", "speedup-x", "agg-tok/s"} {
			if x, ok := res.Extra[unit]; ok {
				t.Errorf("%s = %v reported; nothing measured it", unit, x)
			}
		}
	})
}
