package tr108

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// reportedUnits are what BenchmarkTR108 reports: the per-call metrics of
// one request per iteration (first-ttft-ns would repeat ttft-ns) and ns/op,
// the request's wall time.
var reportedUnits = slices.DeleteFunc(append([]string{"ns/op"}, harness.CallUnits...), func(u string) bool { return u == "first-ttft-ns" })

// liveConfig is what TR108 needs: one server, every model CHIMERA_MODELS
// names (the quantisation axis).
var liveConfig = harness.LiveConfig{AllModels: true, Units: reportedUnits}

// A sub is one sub-benchmark of BenchmarkTR108: a model, its quantisation
// as the server reports it, and a config.
type sub struct {
	model string // the tag requests send
	name  string // model=…/quant=…/num_gpu=…/num_ctx=…/temp=…/start=warm
	c     Config
}

// subs lists BenchmarkTR108's sub-benchmarks, model by model in
// CHIMERA_MODELS order, each model's Configs() in order.
func subs(ctx context.Context, l *harness.Live) ([]sub, error) {
	var ss []sub
	for _, m := range l.Models {
		q, err := quant(ctx, l.Instances[0].Client.Client, m.Tag)
		if err != nil {
			return nil, err
		}
		for _, c := range Configs() {
			ss = append(ss, sub{model: m.Tag, name: fmt.Sprintf("model=%s/quant=%s/%s/start=warm", modelKey(m), q, c.Name()), c: c})
		}
	}
	return ss, nil
}

// modelKey is the model's name segment value: "synth:<preset>" as
// CHIMERA_MODELS spells a synthetic model (its fingerprint is in the
// model-digest config line), else the tag with '/' made '_' (a name
// segment cannot hold '/').
func modelKey(m harness.ModelInfo) string {
	if preset, ok := strings.CutPrefix(m.Tag, "chimera-synth/"); ok && m.Synthetic {
		preset, _, _ = strings.Cut(preset, ":")
		return harness.SynthPrefix + preset
	}
	return strings.ReplaceAll(m.Tag, "/", "_")
}

// quant is the model's quantisation as the server reports it
// (details.quantization_level), in lower case as the study's tags spell
// it: "q4_0", "q5_k_m", "f16" (every synthetic model today).
func quant(ctx context.Context, c *api.Client, tag string) (string, error) {
	show, err := c.Show(ctx, &api.ShowRequest{Model: tag})
	if err != nil {
		return "", fmt.Errorf("tr108: show %s: %w", tag, err)
	}
	q := strings.ToLower(show.Details.QuantizationLevel)
	if q == "" {
		q = "unknown"
	}
	return q, nil
}

// BenchmarkTR108 reproduces TR108, the single-inference sweep: for every
// model, the study's baseline options, then num_gpu × num_ctx ×
// temperature, warm. One iteration is one request on the next of the
// study's five banter prompts; ns/op is its wall time.
func BenchmarkTR108(b *testing.B) {
	l := harness.NewLive(b, liveConfig)
	ss, err := subs(b.Context(), l)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, s := range ss {
		names = append(names, s.name)
	}
	sw := harness.NewSweep(b, names)
	loaded := "" // the model the last sub-benchmark that ran used
	for _, s := range ss {
		sw.Run(b, s.name, func(b *testing.B) {
			if loaded != "" && loaded != s.model {
				// A model keeps its memory until unloaded: each
				// model's sweep runs on a server holding only it.
				if err := l.Instances[0].Unload(b.Context(), loaded); err != nil {
					b.Fatal(err)
				}
			}
			loaded = s.model
			benchConfig(b, l, s.model, s.c)
		})
	}
}

// benchConfig is one sub-benchmark. A warm-up request, traced as run
// "warmup" and excluded, loads the model with the config's options, so
// that the reload an option change causes (PUBLISHED.md #27's "spike") is
// never counted. It sends the last prompt, so that the first measured
// request (prompt 1) finds no prefix of itself in the server's cache;
// iteration i sends prompt i mod 5, so -benchtime 5x covers the study's
// five prompts once and -benchtime 1x sends prompt 1, as the study's
// tuning phase did. The per-call metrics are pooled and reported once.
func benchConfig(b *testing.B, l *harness.Live, model string, c Config) {
	ctx := b.Context()
	inst := l.Instances[0]
	if !inst.Alive() {
		b.Logf("instance %s had died; restarting it", inst.URL)
		inst.Restart(b)
	}
	prompts := Prompts()
	opts := c.Options(l.Base).Map()
	call := func(prompt int, run string) measure.Record {
		r, err := measure.Measure(ctx, measure.Call{
			Client: inst.Client, URL: inst.URL, Model: model, Prompt: prompts[prompt], Options: opts,
			Run: run, Config: b.Name(), Stage: "prompt=" + strconv.Itoa(prompt+1),
		})
		if terr := l.Trace.Write(r); terr != nil && err == nil {
			err = terr
		}
		if err != nil {
			b.Fatal(inst.Annotate(err))
		}
		return r
	}
	call(len(prompts)-1, "warmup")
	var m measure.CallMetrics
	var tokens measure.TokenCount
	i := 0
	region := l.Start(ctx) // GPU or CPU energy over the timed requests, where measured
	for b.Loop() {
		r := call(i%len(prompts), strconv.Itoa(i+1))
		m.Add(r)
		tokens.Add(r)
		i++
	}
	energy := region.Stop(tokens.ForRegion())
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	vals := m.Values()
	maps.DeleteFunc(vals, func(u string, _ float64) bool { return !slices.Contains(reportedUnits, u) })
	maps.Copy(vals, energy)
	l.Report(b, vals)
}
