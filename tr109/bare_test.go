package tr109

import (
	"math"
	"net/url"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// A server that answers every call with a bare done line (no content, no
// counts, no durations) measured nothing but the calls' end-to-end time:
// the body must omit every other metric (no TTFT of any call or of the
// first, no decode rate, no load or prefill, no study TTFT, no prompt
// tokens), never report one as 0 or NaN, and count both calls of the
// measured run as lacking each.
func TestTR109BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}})
		fake.Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		u, err := url.Parse(fake.URL)
		if err != nil {
			t.Fatal(err)
		}
		l := &harness.Live{
			Instances: []*harness.Instance{{URL: fake.URL, Client: measure.NewClient(u, fake.Client())}},
			Models:    []harness.ModelInfo{{Tag: fakeModel.Name}},
			Base:      measure.Options{NumPredict: measure.Ptr(fakePredict)},
			Trace:     harness.NewTrace(t),
			Corpus:    harness.CorpusDir(t),
			Units:     liveConfig.Units,
		}
		cs := harness.AgentConfigs()
		for _, c := range []harness.AgentConfig{cs[0], cs[len(cs)-1]} {
			res := harness.BenchOnce(t, func(b *testing.B) { benchConfig(b, l, c) })
			got := map[string]bool{}
			for unit, v := range res.Extra {
				got[unit] = true
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s: %s = %v", c.Name(), unit, v)
				}
			}
			want := map[string]bool{"e2e-ns": true, "no-ttft-calls": true, "no-load-calls": true, "no-prefill-calls": true, "invalid-calls": true, "failed-calls": true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: reported units mismatch (-want +got):\n%s", c.Name(), diff)
			}
			for _, unit := range []string{"no-ttft-calls", "no-load-calls", "no-prefill-calls"} {
				if res.Extra[unit] != 2 {
					t.Errorf("%s: %s = %v, want 2 (both calls of the measured run; the warm-up run is not pooled)", c.Name(), unit, res.Extra[unit])
				}
			}
			if v := res.Extra["invalid-calls"]; v != 0 {
				t.Errorf("invalid-calls = %v, want 0: a bare answer reports nothing wrong, only nothing", v)
			}
		}
	})
}
