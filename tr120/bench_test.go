package tr120

import (
	"errors"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR120 is TR120's shape-stability study on ONNX Runtime's CPU
// provider: per model, graph optimisation on or off × dynamic or bucketed
// sequence lengths × cold or warm calls, as
// model=…/opt=…/shape=…/start=…. One iteration is one prefill call of the
// next of the study's nine prompts.
func BenchmarkTR120(b *testing.B) {
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
	harness.PrintConfig(os.Stdout, append(lines, harness.Provenance(b, nil, nil, measure.Options{})...))
	if err := units.WriteLines(os.Stdout, false, allUnits()...); err != nil {
		b.Fatal(err)
	}
	trace := harness.NewTrace(b)

	leaves := Leaves(specs)
	var names []string
	for _, l := range leaves {
		names = append(names, l.Name())
	}
	// A model's bytes are built when its first selected leaf runs.
	var model struct {
		name  string
		bytes []byte
	}
	sw := harness.NewSweep(b, names)
	for _, l := range leaves {
		sw.Run(b, l.Name(), func(b *testing.B) {
			if model.name != l.Model.Name {
				w, err := onnxsynth.NewWeights(l.Model)
				if err != nil {
					b.Fatal(err)
				}
				model.name, model.bytes = l.Model.Name, onnxsynth.Model(w)
			}
			open := func() (session, time.Duration, error) {
				start := time.Now()
				d, err := onnx.NewDecoder(rt, l.Model, model.bytes, l.Opt.Session(threads))
				return d, time.Since(start), err
			}
			benchLeaf(b, open, l.Shape, l.Start, trace)
		})
	}
}

// A session runs calls and is closed after: an onnx.Decoder, or a
// scripted one in tests.
type session interface {
	Run(onnx.Batch) (onnx.Record, error)
	Close() error
}

// An opener makes a new session and says how long that took.
type opener func() (session, time.Duration, error)

// benchLeaf is one sub-benchmark. Cold: each iteration opens a new
// session (timed apart, build-ns) and makes its first call. Warm: one
// session, a warm-up pass over the nine prompts in the leaf's shape, then
// one call per iteration. Every record goes to the trace after the loop
// (a cold one with its session creation as load_duration), degraded ones
// too (counted, logged, never pooled).
func benchLeaf(b *testing.B, open opener, sh Shape, st Start, trace *measure.Trace) {
	var warm session
	if st == Warm {
		s, _, err := open()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		for k := range Prompts() {
			r, err := s.Run(Call(k, sh))
			if err != nil {
				b.Fatal(err)
			}
			if !r.OK() {
				b.Logf("warm-up call %d degraded: %s", k, r.Degraded)
			}
		}
		warm = s
	}
	var recs []onnx.Record
	var sessions []time.Duration
	for k := 0; b.Loop(); k++ {
		s := warm
		if st == Cold {
			var took time.Duration
			var err error
			if s, took, err = open(); err != nil {
				b.Fatal(err)
			}
			sessions = append(sessions, took)
		}
		rec, err := s.Run(Call(k, sh))
		if st == Cold {
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
	}
	var errs []error
	for i, r := range recs {
		mr := r.Measure()
		mr.Run, mr.Config = string(st), b.Name()
		if st == Cold {
			mr.LoadDuration = &sessions[i]
		}
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
	vals := Metrics(st, recs, sessions)
	for _, u := range slices.Sorted(maps.Keys(vals)) {
		b.ReportMetric(vals[u], u)
	}
}
