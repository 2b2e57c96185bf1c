package tr121

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// DefaultONNXModels are the ONNX family's default sizes: 0.1M to 96M, the
// study's TR121 Hugging Face family's span.
var DefaultONNXModels = []string{"tiny-gpt2", "gpt2-5m", "gpt2-25m", "gpt2-100m"}

// DefaultOllamaModels are the GGUF family's default sizes when
// CHIMERA_MODELS is unset: ~5M and ~50M, a few minutes on two cores. Name
// more (synth:llama3.1-medium, …-large, or real tags) in CHIMERA_MODELS.
const DefaultOllamaModels = "synth:llama3.1-tiny,synth:llama3.1-small"

// A leaf is one sub-benchmark of BenchmarkTR121: a model of the backend's
// family on one scenario.
type leaf struct {
	name  string // model=…/params=…/scenario=…
	sc    Scenario
	spec  onnxsynth.Spec    // ONNX Runtime's model
	model harness.ModelInfo // Ollama's model
	// loaded is the model the Ollama server holds, shared by the
	// backend's leaves: one in memory at a time, as the study's runs had.
	loaded *string
}

// leaves are the backend's family (ONNX Runtime: CHIMERA_ONNX_MODELS,
// else DefaultONNXModels; Ollama: the Live's models) × Scenarios().
func leaves(_ context.Context, env *harness.Env) ([]leaf, error) {
	var ls []leaf
	if env.Backend == ONNXCPU {
		specs, err := onnx.Models(DefaultONNXModels)
		if err != nil {
			return nil, err
		}
		for _, s := range specs {
			for _, sc := range Scenarios() {
				ls = append(ls, leaf{name: fmt.Sprintf("model=%s/params=%s/scenario=%s", s.Name, ParamsKey(onnxsynth.Params(s)), sc.Name), sc: sc, spec: s})
			}
		}
		return ls, nil
	}
	loaded := new(string)
	for _, m := range env.Live.Models {
		for _, sc := range Scenarios() {
			ls = append(ls, leaf{name: fmt.Sprintf("model=%s/params=%s/scenario=%s", harness.ModelKey(m), ParamsKey(m.Params), sc.Name), sc: sc, model: m, loaded: loaded})
		}
	}
	return ls, nil
}

// body is one leaf: on ONNX Runtime, the model's decoder (built when its
// first selected leaf runs, closed when the sweep moves on: harness.Keep)
// and benchONNX; on Ollama, the model the server held unloaded when it is
// another, and benchOllama.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	if o := env.ONNX; o != nil {
		d, err := harness.Keep(o, l.spec.Name, func() (*onnx.Decoder, error) {
			w, err := onnxsynth.NewWeights(l.spec)
			if err != nil {
				return nil, err
			}
			return onnx.NewDecoder(o.Runtime, l.spec, onnxsynth.Model(w), onnx.SessionConfig{IntraOpThreads: o.Threads})
		})
		if err != nil {
			b.Fatal(err)
		}
		return benchONNX(b, d, l.sc, o.Trace)
	}
	if *l.loaded != "" && *l.loaded != l.model.Tag {
		if err := env.Live.Instances[0].Unload(b.Context(), *l.loaded); err != nil {
			b.Fatal(err)
		}
	}
	*l.loaded = l.model.Tag
	return benchOllama(b, env.Live, l.model.Tag, l.sc)
}

// benchONNX is one ONNX sub-benchmark: an untimed warm-up call (the study
// warmed each task once), then one call per iteration: the prompt's
// prefill and GenTokens KV-cached decode steps. Every record goes to the
// trace after the loop, degraded ones too (counted, never pooled).
func benchONNX(b *testing.B, d harness.ONNXCaller, sc Scenario, trace *measure.Trace) map[string]float64 {
	batch := onnx.Batch{Prompts: [][]int64{sc.Prompt.Tokens}, Steps: GenTokens}
	recs := harness.ONNXCalls(b, d, batch, func(int) onnx.Batch { return batch })
	mrs := harness.TraceONNX(b, trace, recs, func(i int, mr *measure.Record) {
		mr.Run, mr.Config, mr.Stage = strconv.Itoa(i+1), b.Name(), "scenario="+sc.Name
	})
	return Metrics(ONNXCPU, mrs)
}

// flushPrompt is sent, untimed, before every measured Ollama request: it
// shares no token with the scenarios' prompts, so that the server's prompt
// cache (which keeps the last prompt of its one slot) holds nothing of the
// next one, and the measured prefill evaluates the whole prompt, as ONNX
// Runtime's does. (The study sent the same prompt repeatedly and its
// Ollama prefill was partly cached: PUBLISHED.md's TR121v1 caveat.)
const flushPrompt = "Ignore this line."

// benchOllama is one Ollama sub-benchmark: an untimed warm-up request
// (traced as run "warmup"; it loads the model), then per iteration an
// untimed one-token flush request (run "flush-<i>") and one timed,
// streamed generate request with the study's options (temperature 0,
// top_p 1, num_predict from the live setup: GenTokens unless
// CHIMERA_NUM_PREDICT says otherwise). prefill-ns and decode-ns are the
// server's prompt_eval_duration and eval_duration.
func benchOllama(b *testing.B, l *harness.Live, model string, sc Scenario) map[string]float64 {
	ctx := b.Context()
	inst := l.Instances[0]
	opts := l.Options(measure.Options{Temperature: measure.Ptr(0.0), TopP: measure.Ptr(1.0)}).Map()
	flushOpts := l.Options(measure.Options{Temperature: measure.Ptr(0.0), TopP: measure.Ptr(1.0), NumPredict: measure.Ptr(1)}).Map()
	call := func(run, prompt string, opts map[string]any) measure.Record {
		r, err := measure.Measure(ctx, measure.Call{
			Client: inst.Client, URL: inst.URL, Model: model, Prompt: prompt, Options: opts,
			Run: run, Config: b.Name(), Stage: "scenario=" + sc.Name,
		})
		if terr := l.Trace.Write(r); terr != nil && err == nil {
			err = terr
		}
		if err != nil {
			b.Fatal(inst.Annotate(err))
		}
		return r
	}
	call("warmup", sc.Prompt.Text, opts)
	var recs []measure.Record
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		call(fmt.Sprintf("flush-%d", i+1), flushPrompt, flushOpts)
		b.StartTimer()
		recs = append(recs, call(strconv.Itoa(i+1), sc.Prompt.Text, opts))
	}
	return Metrics(Ollama, recs)
}
