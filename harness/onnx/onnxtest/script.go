package onnxtest

import (
	"math"
	"slices"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

// A Script stands for a decoder in a body test: each call returns the
// next of Records (the last one again once they run out) and is kept in
// Calls.
type Script struct {
	Records []onnx.Record
	Calls   []onnx.Batch
}

// Run records b and returns the script's next record.
func (s *Script) Run(b onnx.Batch) (onnx.Record, error) {
	s.Calls = append(s.Calls, b)
	return s.Records[min(len(s.Calls), len(s.Records))-1], nil
}

// AssertMeasured checks a run on ONNX Runtime itself: every unit is
// reported, counts (degraded-calls, invalid-calls) as 0, for clean calls
// that no server could misreport, and every other one as a positive,
// finite measurement.
func AssertMeasured(tb testing.TB, extra map[string]float64, units []string, counts ...string) {
	tb.Helper()
	for _, u := range units {
		v, ok := extra[u]
		switch {
		case slices.Contains(counts, u):
			if !ok || v != 0 {
				tb.Errorf("%s = %v (reported: %t), want a clean run counted as 0", u, v, ok)
			}
		case !ok || !(v > 0) || math.IsInf(v, 0):
			tb.Errorf("%s = %v (reported: %t), want a positive measurement", u, v, ok)
		}
	}
}
