package tr116

import (
	"context"
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
var reportedUnits = harness.MultiAgentUnits()

// A leaf is one sub-benchmark of BenchmarkTR116: a test of the study's on
// one model.
type leaf struct {
	m harness.ModelInfo
	t multiagent.Test
}

// leaves are both tests of Tests(m) for every model the Live holds (those
// CHIMERA_MODELS names, else DefaultModels: see defaultModels), model by
// model. Where a model is synthetic, its chimera agents' num_ctx is
// SyntheticNumCtx, and leaves prints the config line that says so before
// any result.
func leaves(_ context.Context, env *harness.Env) ([]leaf, error) {
	var ls []leaf
	var synthetic []string
	for _, m := range env.Live.Models {
		if m.Synthetic {
			synthetic = append(synthetic, ModelName(m))
		}
		for _, t := range Tests(m) {
			ls = append(ls, leaf{m: m, t: t})
		}
	}
	if len(synthetic) > 0 {
		harness.PrintConfig(os.Stdout, []string{fmt.Sprintf("synthetic-num-ctx: %d (%s)", SyntheticNumCtx, strings.Join(synthetic, ", "))})
	}
	return ls, nil
}

// leafName is the baseline's name with lang=go (Name).
func leafName(l leaf) string { return Name(l.m, l.t) }

// defaultModels sets CHIMERA_MODELS to DefaultModels for the benchmark
// when the user named none, so that the harness creates the three
// synthetic families.
func defaultModels(tb testing.TB) {
	tb.Helper()
	if strings.TrimSpace(os.Getenv("CHIMERA_MODELS")) == "" {
		tb.Setenv("CHIMERA_MODELS", DefaultModels)
	}
}

// body is one sub-benchmark: the test's two agents on two instances,
// agent A on the first and B on the second, on the leaf's model,
// harness.MultiAgentValues. Its warm-up sample also unloads the previous
// model's runner. One iteration is one interleaved sample: agent A alone,
// agent B alone, then both together; ns/op is its wall time.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	return harness.MultiAgentValues(b, env.Live, harness.MultiAgentBench{Test: l.t, Model: l.m, Label: leafName(l), Units: reportedUnits})
}
