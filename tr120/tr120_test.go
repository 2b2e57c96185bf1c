package tr120

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR120 is TR120's shape-stability study on ONNX Runtime's CPU
// provider: per model, graph optimisation on or off × dynamic or bucketed
// sequence lengths × cold or warm calls, as
// model=…/opt=…/shape=…/start=…. One iteration is one prefill call of the
// next of the study's nine prompts.
func BenchmarkTR120(b *testing.B) { harness.Run(b, Report) }

// TestReport checks the declared report: the baseline against its
// converter, the fragment (the baseline and testdata/cpu.bench) and
// charts against their goldens, and every TR120 row of PUBLISHED.md
// (#244–#275): all follow from the data.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// The prompts are the study's nine (tr120 samples.csv tokens: 1, 1, 9,
// 11, 17, 19, 27, 25, 51); dynamic calls run eight shapes, bucketed ones
// four, and every call of a round of nine is a different prompt.
func TestShapes(t *testing.T) {
	var lens []int
	for _, p := range Prompts() {
		lens = append(lens, len(p.Tokens))
	}
	if want := []int{1, 1, 9, 11, 17, 19, 27, 25, 51}; !slices.Equal(lens, want) {
		t.Errorf("prompt lengths %v, want the study's %v", lens, want)
	}
	shapes := map[Shape]map[int]bool{}
	for _, sh := range Shapes() {
		shapes[sh] = map[int]bool{}
		for k := range 2 * len(Prompts()) {
			c := Call(k, sh)
			n := c.Len
			if n == 0 {
				n = c.RealTokens()
			}
			shapes[sh][n] = true
			if c.RealTokens() != lens[k%len(lens)] || c.Steps != 0 || len(c.Prompts) != 1 {
				t.Errorf("%s call %d: %+v, want a prefill of prompt %d", sh, k, c, k%len(lens))
			}
		}
	}
	if len(shapes[Dynamic]) != 8 || len(shapes[Bucketed]) != 4 {
		t.Errorf("dynamic runs %d shapes, bucketed %d; want 8 and 4", len(shapes[Dynamic]), len(shapes[Bucketed]))
	}
	for n, want := range map[int]int{1: 8, 8: 8, 9: 16, 27: 32, 51: 64, 70: 70} {
		if got := Bucket(n); got != want {
			t.Errorf("Bucket(%d) = %d, want %d", n, got, want)
		}
	}
	if got := OptNone.Session(2); !got.NoGraphOptimization || got.IntraOpThreads != 2 || got.Provider != onnx.CPU {
		t.Errorf("OptNone.Session(2) = %+v", got)
	}
	if OptAll.Session(0).NoGraphOptimization {
		t.Error("OptAll turns graph optimisation off")
	}
	spec, _ := onnxsynth.Preset("tiny-gpt2")
	ls := Leaves([]onnxsynth.Spec{spec})
	if len(ls) != 8 || ls[0].Name() != "model=tiny-gpt2/opt=all/shape=dynamic/start=cold" {
		t.Errorf("%d leaves, the first %s", len(ls), ls[0].Name())
	}
}

const ms = time.Millisecond

// prefill is a clean prefill record of d.
func prefill(d time.Duration) onnx.Record {
	return onnxtest.Timed(onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 1, Len: 9, Real: 9, Padded: 9, Prefill: d}, 0, 0, ms/10)
}

