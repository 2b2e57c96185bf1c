package harness

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// TestONNXPrintsTheRuntimesProvenance checks the ONNX backend's config
// lines, in the order the ONNX reports printed them by hand: the
// runtime's, its thread setting, the synthetic recipe, the report's own
// lines, the machine's; then a Unit line per declared unit.
func TestONNXPrintsTheRuntimesProvenance(t *testing.T) {
	rt := onnxtest.Require(t)
	var out bytes.Buffer
	o := ONNXTo(t, rt, ONNXConfig{
		Threads: func() (int, error) { return 3, nil },
		Lines:   func(testing.TB) []string { return []string{"num-predict: 9"} },
		Units:   []string{"ns/op", "tok/s"},
	}, &out)
	var keys []string
	for line := range strings.Lines(out.String()) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ": ")
		switch k {
		case "onnxruntime-threads", "num-predict":
			k += "=" + v
		}
		if strings.HasPrefix(k, "Unit ") {
			k, _, _ = strings.Cut(k, " better")
		}
		keys = append(keys, k)
	}
	want := []string{"onnxruntime", "onnxruntime-sha256", "onnxruntime-providers", "onnxruntime-threads=3", "onnxsynth",
		"num-predict=9", "gpu", "harness-commit", "Unit ns/op", "Unit tok/s"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("config and Unit lines (-want +got):\n%s\n%s", diff, out.String())
	}
	if o.Threads != 3 || o.Runtime != rt || o.Trace == nil {
		t.Errorf("ONNX = %+v, want threads 3, the runtime and a trace", o)
	}
}

// TestONNXRefusesAnUnregisteredUnit checks that a report cannot declare
// a unit internal/units does not know.
func TestONNXRefusesAnUnregisteredUnit(t *testing.T) {
	var body *testing.B
	testing.Benchmark(func(b *testing.B) {
		body = b
		ONNXTo(b, nil, ONNXConfig{Units: []string{"furlongs"}}, new(bytes.Buffer))
	})
	if log := bodyLog(body); !strings.Contains(log, "furlongs") {
		t.Errorf("logged %q, want the unit named", log)
	}
}

// closer counts its closes.
type closer struct {
	name   string
	closed *[]string
	err    error
}

func (c closer) Close() error { *c.closed = append(*c.closed, c.name); return c.err }

// TestKeepHoldsOneValueAtATime checks that Keep makes a value once per
// run of the same key, closes the one it replaces, and that Close
// closes the last and reports its error.
func TestKeepHoldsOneValueAtATime(t *testing.T) {
	var opened, closed []string
	o := &ONNX{}
	keep := func(key string, err error) closer {
		t.Helper()
		c, kerr := Keep(o, key, func() (closer, error) {
			opened = append(opened, key)
			return closer{name: key, closed: &closed, err: err}, nil
		})
		if kerr != nil {
			t.Fatal(kerr)
		}
		return c
	}
	keep("a", nil)
	keep("a", nil)
	boom := errors.New("boom")
	keep("b", boom)
	if diff := cmp.Diff([]string{"a", "b"}, opened); diff != "" {
		t.Errorf("opened (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a"}, closed); diff != "" {
		t.Errorf("closed before Close (-want +got):\n%s", diff)
	}
	if err := o.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want the last value's close error", err)
	}
	if err := o.Close(); err != nil || len(closed) != 2 {
		t.Errorf("a second Close = %v after %v closes, want nothing left to close", err, closed)
	}
}

