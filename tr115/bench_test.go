package tr115

import (
	"context"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// reportedUnits are what BenchmarkTR115 reports: the units of the TR115
// baseline (the study's legacy figures, a-ns, b-ns, load-ns), the
// corrected figures beside them, the roofline share, the concurrent calls'
// decode rate and TTFT, and the Go scheduler's latency during the
// concurrent runs.
var reportedUnits = []string{
	"ns/op",
	"eff-%", "legacy-speedup-x", "contention-%",
	"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns", "a-ns", "b-ns",
	"roofline-%",
	"tok/s", "ttft-ns", "load-ns", "invalid-calls",
	"sched-p50-ns", "sched-p99-ns",
}

// BenchmarkTR115 runs the study's six TR115_v2 configs on two instances,
// agent A on the first and B on the second, in each of Variants: the ways
// of running the agents in Go, named as the study's runtimes are in the
// baseline (Name). One iteration is one interleaved sample: agent A
// alone, agent B alone, then both together the variant's way; ns/op is
// its wall time.
func BenchmarkTR115(b *testing.B) {
	l := harness.NewLive(b, harness.LiveConfig{Instances: 2, Units: reportedUnits, Roofline: true})
	configs, variants := Configs(), Variants(runtime.NumCPU())
	var names []string
	for _, t := range configs {
		for _, v := range variants {
			names = append(names, Name(v, t))
		}
	}
	sw := harness.NewSweep(b, names)
	for _, t := range configs {
		for _, v := range variants {
			sw.Run(b, Name(v, t), func(b *testing.B) {
				// Each sub-benchmark dials the servers through transports
				// of its own, cloned from Go's default.
				benchVariant(b, l, t, v, http.DefaultTransport.(*http.Transport))
			})
		}
	}
}

// benchVariant is one sub-benchmark: config t's two agents on l's
// instances, run the way v says, through clients whose transports are
// clones of base. A warm-up sample, traced as run "warmup" and excluded,
// loads the model with each agent's options; then every iteration is one
// interleaved sample, pooled and reported once. The scheduler's latency
// is taken over the concurrent halves only.
func benchVariant(b *testing.B, l *harness.Live, t multiagent.Test, v Variant, base *http.Transport) {
	ctx := b.Context()
	for _, in := range l.Instances {
		if !in.Alive() {
			b.Logf("instance %s had died; restarting it", in.URL)
			in.Restart(b)
		}
	}
	prev := runtime.GOMAXPROCS(v.GOMAXPROCS(runtime.NumCPU()))
	b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	var urls []string
	for _, in := range l.Instances {
		urls = append(urls, in.URL)
	}
	ends, trs, err := v.Endpoints(base, urls, 2)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for _, tr := range trs {
			tr.CloseIdleConnections()
		}
	})
	tmpl := agent.Agent{Model: l.Model().Tag, Corpus: l.Corpus, Trace: l.Trace, Config: Name(v, t)}
	agents := t.Agents(tmpl, l.Base, ends)
	coord := v.Together()
	if _, err := multiagent.InterleaveWith(ctx, "warmup", coord, agents...); err != nil {
		b.Fatal(annotate(l, err))
	}
	var sched multiagent.SchedHist
	together := func(ctx context.Context, run string, agents ...*agent.Agent) (multiagent.Concurrent, error) {
		region := multiagent.StartSched()
		c, err := coord(ctx, run, agents...)
		sched.Add(region.Stop())
		return c, err
	}
	var m multiagent.Metrics
	var tokens measure.TokenCount
	run := 0
	region := l.Start(ctx) // GPU or CPU energy over the timed samples, where measured
	for b.Loop() {
		run++
		s, err := multiagent.InterleaveWith(ctx, strconv.Itoa(run), together, agents...)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		m.Add(s)
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
	for _, u := range reportedUnits {
		if x, ok := all[u]; ok {
			values[u] = x
		}
	}
	if in := m.InRunNs(); len(in) == 2 {
		values["a-ns"], values["b-ns"] = in[0], in[1]
	}
	if agg, ok := values["agg-tok/s"]; ok {
		if r, ok := l.RooflinePct(agg); ok {
			values["roofline-%"] = r
		}
	}
	maps.Copy(values, sched.Values())
	maps.Copy(values, energy)
	l.Report(b, values)
}

// annotate adds, for every instance that has died, its exit status and
// last log lines to err.
func annotate(l *harness.Live, err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}
