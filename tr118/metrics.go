package tr118

import (
	"slices"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

// Units are what BenchmarkTR118 reports per mode, all registered in
// internal/units. prefill-tok/s counts the prompts' own tokens per second
// of prefill forward; tok/s, decode's generated tokens per second of
// decode-step forward (one unit per meaning: tok/s is registered as
// decode throughput). padded-tok/s is prefill's rate as
// the study counted it, padding included (Scenario.Len × Batch tokens per
// call), so that it lines up with the baseline's. degraded-calls counts
// the calls left out, 0 included: a clean run is a measurement too.
func Units(m Mode) []string {
	if m == Prefill {
		return []string{"prefill-tok/s", "padded-tok/s", "prefill-ns", "degraded-calls"}
	}
	return []string{"tok/s", "ttft-ns", "itl-ns", "e2e-ns", "prefill-ns", "degraded-calls"}
}

// allUnits is every unit BenchmarkTR118 may report, for its Unit lines.
func allUnits() []string {
	var all []string
	for _, m := range Modes() {
		for _, u := range Units(m) {
			if !slices.Contains(all, u) {
				all = append(all, u)
			}
		}
	}
	return slices.Concat([]string{"ns/op"}, all)
}

// Metrics computes mode m's metrics from the clean records, through the
// harness's per-call metrics (measure.CallMetrics, the code that Ollama
// calls go through): each the mean over the calls that measured it, absent
// when none did. Degraded records are never pooled, only counted.
func Metrics(m Mode, recs []onnx.Record) map[string]float64 {
	var cm measure.CallMetrics
	var real, padded int
	var prefill time.Duration
	for _, r := range recs {
		cm.Add(r.Measure()) // a degraded record only as a failed call
		if r.OK() {
			real += r.Real
			padded += r.Padded
			prefill += r.Prefill
		}
	}
	all := cm.Values()
	all["degraded-calls"] = all["failed-calls"]
	if m == Prefill {
		// A prefill call generates nothing: it has no decode rate, only
		// its prefill's.
		delete(all, "tok/s")
		if prefill > 0 {
			all["prefill-tok/s"] = float64(real) / prefill.Seconds()
			all["padded-tok/s"] = float64(padded) / prefill.Seconds()
		}
	}
	return measure.Pick(all, Units(m))
}
