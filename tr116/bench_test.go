package tr116

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
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
	"roofline-%", "invalid-calls",
	"tok/s", "ttft-ns", "load-ns",
}

// BenchmarkTR116 runs the study's two TR116 tests on two instances, agent
// A on the first and B on the second, for every model: those CHIMERA_MODELS
// names, else DefaultModels. One iteration is one interleaved sample:
// agent A alone, agent B alone, then both together; ns/op is its wall time.
func BenchmarkTR116(b *testing.B) {
	defaultModels(b)
	l := harness.NewLive(b, harness.LiveConfig{Instances: 2, AllModels: true, Units: reportedUnits, Roofline: true, OpenAI: true})
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
// on model m, harness.BenchMultiAgent. Its warm-up sample also unloads the
// previous model's runner.
func benchTest(b *testing.B, l *harness.Live, m harness.ModelInfo, t multiagent.Test) {
	harness.BenchMultiAgent(b, l, harness.MultiAgentBench{Test: t, Model: m, Label: Name(m, t), Units: reportedUnits})
}
