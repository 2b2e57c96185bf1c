package tr121

import (
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// The backends BenchmarkTR121 measures.
const (
	Ollama  = "ollama"   // synthetic GGUF models through Ollama (llama.cpp)
	ONNXCPU = "onnx-cpu" // synthetic GPT-2 ONNX models on ONNX Runtime's CPU provider
)

// Units are what a sub-benchmark of backend reports, all registered in
// internal/units: the prefill's and the decode's time per call, the
// call's end to end time, decode throughput and prompt tokens, and for
// ONNX Runtime the calls left out (an Ollama call that fails fails the
// benchmark).
func Units(backend string) []string {
	us := []string{"prefill-ns", "decode-ns", "e2e-ns", "tok/s", "prompt-tok"}
	if backend == ONNXCPU {
		us = append(us, "degraded-calls")
	}
	return us
}

// allUnits is every unit BenchmarkTR121 may report.
func allUnits() []string { return append([]string{"ns/op"}, Units(ONNXCPU)...) }

// Metrics computes a sub-benchmark's metrics from its calls, through the
// harness's per-call metrics: prefill-ns is the prompt evaluation
// (Ollama's prompt_eval_duration; ONNX Runtime's prefill forward),
// decode-ns the generation (eval_duration; the decode steps' forward
// time), each a mean over the clean calls, absent when none measured it.
// degraded-calls counts the calls that were not clean.
func Metrics(backend string, recs []measure.Record) map[string]float64 {
	var cm measure.CallMetrics
	var decode []float64
	for _, r := range recs {
		cm.Add(r) // a call that is not clean only as a failed call
		if r.Valid() && r.EvalDuration != nil && *r.EvalDuration > 0 {
			decode = append(decode, float64(*r.EvalDuration))
		}
	}
	all := cm.Values()
	if len(decode) > 0 {
		all["decode-ns"] = stats.Mean(decode)
	}
	all["degraded-calls"] = all["failed-calls"]
	return measure.Pick(all, Units(backend))
}
