package tr111

import (
	"maps"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// liveConfig is what TR111's benchmarks need: one server, the first model,
// and the per-call units plus the agent process's.
var liveConfig = harness.LiveConfig{
	Units: append([]string{"ns/op", "startup-ns", "peak-rss-B"}, harness.CallUnits...),
}

// BenchmarkTR111 reproduces TR111_v2: one Go agent, the 2-call workflow,
// the baseline agent and the 18-config sweep, each warm (model loaded with
// the config's options by an excluded warm-up run) and cold (the model is
// unloaded, and /api/ps confirms it, before every run). The baseline also
// runs fresh: a new server process before every run (the study's
// "process isolation"; needs a server the harness started).
func BenchmarkTR111(b *testing.B) {
	l := harness.NewLive(b, liveConfig)
	type sub struct {
		c     harness.AgentConfig
		start string
	}
	var subs []sub
	for _, c := range harness.AgentConfigs() {
		starts := []string{"warm", "cold"}
		if c.Agent == "baseline" && l.Instances[0].Source != harness.SourceURLs {
			starts = append(starts, "fresh")
		}
		for _, start := range starts {
			subs = append(subs, sub{c, start})
		}
	}
	var names []string
	for _, s := range subs {
		names = append(names, s.c.Name()+"/start="+s.start)
	}
	sw := harness.NewSweep(b, names)
	for _, s := range subs {
		sw.Run(b, s.c.Name()+"/start="+s.start, func(b *testing.B) { benchConfig(b, l, s.c, s.start) })
	}
}

// benchConfig is one sub-benchmark: one iteration is one workflow run
// (ingest, analysis call, report call); ns/op is its wall time. The
// per-call metrics are pooled over the iterations and reported once.
//
// A server that died fails the sub-benchmark with its last log lines; the
// next sub-benchmark starts on a restarted server.
func benchConfig(b *testing.B, l *harness.Live, c harness.AgentConfig, start string) {
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
		Config:  c.Name() + "/start=" + start,
	}
	// The warm-up loads the model with this config's options, so that a
	// reload caused by the previous config is never counted. It is traced
	// as run "warmup" and excluded from every metric.
	if _, err := a.Run(ctx, "warmup"); err != nil {
		b.Fatal(inst.Annotate(err))
	}
	var m measure.CallMetrics
	run, tokens := 0, 0
	region := l.Start(ctx) // GPU or CPU energy over the timed runs, where measured
	for b.Loop() {
		switch start {
		case "cold":
			b.StopTimer()
			if err := inst.Unload(ctx, l.Model().Tag); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		case "fresh":
			b.StopTimer()
			inst.Restart(b)
			a.Client, a.URL = inst.Client, inst.URL
			b.StartTimer()
		}
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
	values := m.Values()
	maps.Copy(values, region.Stop(tokens))
	l.Report(b, values)
}
