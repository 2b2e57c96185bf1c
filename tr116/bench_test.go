package tr116

import (
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// reportedUnits are what BenchmarkTR116 reports: the units of the TR116
// Rust baseline (the study's legacy figures, a-ns, b-ns, load-ns), the
// corrected figures beside them, the roofline share, and the concurrent
// calls' decode rate and TTFT.
var reportedUnits = []string{
	"ns/op",
	"eff-%", "legacy-speedup-x", "contention-%",
	"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns", "a-ns", "b-ns",
	"roofline-%",
	"tok/s", "ttft-ns", "load-ns",
}

// BenchmarkTR116 runs the study's two TR116 tests on two instances, agent
// A on the first and B on the second, for every model: those CHIMERA_MODELS
// names, else DefaultModels. One iteration is one interleaved sample:
// agent A alone, agent B alone, then both together; ns/op is its wall time.
func BenchmarkTR116(b *testing.B) {
	defaultModels(b)
	l := harness.NewLive(b, harness.LiveConfig{Instances: 2, AllModels: true, Units: reportedUnits, Roofline: true})
	var synthetic []string
	for _, m := range l.Models {
		if m.Synthetic {
			synthetic = append(synthetic, ModelName(m))
		}
	}
	if len(synthetic) > 0 {
		harness.PrintConfig(os.Stdout, []string{fmt.Sprintf("synthetic-num-ctx: %d (%s)", SyntheticNumCtx, strings.Join(synthetic, ", "))})
	}
	var names []string
	for _, m := range l.Models {
		for _, t := range Tests(m) {
			names = append(names, Name(m, t))
		}
	}
	sw := harness.NewSweep(b, names)
	for _, m := range l.Models {
		for _, t := range Tests(m) {
			sw.Run(b, Name(m, t), func(b *testing.B) { benchTest(b, l, m, t) })
		}
	}
}

// defaultModels sets CHIMERA_MODELS to DefaultModels for the benchmark
// when the user named none, so that the harness creates the three
// synthetic families.
func defaultModels(tb testing.TB) {
	tb.Helper()
	if strings.TrimSpace(os.Getenv("CHIMERA_MODELS")) == "" {
		tb.Setenv("CHIMERA_MODELS", DefaultModels)
	}
}

// benchTest is one sub-benchmark: test t's two agents on l's instances,
// on model m. A warm-up sample, traced as run "warmup" and excluded, loads
// the model with each agent's options (and unloads the previous model's
// runner); then every iteration is one interleaved sample, pooled and
// reported once.
func benchTest(b *testing.B, l *harness.Live, m harness.ModelInfo, t multiagent.Test) {
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
	tmpl := agent.Agent{Model: m.Tag, Corpus: l.Corpus, Trace: l.Trace, Config: Name(m, t)}
	agents := t.Agents(tmpl, l.Base, ends)
	if _, err := multiagent.Interleave(ctx, "warmup", agents...); err != nil {
		b.Fatal(annotate(l, err))
	}
	var ma multiagent.Metrics
	run, tokens := 0, 0
	region := l.Start(ctx) // GPU or CPU energy over the timed samples, where measured
	for b.Loop() {
		run++
		s, err := multiagent.Interleave(ctx, strconv.Itoa(run), agents...)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		ma.Add(s)
		tokens += s.Together.Tokens()
		for _, w := range s.Alone {
			for _, c := range w.Calls {
				tokens += c.EvalCount
			}
		}
	}
	energy := region.Stop(tokens)
	values := map[string]float64{}
	all := ma.Values()
	for _, u := range reportedUnits {
		if x, ok := all[u]; ok {
			values[u] = x
		}
	}
	if in := ma.InRunNs(); len(in) == 2 {
		values["a-ns"], values["b-ns"] = in[0], in[1]
	}
	if agg, ok := values["agg-tok/s"]; ok && l.Bandwidth > 0 {
		if bpt, ok := harness.BytesPerToken(m); ok {
			values["roofline-%"] = harness.RooflinePct(agg, bpt, l.Bandwidth)
		}
	}
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
