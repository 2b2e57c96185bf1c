package tr111

import (
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// BenchmarkTR111 reproduces TR111_v2: one Go agent, the 2-call workflow,
// the baseline agent and the 18-config sweep, each warm (model loaded with
// the config's options by an excluded warm-up run) and cold (the model is
// unloaded, and /api/ps confirms it, before every run). The baseline also
// runs fresh: a new server process before every run (the study's
// "process isolation"; needs a server the harness started).
func BenchmarkTR111(b *testing.B) {
	e := setup(b, os.Stdout)
	for _, c := range Configs() {
		starts := []string{"warm", "cold"}
		if c.Agent == "baseline" && e.inst.Source != harness.SourceURLs {
			starts = append(starts, "fresh")
		}
		for _, start := range starts {
			b.Run(c.Name()+"/start="+start, func(b *testing.B) { benchConfig(b, e, c, start) })
		}
	}
}

// env is what every TR111 sub-benchmark runs against.
type env struct {
	inst  *harness.Instance
	model harness.ModelInfo
	base  measure.Options // per-instance options: num_thread, num_predict
	trace *measure.Trace
}

// setup finds or starts the server and the model, and writes the run's
// provenance as benchfmt config lines to stdout.
func setup(b *testing.B, stdout io.Writer) env {
	b.Helper()
	ins := harness.Servers(b, harness.ServerConfig{Instances: 1})
	models := harness.Models(b, ins)
	e := env{inst: ins[0], model: models[0], trace: harness.NewTrace(b)}
	if e.inst.NumThread > 0 {
		e.base.NumThread = measure.Ptr(e.inst.NumThread)
	}
	e.base.NumPredict = numPredict(b, e.model)
	harness.PrintConfig(stdout, harness.Provenance(b, ins, models[:1], e.base))
	return e
}

// numPredict is CHIMERA_NUM_PREDICT, else 128 tokens for a synthetic model
// (its output is gibberish; a fixed length makes runs repeatable) and unset
// for a real one (it stops when it is done, as in the study).
func numPredict(tb testing.TB, m harness.ModelInfo) *int {
	tb.Helper()
	if s := os.Getenv("CHIMERA_NUM_PREDICT"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("CHIMERA_NUM_PREDICT=%q: want a positive integer", s)
		}
		return &n
	}
	if m.Synthetic {
		return measure.Ptr(128)
	}
	return nil
}

// benchConfig is one sub-benchmark: one iteration is one workflow run
// (ingest, analysis call, report call); ns/op is its wall time. The
// per-call metrics are pooled over the iterations and reported once.
//
// A server that died fails the sub-benchmark with its last log lines; the
// next sub-benchmark starts on a restarted server.
func benchConfig(b *testing.B, e env, c Config, start string) {
	ctx := b.Context()
	if !e.inst.Alive() {
		b.Logf("instance %s had died; restarting it", e.inst.URL)
		e.inst.Restart(b)
	}
	a := &agent.Agent{
		Name:    c.Agent,
		Client:  e.inst.Client,
		URL:     e.inst.URL,
		Model:   e.model.Tag,
		Options: c.Options(e.base),
		Corpus:  harness.CorpusDir(b),
		Trace:   e.trace,
		Config:  c.Name() + "/start=" + start,
	}
	// The warm-up loads the model with this config's options, so that a
	// reload caused by the previous config is never counted. It is traced
	// as run "warmup" and excluded from every metric.
	if _, err := a.Run(ctx, "warmup"); err != nil {
		b.Fatal(e.inst.Annotate(err))
	}
	var m measure.CallMetrics
	run := 0
	for b.Loop() {
		switch start {
		case "cold":
			b.StopTimer()
			if err := e.inst.Unload(ctx, e.model.Tag); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		case "fresh":
			b.StopTimer()
			e.inst.Restart(b)
			a.Client, a.URL = e.inst.Client, e.inst.URL
			b.StartTimer()
		}
		run++
		w, err := a.Run(ctx, strconv.Itoa(run))
		if err != nil {
			b.Fatal(e.inst.Annotate(err))
		}
		m.Add(w.Calls...)
	}
	m.Report(b)
}
