package tr114

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// reportedUnits are what BenchmarkTR114 reports: the study's legacy figures, the
// corrected ones beside them, the roofline share, and the concurrent calls'
// decode rate, TTFT and load time (a reload between two configs on one
// instance shows there).
var reportedUnits = []string{
	"ns/op",
	"eff-%", "legacy-speedup-x", "contention-%",
	"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns",
	"roofline-%",
	"tok/s", "ttft-ns", "load-ns",
}

// liveConfig starts the three setups of Setups(): the first as the Live's
// own servers, the others as its arms.
func liveConfig() harness.LiveConfig {
	s := Setups()
	cfg := harness.LiveConfig{Instances: s[0].Instances, NumParallel: s[0].NumParallel, Units: reportedUnits, Roofline: true}
	for _, a := range s[1:] {
		cfg.Arms = append(cfg.Arms, harness.ServerConfig{Instances: a.Instances, NumParallel: a.NumParallel})
	}
	return cfg
}

// BenchmarkTR114 reproduces TR114_v2 and answers its question: every test
// of the study's matrix, in each setup of Setups(), as
// scenario=…/test=…/instances=…/parallel=…. One iteration is one
// interleaved sample: agent A alone, agent B alone, then both together
// (multiagent.Interleave); ns/op is its wall time.
func BenchmarkTR114(b *testing.B) {
	l := harness.NewLive(b, liveConfig())
	lives := []*harness.Live{l}
	skips := []string{""}
	for _, a := range l.Arms {
		lives = append(lives, a.Live)
		skips = append(skips, a.Unavailable)
	}
	tests, setups := Tests(), Setups()
	var names []string
	for _, t := range tests {
		for _, s := range setups {
			names = append(names, t.Name()+"/"+s.Name())
		}
	}
	sw := harness.NewSweep(b, names)
	for _, t := range tests {
		for i, s := range setups {
			sw.Run(b, t.Name()+"/"+s.Name(), func(b *testing.B) {
				if lives[i] == nil {
					b.Skip(skips[i])
				}
				benchTest(b, lives[i], t, s)
			})
		}
	}
}

// benchTest is one sub-benchmark: test t's two agents on l's instances
// (agent i on instance i mod len). A warm-up sample, traced as run
// "warmup" and excluded, loads the model with each agent's options; then
// every iteration is one interleaved sample. The legacy and corrected
// metrics are pooled over the samples and reported once.
func benchTest(b *testing.B, l *harness.Live, t Test, s Setup) {
	ctx := b.Context()
	for _, in := range l.Instances {
		if !in.Alive() {
			b.Logf("instance %s had died; restarting it", in.URL)
			in.Restart(b)
		}
	}
	agents := newAgents(l, t, t.Name()+"/"+s.Name())
	if _, err := multiagent.Interleave(ctx, "warmup", agents...); err != nil {
		b.Fatal(annotate(l, err))
	}
	var m multiagent.Metrics
	run, tokens := 0, 0
	region := l.Start(ctx) // GPU or CPU energy over the timed samples, where measured
	for b.Loop() {
		run++
		sample, err := multiagent.Interleave(ctx, strconv.Itoa(run), agents...)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		m.Add(sample)
		tokens += sample.Together.Tokens()
		for _, w := range sample.Alone {
			for _, c := range w.Calls {
				tokens += c.EvalCount
			}
		}
	}
	energy := region.Stop(tokens)
	values := map[string]float64{}
	for u, x := range m.Values() {
		if slices.Contains(reportedUnits, u) {
			values[u] = x
		}
	}
	if agg, ok := values["agg-tok/s"]; ok {
		if r, ok := l.RooflinePct(agg); ok {
			values["roofline-%"] = r
		}
	}
	maps.Copy(values, energy)
	l.Report(b, values)
}

// newAgents returns test t's agents A ("collector") and B ("insight"), as
// the study named them, on l's instances.
func newAgents(l *harness.Live, t Test, config string) []*agent.Agent {
	var as []*agent.Agent
	for i, a := range []struct {
		name string
		c    Config
	}{{"collector", t.A}, {"insight", t.B}} {
		in := l.Instances[i%len(l.Instances)]
		as = append(as, &agent.Agent{
			Name:    a.name,
			Client:  in.Client,
			URL:     in.URL,
			Model:   l.Model().Tag,
			Options: a.c.Options(l.Base),
			Corpus:  l.Corpus,
			Trace:   l.Trace,
			Config:  config,
		})
	}
	return as
}

// annotate adds, for every instance that has died, its exit status and
// last log lines to err.
func annotate(l *harness.Live, err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}
