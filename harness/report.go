package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// A Report is a report's benchmarks, declared once in its package's
// non-test code around its [report.Spec]: the live setup they need, the
// matrix of leaves (sub-benchmarks) and the body of one leaf. L is what a
// leaf is to the report (a config, a test of the study's matrix). [Run]
// runs it; golden/report/reporttest.Check checks the Spec.
type Report[L any] struct {
	report.Spec
	// Live is the setup the leaves run on. Its Units, when empty, are
	// Spec.Units.
	Live LiveConfig
	// Leaves lists the matrix on the started environment, in order.
	Leaves func(ctx context.Context, env *Env) ([]L, error)
	// LeafName is a leaf's sub-benchmark name, key=value segments:
	// "scenario=chimera_homo/test=T013/instances=1/parallel=1".
	LeafName func(L) string
	// Body runs one leaf and returns its values, each in a unit of
	// Spec.Units (or the sampler's); [Report.RunLeaf] reports them, once.
	// A body that cannot measure fails or skips b.
	Body func(b *testing.B, env *Env, leaf L) map[string]float64
	// Backends, when set, are what the leaves run on instead of Live
	// alone (ONNX Runtime; see [Backend] and env_onnx.go).
	Backends []Backend
	// Lines, when set, are config lines [Run] prints before any backend's
	// (tr117: which GGUF and ONNX model pair up in each size).
	Lines func(tb testing.TB) ([]string, error)
}

// An Env is the environment a report's leaves run on: the live Ollama
// setup, or ONNX Runtime (Report.Backends).
type Env struct {
	// Benchmark is the benchmark running, without the Benchmark prefix
	// ("TR108"): what Leaves may branch on where a report has several.
	Benchmark string
	Live      *Live
	// Backend is the backend the leaves run on, where the report has
	// several ([Report.Backends]): what Leaves branches on. ONNX is the
	// started ONNX Runtime, when the backend is it.
	Backend string
	ONNX    *ONNX
	// Units are the units the leaves may report: the Spec's and the
	// sampler's. Empty means Live.Units.
	Units []string
}

// Report reports values on b, each once, refusing any unit e does not
// declare (see [Live.Report]).
func (e *Env) Report(b *testing.B, values map[string]float64) {
	b.Helper()
	declared := e.Units
	if len(declared) == 0 && e.Live != nil {
		declared = e.Live.Units
	}
	if err := CheckReported(declared, values); err != nil {
		b.Fatalf("harness: %v", err)
	}
	for _, u := range slices.Sorted(mapsKeys(values)) {
		b.ReportMetric(values[u], u)
	}
}

// RunLeaf runs r's body on leaf and reports its values: what [Run] does in
// each sub-benchmark, and what a body test drives through BenchOnce.
func (r Report[L]) RunLeaf(b *testing.B, env *Env, leaf L) {
	b.Helper()
	env.Report(b, r.Body(b, env, leaf))
}

// LiveConfig returns r.Live with r's units where it names none.
func (r Report[L]) LiveConfig() LiveConfig {
	cfg := r.Live
	if len(cfg.Units) == 0 {
		cfg.Units = r.Units
	}
	return cfg
}

// Run runs r as b, one of r's Benchmarks: it starts the live setup, or
// each of r's Backends (its provenance and Unit lines on stdout; see
// [Backend]), lists the leaves and runs each as a sub-benchmark through a
// [Sweep] (progress through internal/progress, counting only what
// -test.bench selects), reporting each leaf's values once. A benchmark r
// does not declare fails before anything starts; testing.Benchmark's
// unnamed B (a test driving a report) is let through.
func Run[L any](b *testing.B, r Report[L]) {
	b.Helper()
	runTo(b, r, os.Stdout, nil)
}

// declared returns an error unless the benchmark named name is one of
// s's, or unnamed (testing.Benchmark's, a test driving a report).
func declared(name string, s report.Spec) error {
	if name != "" && !slices.Contains(s.Benchmarks, strings.TrimPrefix(name, "Benchmark")) {
		return fmt.Errorf("harness: %s is not one of report %s's benchmarks %v", name, s.Name, s.Benchmarks)
	}
	return nil
}

// runTo is [Run] printing the setup's lines to stdout and the sweep's
// progress to p (nil: progress.Default()), for tests that check them.
func runTo[L any](b *testing.B, r Report[L], stdout io.Writer, p *progress.Printer) {
	b.Helper()
	if err := declared(b.Name(), r.Spec); err != nil {
		b.Fatal(err)
	}
	if r.Lines != nil || len(r.Backends) > 0 {
		runBackends(b, r)
		return
	}
	cfg := r.LiveConfig()
	env := &Env{Benchmark: strings.TrimPrefix(b.Name(), "Benchmark"), Live: LiveTo(b, cfg, stdout)} // its Units: cfg's and the sampler's
	runLeaves(b, r, env, p)
}

// runLeaves lists r's leaves on env and runs each as a sub-benchmark of b
// through a [Sweep] printing its progress to p (nil: progress.Default()).
func runLeaves[L any](b *testing.B, r Report[L], env *Env, p *progress.Printer) {
	b.Helper()
	leaves, err := r.Leaves(b.Context(), env)
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, len(leaves))
	for i, l := range leaves {
		names[i] = r.LeafName(l)
	}
	sw := NewSweep(b, names)
	sw.Progress = p
	for i, l := range leaves {
		sw.Run(b, names[i], func(b *testing.B) { r.RunLeaf(b, env, l) })
	}
}
