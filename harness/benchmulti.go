package harness

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// A MultiAgentBench is what one sub-benchmark of [BenchMultiAgent] runs
// and reports.
type MultiAgentBench struct {
	Test  multiagent.Test
	Model ModelInfo // the agents' model (l.Model() where the Live has one)
	Label string    // the agents' config label: the sub-benchmark's name
	Units []string  // the units reported of the pooled metrics (LiveConfig.Units)

	// Sample, if not nil, sees every timed sample, after it was pooled.
	Sample func(multiagent.Sample)
	// Values, if not nil, changes the reported values once the metrics'
	// units were picked, before roofline-% and the energy are added.
	Values func(values map[string]float64)
	// Endpoints, if not nil, are the agents' endpoints (agent i on
	// Endpoints[i mod len]) instead of l's instances' own clients: tr115's
	// variants dial through transports of their own.
	Endpoints []multiagent.Endpoint
	// Together, if not nil, runs the concurrent half of every sample, the
	// warm-up's (run "warmup/together") included, instead of
	// multiagent.Run: a serialising coordinator, or one measured around.
	Together multiagent.Together
}

// BenchMultiAgent runs one multi-agent sub-benchmark: the test's two agents
// on l's instances (agent i on instance i mod len), a dead instance
// restarted first. A warm-up sample, traced as run "warmup" and excluded,
// loads the model with each agent's options; then every iteration is one
// interleaved sample (multiagent.Interleave: agent A alone, agent B alone,
// then both together), ns/op its wall time. The metrics are pooled over
// the samples and reported once: those of mb.Units, a-ns and b-ns (the
// agents' mean time inside the concurrent run) where Units names them,
// roofline-% of agg-tok/s where the bandwidth and the model's bytes per
// token are known, and the energy over the timed samples. A sub-benchmark
// whose concurrent calls were all invalid fails naming the first reason. A test whose
// agents send options the servers' protocol lacks ([Live.Unsupported]) is
// skipped with the reason.
func BenchMultiAgent(b *testing.B, l *Live, mb MultiAgentBench) {
	b.Helper()
	l.Report(b, MultiAgentValues(b, l, mb))
}

// MultiAgentValues is [BenchMultiAgent] returning the values it would
// report, for a [Report]'s Body.
func MultiAgentValues(b *testing.B, l *Live, mb MultiAgentBench) map[string]float64 {
	ctx := b.Context()
	for _, in := range l.Instances {
		if !in.Alive() {
			b.Logf("instance %s had died; restarting it", in.URL)
			in.Restart(b)
		}
	}
	ends := mb.Endpoints
	if ends == nil {
		for _, in := range l.Instances {
			ends = append(ends, multiagent.Endpoint{URL: in.URL, Client: in.Client})
		}
	}
	together := mb.Together
	if together == nil {
		together = multiagent.Run
	}
	tmpl := agent.Agent{Model: mb.Model.Tag, Corpus: l.Corpus, Trace: l.Trace, Config: mb.Label}
	agents := mb.Test.Agents(tmpl, l.Base, ends)
	var opts []measure.Options
	for _, a := range agents {
		opts = append(opts, a.Options)
	}
	if why := l.Unsupported(opts...); why != "" {
		b.Skip(why)
	}
	if _, err := multiagent.InterleaveWith(ctx, "warmup", together, agents...); err != nil {
		b.Fatal(l.annotate(err))
	}
	var m multiagent.Metrics
	var tokens measure.TokenCount
	run := 0
	region := l.Start(ctx) // GPU or CPU energy over the timed samples, where measured
	for b.Loop() {
		run++
		s, err := multiagent.InterleaveWith(ctx, strconv.Itoa(run), together, agents...)
		if err != nil {
			b.Fatal(l.annotate(err))
		}
		m.Add(s)
		if mb.Sample != nil {
			mb.Sample(s)
		}
		for _, w := range slices.Concat(s.Alone, s.Together.Workflows) {
			tokens.Add(w.Calls...)
		}
	}
	energy := region.Stop(tokens.ForRegion())
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	values := map[string]float64{}
	all := m.Values()
	for _, u := range mb.Units {
		if x, ok := all[u]; ok {
			values[u] = x
		}
	}
	if mb.Values != nil {
		mb.Values(values)
	}
	if in := m.InRunNs(); len(in) == 2 && slices.Contains(mb.Units, "a-ns") {
		values["a-ns"], values["b-ns"] = in[0], in[1]
	}
	if agg, ok := values["agg-tok/s"]; ok && l.Bandwidth > 0 {
		if bpt, ok := BytesPerToken(mb.Model); ok {
			values["roofline-%"] = RooflinePct(agg, bpt, l.Bandwidth)
		}
	}
	maps.Copy(values, energy)
	return values
}

// annotate adds, for every instance that has died, its exit status and
// last log lines to err.
func (l *Live) annotate(err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}
