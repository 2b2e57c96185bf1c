package tr120

import (
	"time"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// Units are what a sub-benchmark of start st reports, all registered in
// internal/units: the prefill forward's mean, median and 99th percentile
// over its clean calls, the calls left out, and for cold calls the
// session creation (graph optimisation included) before each, build-ns.
func Units(st Start) []string {
	us := []string{"prefill-ns", "prefill-p50-ns", "prefill-p99-ns", "degraded-calls"}
	if st == Cold {
		us = append(us, "build-ns")
	}
	return us
}

// allUnits is every unit BenchmarkTR120 may report.
func allUnits() []string { return append([]string{"ns/op"}, Units(Cold)...) }

// Metrics computes a sub-benchmark's metrics from its records and, for
// cold calls, each call's session creation (nil for warm ones). Degraded
// records are counted, never pooled; a quantity with no clean call is
// absent, never 0.
func Metrics(st Start, recs []onnx.Record, sessions []time.Duration) map[string]float64 {
	var prefill []float64
	for _, r := range recs {
		if r.OK() {
			prefill = append(prefill, float64(r.Prefill))
		}
	}
	degraded, _ := onnx.Degraded(recs)
	m := map[string]float64{"degraded-calls": float64(degraded)}
	if len(prefill) > 0 {
		m["prefill-ns"] = stats.Mean(prefill)
		m["prefill-p50-ns"] = stats.Percentile(prefill, 50)
		m["prefill-p99-ns"] = stats.Percentile(prefill, 99)
	}
	if st == Cold && len(sessions) > 0 {
		var ns []float64
		for _, d := range sessions {
			ns = append(ns, float64(d))
		}
		m["build-ns"] = stats.Mean(ns)
	}
	return m
}
