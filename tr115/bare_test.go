package tr115

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Fakes that answer every call with a bare done line leave every per-call
// metric unmeasured, and in the bubble the runs take no time: each
// variant's body reports none of them and no ratio over a wall time of 0,
// never 0, NaN or Inf.
func TestTR115BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	for _, v := range Variants(4) {
		t.Run(v.Runtime, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Config{
					Models: []ollamatest.Model{fakeModel}, Params: fakeParams, NumPredict: fakePredict,
					Bandwidth: fakeBandwidth, Units: reportedUnits, NumParallel: []int{1, 1},
				})
				for _, s := range f.Servers {
					s.Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
				}
				res := harness.BenchOnce(t, func(b *testing.B) { benchVariant(b, f.Live, homo(t), v, f.Transport) })
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
		})
	}
}
