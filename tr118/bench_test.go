package tr118

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
	"github.com/chimeraforge/chimeraforge/internal/progress"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR118 reproduces TR118's ONNX Runtime runs on synthetic GPT-2
// decoders: every provider the library has × model × the study's six
// scenarios × prefill and decode, as
// provider=…/model=…/scenario=…/mode=…. One iteration is one call.
func BenchmarkTR118(b *testing.B) {
	rt := onnxtest.Require(b)
	specs, err := onnx.Models(DefaultModels)
	if err != nil {
		b.Fatal(err)
	}
	threads, err := onnx.Threads()
	if err != nil {
		b.Fatal(err)
	}
	lines, err := onnx.ConfigLines(rt, threads)
	if err != nil {
		b.Fatal(err)
	}
	lines = append(lines, harness.Provenance(b, nil, nil, measure.Options{})...)
	harness.PrintConfig(os.Stdout, lines)
	if err := units.WriteLines(os.Stdout, false, allUnits()...); err != nil {
		b.Fatal(err)
	}
	trace := harness.NewTrace(b)

	// Leaves are flat names under b, so that the sweep counts what
	// -test.bench selects; a model is built when its first selected leaf
	// runs, and closed when the sweep moves on.
	type leaf struct {
		p    onnx.Provider
		spec onnxsynth.Spec
		sc   Scenario
		m    Mode
	}
	var leaves []leaf
	var names []string
	for _, p := range onnx.Providers() {
		if err := rt.Available(p); err != nil {
			progress.Default().Printf("Skipping provider %s: %v", p, err)
			continue
		}
		for _, spec := range specs {
			for _, sc := range Scenarios() {
				for _, m := range Modes() {
					leaves = append(leaves, leaf{p, spec, sc, m})
					names = append(names, fmt.Sprintf("provider=%s/model=%s/scenario=%s/mode=%s", p, spec.Name, sc.Name, m))
				}
			}
		}
	}
	var cur struct {
		key string
		d   *onnx.Decoder
	}
	defer func() {
		if cur.d != nil {
			cur.d.Close()
		}
	}()
	sw := harness.NewSweep(b, names)
	for i, l := range leaves {
		sw.Run(b, names[i], func(b *testing.B) {
			if key := string(l.p) + "/" + l.spec.Name; key != cur.key {
				if cur.d != nil {
					cur.d.Close()
				}
				cur.key, cur.d = key, nil
				d, err := buildDecoder(rt, l.spec, onnx.SessionConfig{Provider: l.p, IntraOpThreads: threads})
				if err != nil {
					b.Fatal(err)
				}
				cur.d = d
			}
			benchScenario(b, cur.d, l.sc, l.m, trace)
		})
	}
}

// buildDecoder builds spec's model and a decoder for it.
func buildDecoder(rt *onnx.Runtime, spec onnxsynth.Spec, cfg onnx.SessionConfig) (*onnx.Decoder, error) {
	w, err := onnxsynth.NewWeights(spec)
	if err != nil {
		return nil, err
	}
	return onnx.NewDecoder(rt, spec, onnxsynth.Model(w), cfg)
}

// newDecoder is buildDecoder for a test, closed in Cleanup.
func newDecoder(tb testing.TB, rt *onnx.Runtime, spec onnxsynth.Spec, cfg onnx.SessionConfig) *onnx.Decoder {
	tb.Helper()
	d, err := buildDecoder(rt, spec, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := d.Close(); err != nil {
			tb.Error(err)
		}
	})
	return d
}

// A caller runs calls: an onnx.Decoder, or a scripted one in tests.
type caller interface {
	Run(onnx.Batch) (onnx.Record, error)
}

// benchScenario is one leaf: a warm-up call (the first run of a session
// allocates its buffers), then one call per iteration. The records go to
// the trace after the loop, degraded ones too (counted and logged, never
// pooled), and the metrics are reported from the clean ones.
func benchScenario(b *testing.B, d caller, sc Scenario, m Mode, trace *measure.Trace) {
	warm, err := d.Run(sc.Call(0, m))
	if err != nil {
		b.Fatal(err)
	}
	if !warm.OK() {
		b.Logf("warm-up call degraded: %s", warm.Degraded)
	}
	var recs []onnx.Record
	for k := 0; b.Loop(); k++ {
		rec, err := d.Run(sc.Call(k, m))
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
	}
	var errs []error
	for _, r := range recs {
		mr := r.Measure()
		mr.Run, mr.Config = b.Name(), "scenario="+sc.Name+"/mode="+string(m)
		errs = append(errs, trace.Write(mr))
	}
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	if n, why := onnx.Degraded(recs); n > 0 {
		if n == len(recs) {
			b.Fatalf("all %d calls degraded (see the trace): %s", n, why)
		}
		b.Logf("%d of %d calls degraded, left out of the metrics (see the trace): %s", n, len(recs), why)
	}
	for unit, v := range Metrics(m, recs) {
		b.ReportMetric(v, unit)
	}
}