func TestMetrics(t *testing.T) {
	var hundred []onnx.Record
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, prefill(time.Duration(i)*ms))
	}
	bad := prefill(ms)
	bad.Degraded = "prefill: boom"
	cases := []struct {
		name     string
		st       Start
		recs     []onnx.Record
		sessions []time.Duration
		want     map[string]float64
	}{
		{"warm: mean, numpy-linear median and p99 of the prefills", Warm, hundred, nil,
			map[string]float64{"prefill-ns": 50.5e6, "prefill-p50-ns": 50.5e6, "prefill-p99-ns": 99.01e6, "degraded-calls": 0}},
		{"cold: the session creations apart", Cold, []onnx.Record{prefill(2 * ms), prefill(4 * ms)}, []time.Duration{30 * ms, 50 * ms},
			map[string]float64{"prefill-ns": 3e6, "prefill-p50-ns": 3e6, "prefill-p99-ns": 3.98e6, "degraded-calls": 0, "build-ns": 40e6}},
		{"degraded calls are counted, never pooled", Warm, []onnx.Record{prefill(2 * ms), bad}, nil,
			map[string]float64{"prefill-ns": 2e6, "prefill-p50-ns": 2e6, "prefill-p99-ns": 2e6, "degraded-calls": 1}},
		{"nothing clean, only the count (and the sessions made)", Cold, []onnx.Record{bad}, []time.Duration{30 * ms},
			map[string]float64{"degraded-calls": 1, "build-ns": 30e6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Metrics(c.st, c.recs, c.sessions), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("metrics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// scripted is a session that returns its script's records in turn.
type scripted struct {
	recs   []onnx.Record
	calls  *[]onnx.Batch
	closed *int
}

func (s scripted) Run(b onnx.Batch) (onnx.Record, error) {
	*s.calls = append(*s.calls, b)
	return s.recs[(len(*s.calls)-1)%len(s.recs)], nil
}

func (s scripted) Close() error { *s.closed++; return nil }

// The benchmark body reports exactly what its sessions' records and
// creation times say: a cold iteration opens, calls once and closes; a
// warm sub-benchmark opens once and warms every prompt first; the trace
// holds every measured call, a cold one with its session's creation.
func TestTR120BodyReportsTheScriptsTruth(t *testing.T) {
	rec := prefill(3 * ms)
	for _, st := range Starts() {
		t.Run("start="+string(st), func(t *testing.T) {
			var calls []onnx.Batch
			opened, closed := 0, 0
			open := func() (session, time.Duration, error) {
				opened++
				return scripted{recs: []onnx.Record{rec}, calls: &calls, closed: &closed}, 40 * ms, nil
			}
			path := filepath.Join(t.TempDir(), "trace.jsonl")
			trace, err := measure.OpenTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			env := &harness.Env{Units: Report.Units}
			res := harness.BenchOnce(t, func(b *testing.B) { env.Report(b, benchLeaf(b, open, Bucketed, st, trace)) })
			trace.Close()

			var sessions []time.Duration
			wantCalls := []onnx.Batch{Call(0, Bucketed)}
			if st == Cold {
				sessions = []time.Duration{40 * ms}
			} else {
				var warmup []onnx.Batch
				for k := range Prompts() {
					warmup = append(warmup, Call(k, Bucketed))
				}
				wantCalls = append(warmup, wantCalls...)
			}
			onnxtest.AssertReported(t, res.Extra, Units(st), Metrics(st, []onnx.Record{rec}, sessions))
			if opened != 1 || closed != 1 {
				t.Errorf("%d sessions opened, %d closed; want 1 and 1", opened, closed)
			}
			if diff := cmp.Diff(wantCalls, calls); diff != "" {
				t.Errorf("calls mismatch (-want +got):\n%s", diff)
			}
			traced, err := measure.ReadTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(traced) != 1 || traced[0].Run != string(st) || traced[0].Options["provider"] != "cpu" {
				t.Fatalf("trace holds %+v, want the one measured call", traced)
			}
			if hasLoad := traced[0].LoadDuration != nil; hasLoad != (st == Cold) || (hasLoad && *traced[0].LoadDuration != 40*ms) {
				t.Errorf("traced load_duration %v, want the session's creation on cold calls only", traced[0].LoadDuration)
			}
		})
	}
}

// The body runs on ONNX Runtime itself, through Report.RunLeaf:
// tiny-gpt2 on the CPU, every factor's both settings, every unit
// measured.
func TestTR120OnONNXRuntime(t *testing.T) {
	spec, err := onnxsynth.Preset("tiny-gpt2")
	if err != nil {
		t.Fatal(err)
	}
	env := harness.ONNXEnv(t, "", 0, Report.Units)
	for _, l := range Leaves([]onnxsynth.Spec{spec}) {
		t.Run(l.Name(), func(t *testing.T) {
			res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, l) })
			onnxtest.AssertMeasured(t, res.Extra, Units(l.Start), "degraded-calls")
		})
	}
}
