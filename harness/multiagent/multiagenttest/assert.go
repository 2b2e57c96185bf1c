package multiagenttest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// AssertValues fails tb with a diff unless a body reported exactly the
// units of want, each equal to its value within a relative 1e-9 (the
// fakes' script is exact; the pooling's arithmetic is not).
func AssertValues(tb testing.TB, want, got map[string]float64) {
	tb.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		tb.Errorf("metrics mismatch (-want +got):\n%s", diff)
	}
}

// TwoPrompts returns the calls the fakes served ([Fakes.Prompted]) and
// the prompt tokens of the workflow's two prompts, the analysis prompt's
// (the first call's) and the report prompt's (the second's), failing tb
// unless there were n calls, each of one of the two.
func (f *Fakes) TwoPrompts(tb testing.TB, n int) (calls []ollamatest.RequestLog, analysis, report time.Duration) {
	tb.Helper()
	calls = f.Prompted()
	if len(calls) != n {
		tb.Fatalf("%d prompted calls, want %d", len(calls), n)
	}
	analysis, report = time.Duration(calls[0].PromptTokens), time.Duration(calls[1].PromptTokens)
	for _, c := range calls {
		if pt := time.Duration(c.PromptTokens); pt != analysis && pt != report {
			tb.Fatalf("a call with %d prompt tokens; want only %d (analysis) and %d (report)", pt, analysis, report)
		}
	}
	return calls, analysis, report
}

// CallTruth is what measure.CallMetrics must report, pooled, for calls the
// fakes served by model's script with predict tokens each (all streamed,
// none failed or lying): the decode rate and gap the script sets, the
// means of each call's load, prefill (Prefill + prompt tokens ×
// PrefillPerToken),
// TTFT (load + prefill, the study's too), end-to-end time (TTFT + predict
// gaps) and prompt tokens, the first call's TTFT, and no call lacking a
// measurement.
func CallTruth(model ollamatest.Model, predict int, calls []ollamatest.RequestLog) map[string]float64 {
	var load, prefill, promptTokens time.Duration
	for _, c := range calls {
		load += c.Load
		prefill += model.Prefill + time.Duration(c.PromptTokens)*model.PrefillPerToken
		promptTokens += time.Duration(c.PromptTokens)
	}
	n := time.Duration(len(calls))
	ttft := (load + prefill) / n
	rate := float64(time.Second / model.InterToken)
	return map[string]float64{
		"tok/s":            rate,
		"stream-tok/s":     rate, // the client sees the script's gaps too
		"itl-ns":           float64(model.InterToken),
		"ttft-ns":          float64(ttft),
		"study-ttft-ns":    float64(ttft),
		"first-ttft-ns":    float64(calls[0].Load + model.Prefill + time.Duration(calls[0].PromptTokens)*model.PrefillPerToken),
		"load-ns":          float64(load / n),
		"prefill-ns":       float64(prefill / n),
		"e2e-ns":           float64(ttft + time.Duration(predict)*model.InterToken),
		"prompt-tok":       float64(promptTokens) / float64(n),
		"invalid-calls":    0,
		"no-ttft-calls":    0,
		"no-load-calls":    0,
		"no-prefill-calls": 0,
		"failed-calls":     0,
	}
}
