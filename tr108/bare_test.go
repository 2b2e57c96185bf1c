package tr108

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// A server that answers every request with a bare done line (no content,
// no counts, no durations) measured nothing but the request's end-to-end
// time: the body must omit every other metric (no TTFT, no decode rate,
// no load or prefill, no study TTFT, no prompt tokens), never report one
// as 0 or NaN, and count the measured request as lacking each.
func TestTR108BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env, fake := fakeEnv(t)
		fake.Servers[0].Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{model: fakeModel.Name, c: Configs()[1]}) })
		got := map[string]bool{}
		for unit, v := range res.Extra {
			got[unit] = true
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s = %v", unit, v)
			}
		}
		want := map[string]bool{"e2e-ns": true, "no-ttft-calls": true, "no-load-calls": true, "no-prefill-calls": true, "invalid-calls": true, "failed-calls": true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reported units mismatch (-want +got):\n%s", diff)
		}
		for _, unit := range []string{"no-ttft-calls", "no-load-calls", "no-prefill-calls"} {
			if res.Extra[unit] != 1 {
				t.Errorf("%s = %v, want 1 (the measured request; the warm-up is not pooled)", unit, res.Extra[unit])
			}
		}
		if v := res.Extra["invalid-calls"]; v != 0 {
			t.Errorf("invalid-calls = %v, want 0: a bare answer reports nothing wrong, only nothing", v)
		}
	})
}
