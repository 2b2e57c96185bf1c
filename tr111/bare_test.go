package tr111

import (
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
// the body must omit every other metric, never report it as 0, and count
// the calls that lacked each measurement.
func TestTR111BodyOmitsWhatABareAnswerLacks(t *testing.T) {
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
		res := harness.BenchOnce(t, func(b *testing.B) { benchConfig(b, l, harness.AgentConfigs()[0], "warm") })
		got := map[string]bool{}
		for unit := range res.Extra {
			got[unit] = true
		}
		want := map[string]bool{"e2e-ns": true, "no-ttft-calls": true, "no-load-calls": true, "no-prefill-calls": true, "invalid-calls": true, "failed-calls": true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reported units mismatch (-want +got):\n%s", diff)
		}
		for _, unit := range []string{"no-ttft-calls", "no-load-calls", "no-prefill-calls"} {
			if res.Extra[unit] != 2 {
				t.Errorf("%s = %v, want 2 (both calls of the run)", unit, res.Extra[unit])
			}
		}
		if v := res.Extra["invalid-calls"]; v != 0 {
			t.Errorf("invalid-calls = %v, want 0: a bare answer reports nothing wrong, only nothing", v)
		}
	})
}
