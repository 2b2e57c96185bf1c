package harness

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// A Backend is one setup a [Report]'s leaves run on: the live Ollama setup
// of Report.Live, or ONNX Runtime. A report with one backend runs its
// leaves right under its benchmark; one with several runs each backend's
// under a sub-benchmark backend=<Name>, in order, and starts a backend
// only when -test.bench selects it (no Ollama for backend=onnxruntime
// alone). Leaves then branch on [Env.Backend].
type Backend struct {
	// Name is the backend's segment value: backend=<Name>.
	Name string
	// ONNX, when set, makes the backend ONNX Runtime with this setup; nil
	// is the live Ollama setup, Report.Live.
	ONNX *ONNXConfig
}

// An ONNXConfig says what a report's leaves need from ONNX Runtime.
type ONNXConfig struct {
	// Threads returns the sessions' intra-op threads, 0 for ONNX
	// Runtime's default; nil reads CHIMERA_ONNX_THREADS (onnx.Threads).
	Threads func() (int, error)
	// Lines, when set, returns config lines printed after the runtime's
	// own (tr117: num-predict).
	Lines func(tb testing.TB) []string
	// Units lists every unit the leaves report, each registered in
	// internal/units; empty means the report's Spec.Units.
	Units []string
}

// ONNX is the started ONNX Runtime a report's leaves run on: the process's
// runtime (onnxtest: the library found, or fetched and verified), the
// sessions' thread setting and the trace.
type ONNX struct {
	Runtime *onnx.Runtime
	// Threads is the intra-op threads of every session, 0 for ONNX
	// Runtime's default.
	Threads int
	Trace   *measure.Trace
	// Units are the units the leaves may report (ONNXConfig.Units).
	Units []string

	kept *kept // see Keep
}

// NewONNX hands b the process's ONNX Runtime (skipping when no library
// can be had; the test binary's TestMain runs onnxtest.Main), reads the
// thread setting, opens the trace and prints the run's provenance and a
// Unit line for every unit in cfg.Units to stdout: the runtime's lines
// (version, library SHA-256, providers), onnxruntime-threads, the
// synthetic recipe's version, cfg.Lines, and the machine's (gpu,
// harness-commit). Call it from a benchmark that runs sub-benchmarks.
func NewONNX(b *testing.B, cfg ONNXConfig) *ONNX {
	b.Helper()
	return ONNXTo(b, onnxtest.Require(b), cfg, os.Stdout)
}

// ONNXTo is [NewONNX] on the runtime rt, printing to stdout, for tests
// that check the lines.
func ONNXTo(tb testing.TB, rt *onnx.Runtime, cfg ONNXConfig, stdout io.Writer) *ONNX {
	tb.Helper()
	unitLines, err := units.Lines(false, cfg.Units...)
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	threadsOf := cfg.Threads
	if threadsOf == nil {
		threadsOf = onnx.Threads
	}
	threads, err := threadsOf()
	if err != nil {
		tb.Fatal(err)
	}
	lines, err := onnx.ConfigLines(rt, threads)
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.Lines != nil {
		lines = append(lines, cfg.Lines(tb)...)
	}
	PrintConfig(stdout, append(lines, Provenance(tb, nil, nil, measure.Options{})...))
	for _, u := range unitLines {
		fmt.Fprintln(stdout, u)
	}
	o := &ONNX{Runtime: rt, Threads: threads, Trace: NewTrace(tb), Units: cfg.Units}
	tb.Cleanup(func() {
		if err := o.Close(); err != nil {
			tb.Error(err)
		}
	})
	return o
}

// An ONNXCaller runs ONNX calls: an onnx.Decoder, or a scripted one in
// tests (onnxtest.Script).
type ONNXCaller interface {
	Run(onnx.Batch) (onnx.Record, error)
}

