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

// A leaf is one sub-benchmark of BenchmarkTR108: a model, its quantisation
// as the server reports it, and a config.
type leaf struct {
	model string // the tag requests send
	name  string // model=…/quant=…/num_gpu=…/num_ctx=…/temp=…/start=warm
	c     Config
	// loaded is the model the last leaf that ran used, shared by the
	// sweep's leaves: each model's sweep runs on a server holding only it.
	loaded *string
}

// leaves lists BenchmarkTR108's sub-benchmarks, model by model in
// CHIMERA_MODELS order, each model's Configs() in order.
func leaves(ctx context.Context, env *harness.Env) ([]leaf, error) {
	l := env.Live
	var ls []leaf
	loaded := new(string)
	for _, m := range l.Models {
		q, err := quant(ctx, l.Instances[0].Client.Client, m.Tag)
		if err != nil {
			return nil, err
		}
		for _, c := range Configs() {
			ls = append(ls, leaf{model: m.Tag, name: fmt.Sprintf("model=%s/quant=%s/%s/start=warm", harness.ModelKey(m), q, c.Name()), c: c, loaded: loaded})
		}
	}
	return ls, nil
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

// body is one sub-benchmark. A model left loaded by the previous leaf is
// unloaded first (a model keeps its memory until unloaded). A warm-up request, traced as run
// "warmup" and excluded, loads the model with the config's options, so
// that the reload an option change causes (PUBLISHED.md #27's "spike") is
// never counted. It sends the last prompt, so that the first measured
// request (prompt 1) finds no prefix of itself in the server's cache;
// iteration i sends prompt i mod 5, so -benchtime 5x covers the study's
// five prompts once and -benchtime 1x sends prompt 1, as the study's
// tuning phase did. The per-call metrics are pooled and returned.
func body(b *testing.B, env *harness.Env, lf leaf) map[string]float64 {
	ctx := b.Context()
	l, model, c := env.Live, lf.model, lf.c
	inst := l.Instances[0]
	if lf.loaded != nil {
		if *lf.loaded != "" && *lf.loaded != model {
			if err := inst.Unload(ctx, *lf.loaded); err != nil {
				b.Fatal(err)
			}
		}
		*lf.loaded = model
	}
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
	return vals
}
