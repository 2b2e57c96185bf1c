package multiagenttest

import (
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// bareUnits are what a single-agent body reports when every call was
// answered by a bare done line (ollamatest.FaultBare: no content, counts
// or durations): the calls' end-to-end time and the counts of what they
// lacked, nothing else.
var bareUnits = []string{"e2e-ns", "no-ttft-calls", "no-load-calls", "no-prefill-calls", "invalid-calls", "failed-calls"}

// AssertBare checks the values a single-agent body reported over calls
// measured calls that were all answered bare: no unit beyond the
// end-to-end time and the counts (no TTFT, decode rate, load, prefill,
// study TTFT or prompt tokens reported as 0), no NaN or Inf, each of the
// calls counted as lacking TTFT, load and prefill, and none as invalid (a
// bare answer reports nothing wrong, only nothing).
func AssertBare(tb testing.TB, extra map[string]float64, calls int) {
	tb.Helper()
	for unit, v := range extra {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			tb.Errorf("%s = %v", unit, v)
		}
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(bareUnits)), slices.Sorted(maps.Keys(extra))); diff != "" {
		tb.Errorf("reported units mismatch (-want +got):\n%s", diff)
	}
	for _, unit := range []string{"no-ttft-calls", "no-load-calls", "no-prefill-calls"} {
		if extra[unit] != float64(calls) {
			tb.Errorf("%s = %v, want %d (the measured calls; a warm-up is not pooled)", unit, extra[unit], calls)
		}
	}
	if v := extra["invalid-calls"]; v != 0 {
		tb.Errorf("invalid-calls = %v, want 0: a bare answer reports nothing wrong, only nothing", v)
	}
}

// Bare makes every fake answer every call bare (ollamatest.FaultBare).
func (f *Fakes) Bare() {
	for _, s := range f.Servers {
		s.Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
	}
}

// unmeasured are what a multi-agent body must omit when every call was
// answered bare: the per-call metrics nothing measured, and the ratios
// over the runs' wall times, which are 0 in a bubble where the answers
// take no time.
var unmeasured = []string{"tok/s", "ttft-ns", "load-ns", "study-ttft-ns", "eff-%", "speedup-x", "agg-tok/s"}

// AssertBareMulti checks the values a multi-agent body reported over
// fakes that answered every call bare ([Fakes.Bare]): none NaN or Inf, and
// none of the per-call metrics or wall-time ratios reported as a number
// nothing measured.
func AssertBareMulti(tb testing.TB, extra map[string]float64) {
	tb.Helper()
	AssertOmitted(tb, extra, unmeasured...)
}