// TestTraceONNXTracesEveryCall checks that every call is traced with its
// label, degraded ones too, that some degraded calls are logged and
// all degraded fails.
func TestTraceONNXTracesEveryCall(t *testing.T) {
	ok := onnx.Record{Model: "m", Provider: onnx.CPU, Batch: 1, Len: 2, Real: 2, Padded: 2, Prefill: time.Millisecond,
		Tokens: []time.Duration{time.Millisecond}, End: 2 * time.Millisecond}
	bad := ok
	bad.Degraded = "prefill: boom"
	for _, c := range []struct {
		name     string
		recs     []onnx.Record
		fails    bool
		logged   string
		degraded int
	}{
		{"clean", []onnx.Record{ok, ok}, false, "", 0},
		{"some degraded", []onnx.Record{ok, bad}, false, "1 of 2 calls degraded, left out of the metrics (see the trace): 1× prefill: boom", 1},
		{"all degraded", []onnx.Record{bad}, true, "all 1 calls degraded (see the trace): 1× prefill: boom", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "trace.jsonl")
			trace, err := measure.OpenTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			var body *testing.B
			var mrs []measure.Record
			testing.Benchmark(func(b *testing.B) {
				if body != nil {
					return // testing.Benchmark runs a body that does not loop again
				}
				body = b
				mrs = TraceONNX(b, trace, c.recs, func(i int, r *measure.Record) { r.Run = strconv.Itoa(i) })
			})
			trace.Close()
			if log := bodyLog(body); c.logged != "" && !strings.Contains(log, c.logged) {
				t.Errorf("logged %q, want %q", log, c.logged)
			}
			if body.Failed() != c.fails {
				t.Errorf("failed: %t, want %t", body.Failed(), c.fails)
			}
			traced, err := measure.ReadTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(traced) != len(c.recs) || (!c.fails && len(mrs) != len(c.recs)) {
				t.Fatalf("traced %d and returned %d records of %d calls", len(traced), len(mrs), len(c.recs))
			}
			degraded := 0
			for i, r := range traced {
				if r.Run != strconv.Itoa(i) {
					t.Errorf("record %d labelled run %q", i, r.Run)
				}
				if !r.OK() {
					degraded++
				}
			}
			if degraded != c.degraded {
				t.Errorf("%d degraded calls traced, want %d", degraded, c.degraded)
			}
		})
	}
}

// TestONNXCallsWarmsUpThenCallsEachIteration checks the loop: the warm-up
// batch first and untimed, then call(k) per iteration, whose records alone
// come back.
func TestONNXCallsWarmsUpThenCallsEachIteration(t *testing.T) {
	s := &onnxtest.Script{Records: []onnx.Record{{Model: "warm", Degraded: "boom"}, {Model: "timed"}}}
	var recs []onnx.Record
	BenchOnce(t, func(b *testing.B) {
		recs = ONNXCalls(b, s, onnx.Batch{Steps: 9}, func(k int) onnx.Batch { return onnx.Batch{Steps: k} })
	})
	if diff := cmp.Diff([]onnx.Batch{{Steps: 9}, {Steps: 0}}, s.Calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(recs) != 1 || recs[0].Model != "timed" {
		t.Errorf("records %+v, want the one timed call's", recs)
	}
}

// TestONNXEnvRunsALeafOnTheRuntime checks the body-test environment: the
// process's runtime, the threads asked for, a trace the calls reach.
func TestONNXEnvRunsALeafOnTheRuntime(t *testing.T) {
	env := ONNXEnv(t, "onnxruntime", 1, []string{"ns/op"})
	if env.ONNX.Runtime != onnxtest.Require(t) || env.ONNX.Threads != 1 || env.Backend != "onnxruntime" || env.Units[0] != "ns/op" {
		t.Fatalf("ONNXEnv = %+v, ONNX %+v", env, env.ONNX)
	}
	ok := onnx.Record{Model: "m", Provider: onnx.CPU, Batch: 1, Len: 1, Real: 1, Padded: 1, Prefill: time.Millisecond,
		Tokens: []time.Duration{time.Millisecond}, End: time.Millisecond}
	TraceONNX(t, env.ONNX.Trace, []onnx.Record{ok}, func(int, *measure.Record) {})
	if traced, err := measure.ReadTrace(env.ONNX.Trace.Path()); err != nil || len(traced) != 1 {
		t.Errorf("the trace holds %d records (%v), want the one written", len(traced), err)
	}
}
