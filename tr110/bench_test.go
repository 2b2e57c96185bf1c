package tr110

import (
	"maps"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// reportedUnits are what BenchmarkTR110 reports: the units of the TR110
// baseline (the Python agents' legacy figures, a-ns and b-ns, and
// study-ttft-ns as that baseline defines it), the corrected figures beside
// them, the roofline share, and the concurrent calls' decode rate, client
// TTFT and load time.
var reportedUnits = []string{
	"ns/op",
	"eff-%", "legacy-speedup-x", "contention-%",
	"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns", "a-ns", "b-ns",
	"roofline-%",
	"tok/s", "ttft-ns", "study-ttft-ns", "load-ns",
}

// BenchmarkTR110 runs TR110's 30 tests on two instances, agent A on the
// first and B on the second as in the study, named as the baseline names
// the study's runs (Name). One iteration is one interleaved sample: agent A
// alone, agent B alone, then both together (multiagent.Interleave); ns/op
// is its wall time.
func BenchmarkTR110(b *testing.B) {
	l := harness.NewLive(b, harness.LiveConfig{Instances: 2, Units: reportedUnits, Roofline: true})
	tests := Tests()
	var names []string
	for _, t := range tests {
		names = append(names, Name(t))
	}
	sw := harness.NewSweep(b, names)
	for _, t := range tests {
		sw.Run(b, Name(t), func(b *testing.B) { benchTest(b, l, t) })
	}
}

// benchTest is one sub-benchmark: test t's two agents on l's instances. A
// warm-up sample, traced as run "warmup" and excluded, loads the model
// with each agent's options; then every iteration is one interleaved
// sample, pooled and reported once.
func benchTest(b *testing.B, l *harness.Live, t multiagent.Test) {
	ctx := b.Context()
	for _, in := range l.Instances {
		if !in.Alive() {
			b.Logf("instance %s had died; restarting it", in.URL)
			in.Restart(b)
		}
	}
	var ends []multiagent.Endpoint
	for _, in := range l.Instances {
		ends = append(ends, multiagent.Endpoint{URL: in.URL, Client: in.Client})
	}
	tmpl := agent.Agent{Model: l.Model().Tag, Corpus: l.Corpus, Trace: l.Trace, Config: Name(t)}
	agents := t.Agents(tmpl, l.Base, ends)
	if _, err := multiagent.Interleave(ctx, "warmup", agents...); err != nil {
		b.Fatal(annotate(l, err))
	}
	var m multiagent.Metrics
	var studyTTFT []float64
	run, tokens := 0, 0
	region := l.Start(ctx) // GPU or CPU energy over the timed samples, where measured
	for b.Loop() {
		run++
		s, err := multiagent.Interleave(ctx, strconv.Itoa(run), agents...)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		m.Add(s)
		if x, ok := slowestStudyTTFT(s.Together); ok {
			studyTTFT = append(studyTTFT, x)
		}
		tokens += s.Together.Tokens()
		for _, w := range s.Alone {
			for _, c := range w.Calls {
				tokens += c.EvalCount
			}
		}
	}
	energy := region.Stop(tokens)
	values := map[string]float64{}
	all := m.Values()
	for _, u := range reportedUnits {
		if x, ok := all[u]; ok {
			values[u] = x
		}
	}
	// The baseline's study-ttft-ns is per run, not per call.
	delete(values, "study-ttft-ns")
	if len(studyTTFT) > 0 {
		values["study-ttft-ns"] = stats.Mean(studyTTFT)
	}
	if in := m.InRunNs(); len(in) == 2 {
		values["a-ns"], values["b-ns"] = in[0], in[1]
	}
	if agg, ok := values["agg-tok/s"]; ok {
		if r, ok := l.RooflinePct(agg); ok {
			values["roofline-%"] = r
		}
	}
	maps.Copy(values, energy)
	l.Report(b, values)
}

// slowestStudyTTFT is the TR110 baseline's study-ttft-ns of one concurrent
// run: each agent's mean of load_duration + prompt_eval_duration over its
// calls, the higher of the agents', in ns. false when an agent has no
// call that carried both.
func slowestStudyTTFT(c multiagent.Concurrent) (float64, bool) {
	worst := 0.0
	for _, w := range c.Workflows {
		var ts []float64
		for _, r := range w.Calls {
			if t, ok := r.StudyTTFT(); ok && r.OK() {
				ts = append(ts, float64(t))
			}
		}
		if len(ts) == 0 {
			return 0, false
		}
		worst = max(worst, stats.Mean(ts))
	}
	return worst, len(c.Workflows) > 0
}

// annotate adds, for every instance that has died, its exit status and
// last log lines to err.
func annotate(l *harness.Live, err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}
