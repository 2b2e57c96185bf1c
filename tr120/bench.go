package tr120

import (
	"context"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// leaves are every model (CHIMERA_ONNX_MODELS, else DefaultModels) with
// each setting of each factor (Leaves).
func leaves(context.Context, *harness.Env) ([]Leaf, error) {
	specs, err := onnx.Models(DefaultModels)
	if err != nil {
		return nil, err
	}
	return Leaves(specs), nil
}

// body is one leaf: the model's bytes, built when its first selected leaf
// runs (harness.Keep), and benchLeaf opening decoders of them with the
// leaf's optimisation setting.
func body(b *testing.B, env *harness.Env, l Leaf) map[string]float64 {
	o := env.ONNX
	model, err := harness.Keep(o, l.Model.Name, func() ([]byte, error) {
		w, err := onnxsynth.NewWeights(l.Model)
		if err != nil {
			return nil, err
		}
		return onnxsynth.Model(w), nil
	})
	if err != nil {
		b.Fatal(err)
	}
	open := func() (session, time.Duration, error) {
		start := time.Now()
		d, err := onnx.NewDecoder(o.Runtime, l.Model, model, l.Opt.Session(o.Threads))
		return d, time.Since(start), err
	}
	return benchLeaf(b, open, l.Shape, l.Start, o.Trace)
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
func benchLeaf(b *testing.B, open opener, sh Shape, st Start, trace *measure.Trace) map[string]float64 {
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
	harness.TraceONNX(b, trace, recs, func(i int, mr *measure.Record) {
		mr.Run, mr.Config = string(st), b.Name()
		if st == Cold {
			mr.LoadDuration = &sessions[i]
		}
	})
	return Metrics(st, recs, sessions)
}
