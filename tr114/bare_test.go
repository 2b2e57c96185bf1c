package tr114

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// A server that answers every call with a bare done line (no content, no
// counts, no durations) leaves the per-call metrics unmeasured: the body
// omits them, never reporting 0. In the bubble the answers take no time at
// all, so the runs' wall times are 0 too: the ratios built on them are
// omitted as well, never NaN or Inf.
func TestTR114BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env, fakes := fakeEnv(t, 1)
		fakes.Servers[0].Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{t: testByID(t, "T013"), s: Setup{1, 1}}) })
		for _, unit := range []string{"tok/s", "ttft-ns", "load-ns"} {
			if v, ok := res.Extra[unit]; ok {
				t.Errorf("%s = %v reported, want it omitted: no call measured it", unit, v)
			}
		}
		for unit, v := range res.Extra {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s = %v reported", unit, v)
			}
		}
		for _, unit := range []string{"eff-%", "speedup-x", "agg-tok/s"} {
			if v, ok := res.Extra[unit]; ok {
				t.Errorf("%s = %v reported over a wall time of 0", unit, v)
			}
		}
	})
}
