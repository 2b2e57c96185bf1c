package measure

import (
	"maps"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// A bare done answer (no content, no accounting) has no TTFT, load or
// prefill: CallMetrics must leave it out of those means, not average in a
// 0, and count it. The script is the truth: tiny loads in 100 ms, prefills
// prompt80 in 20 ms, and sends 2 tokens 10 ms apart.
func TestCallMetricsOmitsWhatWasNotMeasured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{scripted}})
		call := Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80, Options: map[string]any{"num_predict": 2}}
		measure := func(bare bool) Record {
			t.Helper()
			if bare {
				s.Inject("tiny", ollamatest.Fault{Kind: ollamatest.FaultBare, Count: 1})
			}
			r, err := Measure(t.Context(), call)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		var m CallMetrics
		cold, bare, warm := measure(false), measure(true), measure(false)
		m.Add(cold, bare, warm)
		m.Add(measure(true), measure(false)) // a workflow whose first call has no TTFT

		if bare.LoadDuration != nil || bare.PromptEvalDuration != nil || bare.PromptEvalCount != nil || len(bare.Chunks) != 0 || !bare.OK() {
			t.Errorf("bare record: load %v, prefill %v, prompt count %v, %d chunks, OK %v; want nil, nil, nil, 0, true",
				bare.LoadDuration, bare.PromptEvalDuration, bare.PromptEvalCount, len(bare.Chunks), bare.OK())
		}
		want := map[string]float64{
			"tok/s":            100,                          // 6 tokens in 3 × 20 ms
			"ttft-ns":          float64(120+20+20) / 3 * 1e6, // cold, warm, warm
			"first-ttft-ns":    120e6,                        // the second workflow's first call has none
			"e2e-ns":           float64(140+0+40+0+40) / 5 * 1e6,
			"itl-ns":           10e6,
			"load-ns":          float64(100+0+0) / 3 * 1e6, // a warm 0 is a measurement
			"prefill-ns":       20e6,
			"study-ttft-ns":    float64(120+20+20) / 3 * 1e6,
			"prompt-tok":       20,
			"no-ttft-calls":    2,
			"no-load-calls":    2,
			"no-prefill-calls": 2,
			"invalid-calls":    0,
			"stream-tok/s":     100, // the client saw the same 10 ms between tokens
			"failed-calls":     0,
		}
		got := m.Values()
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("metrics mismatch (-want +got):\n%s", diff)
		}
		if err := units.Check(slices.Collect(maps.Keys(got))...); err != nil {
			t.Error(err)
		}
	})
}

// Counts of unmeasured calls are reported even when 0, so that a run shows
// it had none; nothing is reported without calls.
func TestCallMetricsCountsAreAlwaysReported(t *testing.T) {
	var m CallMetrics
	if v := m.Values(); len(v) != 0 {
		t.Errorf("no calls: %v, want nothing", v)
	}
	m.Add(Record{Err: "failed calls are not pooled"})
	if v := m.Values(); !cmp.Equal(v, map[string]float64{"failed-calls": 1}) {
		t.Errorf("only a failed call: %v, want it counted and nothing else", v)
	}
	m.Add(Record{Chunks: []time.Duration{ms}, FirstContent: ms, End: 2 * ms,
		LoadDuration: Ptr(ms), PromptEvalDuration: Ptr(ms), PromptEvalCount: Ptr(3)})
	v := m.Values()
	for _, unit := range []string{"no-ttft-calls", "no-load-calls", "no-prefill-calls"} {
		if x, ok := v[unit]; !ok || x != 0 {
			t.Errorf("%s = %v, %v; want a reported 0", unit, x, ok)
		}
	}
	if _, ok := v["itl-ns"]; ok {
		t.Errorf("itl-ns reported from one chunk: %v", v)
	}
}
