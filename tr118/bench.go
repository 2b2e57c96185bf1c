package tr118

import (
	"context"
	"fmt"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// A leaf is one sub-benchmark of BenchmarkTR118: a provider, a model,
// a scenario and a mode.
type leaf struct {
	p    onnx.Provider
	spec onnxsynth.Spec
	sc   Scenario
	m    Mode
}

// leaves are every provider the library has (the others are skipped,
// with the reason, on the progress stream) × model (CHIMERA_ONNX_MODELS,
// else DefaultModels) × the study's six scenarios × prefill and decode.
func leaves(_ context.Context, env *harness.Env) ([]leaf, error) {
	specs, err := onnx.Models(DefaultModels)
	if err != nil {
		return nil, err
	}
	var ls []leaf
	for _, p := range onnx.Providers() {
		if err := env.ONNX.Runtime.Available(p); err != nil {
			progress.Default().Printf("Skipping provider %s: %v", p, err)
			continue
		}
		for _, spec := range specs {
			for _, sc := range Scenarios() {
				for _, m := range Modes() {
					ls = append(ls, leaf{p, spec, sc, m})
				}
			}
		}
	}
	return ls, nil
}

// leafName is provider=…/model=…/scenario=…/mode=….
func leafName(l leaf) string {
	return fmt.Sprintf("provider=%s/model=%s/scenario=%s/mode=%s", l.p, l.spec.Name, l.sc.Name, l.m)
}

// body is one leaf: the provider's decoder for the model, built when its
// first selected leaf runs and closed when the sweep moves on
// (harness.Keep), then benchScenario.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	o := env.ONNX
	d, err := harness.Keep(o, string(l.p)+"/"+l.spec.Name, func() (*onnx.Decoder, error) {
		return buildDecoder(o.Runtime, l.spec, onnx.SessionConfig{Provider: l.p, IntraOpThreads: o.Threads})
	})
	if err != nil {
		b.Fatal(err)
	}
	return benchScenario(b, d, l.sc, l.m, o.Trace)
}

// buildDecoder builds spec's model and a decoder for it.
func buildDecoder(rt *onnx.Runtime, spec onnxsynth.Spec, cfg onnx.SessionConfig) (*onnx.Decoder, error) {
	w, err := onnxsynth.NewWeights(spec)
	if err != nil {
		return nil, err
	}
	return onnx.NewDecoder(rt, spec, onnxsynth.Model(w), cfg)
}

// benchScenario is one leaf: a warm-up call (the first run of a session
// allocates its buffers), then one call per iteration. The records go to
// the trace after the loop, degraded ones too (counted and logged, never
// pooled), and the metrics are computed from the clean ones.
func benchScenario(b *testing.B, d harness.ONNXCaller, sc Scenario, m Mode, trace *measure.Trace) map[string]float64 {
	recs := harness.ONNXCalls(b, d, sc.Call(0, m), func(k int) onnx.Batch { return sc.Call(k, m) })
	harness.TraceONNX(b, trace, recs, func(_ int, mr *measure.Record) {
		mr.Run, mr.Config = b.Name(), "scenario="+sc.Name+"/mode="+string(m)
	})
	return Metrics(m, recs)
}
