package tr109

import (
	"maps"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// liveConfig is what TR109 needs: one server, the first model, the
// per-call units and ns/op (one workflow run).
var liveConfig = harness.LiveConfig{
	Units: append([]string{"ns/op"}, harness.CallUnits...),
}

// BenchmarkTR109 reproduces TR109, the agent-workflow sweep: the study's
// agent (the Go port, as TR111 runs it) with the baseline config (no
// options) and the 18 chimera configs of harness.AgentConfigs, warm. One
// iteration is one workflow run (ingest, analysis call, report call);
// ns/op is its wall time. SuccessRate reads a -count 10 run of it.
func BenchmarkTR109(b *testing.B) {
	l := harness.NewLive(b, liveConfig)
	cs := harness.AgentConfigs()
	var names []string
	for _, c := range cs {
		names = append(names, c.Name())
	}
	sw := harness.NewSweep(b, names)
	for _, c := range cs {
		sw.Run(b, c.Name(), func(b *testing.B) { benchConfig(b, l, c) })
	}
}

// benchConfig is one sub-benchmark. A warm-up run, traced as run "warmup"
// and excluded, loads the model with the config's options, so that the
// reload an option change causes is never counted (the study counted it,
// and ran the chimera agent before the baseline in every directory). The
// per-call metrics are pooled over the iterations and reported once.
func benchConfig(b *testing.B, l *harness.Live, c harness.AgentConfig) {
	ctx := b.Context()
	inst := l.Instances[0]
	if !inst.Alive() {
		b.Logf("instance %s had died; restarting it", inst.URL)
		inst.Restart(b)
	}
	a := &agent.Agent{
		Name:    c.Agent,
		Client:  inst.Client,
		URL:     inst.URL,
		Model:   l.Model().Tag,
		Options: c.Options(l.Base),
		Corpus:  l.Corpus,
		Trace:   l.Trace,
		Config:  c.Name(),
	}
	if _, err := a.Run(ctx, "warmup"); err != nil {
		b.Fatal(inst.Annotate(err))
	}
	var m measure.CallMetrics
	run, tokens := 0, 0
	region := l.Start(ctx) // GPU or CPU energy over the timed runs, where measured
	for b.Loop() {
		run++
		w, err := a.Run(ctx, strconv.Itoa(run))
		if err != nil {
			b.Fatal(inst.Annotate(err))
		}
		m.Add(w.Calls...)
		for _, c := range w.Calls {
			tokens += c.EvalCount
		}
	}
	vals := m.Values()
	maps.Copy(vals, region.Stop(tokens))
	l.Report(b, vals)
}
