package harness

import (
	"maps"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// BenchAgent runs one agent sub-benchmark: the agent of config c (its
// name and options) on l's first instance and model, labelled label, a
// dead instance restarted first. A warm-up run, traced as run "warmup" and
// excluded, loads the model with the config's options, so that a reload
// caused by the previous config is never counted; then every iteration is
// one workflow run (ingest, analysis call, report call), ns/op its wall
// time. before, if not nil, runs before every timed run with the timer
// stopped (to unload the model, or restart the instance and point a at
// it). The per-call metrics are pooled over the iterations and reported
// once, with the energy over the timed runs; invalid calls are counted
// (invalid-calls), and a sub-benchmark whose calls were all invalid fails
// naming the first one's reason.
//
// A server that died fails the sub-benchmark with its last log lines; the
// next sub-benchmark starts on a restarted server. A call that failed
// transiently on a live server (429, 503, a cut stream:
// [measure.Transient]) is in the trace and counted in failed-calls, and
// the runs go on. A config whose options the servers' protocol lacks
// ([Live.Unsupported]) is skipped with the reason.
func BenchAgent(b *testing.B, l *Live, c AgentConfig, label string, before func(in *Instance, a *agent.Agent)) {
	b.Helper()
	l.Report(b, AgentValues(b, l, c, label, before))
}

// AgentValues is [BenchAgent] returning the values it would report, for a
// [Report]'s Body.
func AgentValues(b *testing.B, l *Live, c AgentConfig, label string, before func(in *Instance, a *agent.Agent)) map[string]float64 {
	ctx := b.Context()
	inst := l.Instances[0]
	if !inst.Alive() {
		b.Logf("instance %s had died; restarting it", inst.URL)
		inst.Restart(b)
	}
	if why := l.Unsupported(c.Options(l.Base)); why != "" {
		b.Skip(why)
	}
	a := &agent.Agent{
		Name:    c.Agent,
		Client:  inst.Client,
		URL:     inst.URL,
		Model:   l.Model().Tag,
		Options: c.Options(l.Base),
		Corpus:  l.Corpus,
		Trace:   l.Trace,
		Config:  label,
	}
	if _, err := a.Run(ctx, "warmup"); err != nil {
		transientOrFatal(b, inst, "warm-up", err)
	}
	var m measure.CallMetrics
	var tokens measure.TokenCount
	run := 0
	region := l.Start(ctx) // GPU or CPU energy over the timed runs, where measured
	for b.Loop() {
		if before != nil {
			b.StopTimer()
			before(inst, a)
			b.StartTimer()
		}
		run++
		w, err := a.Run(ctx, strconv.Itoa(run))
		if err != nil {
			transientOrFatal(b, inst, "run "+strconv.Itoa(run), err)
		}
		m.Add(w.Calls...)
		tokens.Add(w.Calls...)
	}
	energy := region.Stop(tokens.ForRegion())
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	values := m.Values()
	maps.Copy(values, energy)
	return values
}

// transientOrFatal fails b with err, annotated with the server's last log
// lines if it died, unless err is transient and the server lives: then it
// logs it and returns (the failed call is in the trace and counted).
func transientOrFatal(b *testing.B, in *Instance, what string, err error) {
	b.Helper()
	if aerr := in.Annotate(err); aerr != err || !measure.Transient(err) {
		b.Fatal(aerr)
	}
	b.Logf("%s: %v (counted in failed-calls; the runs go on)", what, err)
}
