package multiagenttest

import (
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
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