// ONNXCalls is an ONNX sub-benchmark's loop: an untimed warm-up call of
// warm (the first run of a session allocates its buffers; a degraded one
// is logged), then call(k) in iteration k of b.Loop. It returns the
// iterations' records; an error fails b.
func ONNXCalls(b *testing.B, d ONNXCaller, warm onnx.Batch, call func(k int) onnx.Batch) []onnx.Record {
	b.Helper()
	w, err := d.Run(warm)
	if err != nil {
		b.Fatal(err)
	}
	if !w.OK() {
		b.Logf("warm-up call degraded: %s", w.Degraded)
	}
	var recs []onnx.Record
	for k := 0; b.Loop(); k++ {
		r, err := d.Run(call(k))
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TraceONNX writes each of recs to trace as the harness's
// measure.Record, labelled by label (its Run, Config, Stage), degraded
// ones too, and returns them in order. It fails tb when the trace cannot
// be written or when every call degraded, and otherwise logs how many
// did: a degraded call is counted and logged, never pooled.
func TraceONNX(tb testing.TB, trace *measure.Trace, recs []onnx.Record, label func(i int, r *measure.Record)) []measure.Record {
	tb.Helper()
	mrs := make([]measure.Record, len(recs))
	var errs []error
	for i, r := range recs {
		mrs[i] = r.Measure()
		label(i, &mrs[i])
		errs = append(errs, trace.Write(mrs[i]))
	}
	if err := errors.Join(errs...); err != nil {
		tb.Fatal(err)
	}
	if n, why := onnx.Degraded(recs); n > 0 {
		if n == len(recs) {
			tb.Fatalf("all %d calls degraded (see the trace): %s", n, why)
		}
		tb.Logf("%d of %d calls degraded, left out of the metrics (see the trace): %s", n, len(recs), why)
	}
	return mrs
}

// ONNXEnv is an environment for a body test of an ONNX report: the
// process's runtime (onnxtest.Require: it skips without a library),
// threads (0: ONNX Runtime's default), a trace of the test's own
// (harness.NewTrace) and units; what the leaves keep is closed at
// Cleanup. backend is Env.Backend, for a report with several.
func ONNXEnv(tb testing.TB, backend string, threads int, units []string) *Env {
	tb.Helper()
	o := &ONNX{Runtime: onnxtest.Require(tb), Threads: threads, Trace: NewTrace(tb), Units: units}
	tb.Cleanup(func() {
		if err := o.Close(); err != nil {
			tb.Error(err)
		}
	})
	return &Env{Backend: backend, ONNX: o, Units: units}
}

// kept is what [Keep] holds: one value and its key.
type kept struct {
	key string
	v   any
}

// Keep returns the value o keeps under key, made by open when key is not
// the one kept, after closing the one kept (when it is an io.Closer): one
// model or session in memory at a time as a sweep moves on, the model
// built when its first selected leaf runs. The last one is closed when
// the benchmark that started o ends.
func Keep[T any](o *ONNX, key string, open func() (T, error)) (T, error) {
	if o.kept != nil && o.kept.key == key {
		if v, ok := o.kept.v.(T); ok {
			return v, nil
		}
	}
	if err := o.Close(); err != nil {
		var zero T
		return zero, err
	}
	v, err := open()
	if err != nil {
		return v, err
	}
	o.kept = &kept{key: key, v: v}
	return v, nil
}

// Close closes what o keeps ([Keep]), if anything: the benchmark that
// started o does, when it ends; a test that builds an ONNX by hand calls
// it in Cleanup.
func (o *ONNX) Close() error {
	k := o.kept
	o.kept = nil
	if c, ok := k.value().(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (k *kept) value() any {
	if k == nil {
		return nil
	}
	return k.v
}

// runBackends is [Run] for a report with Backends or Lines: its Lines,
// then each backend started and its leaves run (under backend=<Name>
// where there are several).
func runBackends[L any](b *testing.B, r Report[L]) {
	b.Helper()
	if r.Lines != nil {
		lines, err := r.Lines(b)
		if err != nil {
			b.Fatal(err)
		}
		PrintConfig(os.Stdout, lines)
	}
	backends := r.Backends
	if len(backends) == 0 {
		backends = []Backend{{}} // the live Ollama setup alone
	}
	if len(backends) == 1 {
		runLeaves(b, r, startBackend(b, r, backends[0]), nil)
		return
	}
	for _, be := range backends {
		b.Run("backend="+be.Name, func(b *testing.B) { runLeaves(b, r, startBackend(b, r, be), nil) })
	}
}

// startBackend starts be for r's leaves.
func startBackend[L any](b *testing.B, r Report[L], be Backend) *Env {
	b.Helper()
	bench, _, _ := strings.Cut(strings.TrimPrefix(b.Name(), "Benchmark"), "/")
	env := &Env{Benchmark: bench, Backend: be.Name}
	if be.ONNX == nil {
		env.Live = NewLive(b, r.LiveConfig())
		return env
	}
	cfg := *be.ONNX
	if len(cfg.Units) == 0 {
		cfg.Units = r.Units
	}
	env.ONNX = NewONNX(b, cfg)
	env.Units = env.ONNX.Units
	return env
}
