package tr110

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Fakes that answer every call with a bare done line (no content, no
// counts, no durations) leave every per-call metric unmeasured, and in
// the bubble the runs take no time at all: the body reports none of them
// and no ratio over a wall time of 0, never 0, NaN or Inf.
func TestTR110BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t)
		for _, s := range f.Servers {
			s.Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		}
		res := harness.BenchOnce(t, func(b *testing.B) { benchTest(b, f.Live, testByID(t, "T013")) })
		for unit, v := range res.Extra {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s = %v reported", unit, v)
			}
		}
		for _, unit := range []string{"tok/s", "ttft-ns", "load-ns", "study-ttft-ns", "eff-%", "speedup-x", "agg-tok/s"} {
			if v, ok := res.Extra[unit]; ok {
				t.Errorf("%s = %v reported; nothing measured it", unit, v)
			}
		}
	})
}
