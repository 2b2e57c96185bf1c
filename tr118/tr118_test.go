package tr118

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR118 reproduces TR118's ONNX Runtime runs on synthetic GPT-2
// decoders: every provider the library has × model × the study's six
// scenarios × prefill and decode, as
// provider=…/model=…/scenario=…/mode=…. One iteration is one call.
func BenchmarkTR118(b *testing.B) { harness.Run(b, Report) }

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and every
// TR118_v2.2 row of PUBLISHED.md (#190–#222): the throughputs, ratios,
// crossover fit and perplexities follow; the two engine build times
// (#219, #220) do not: the runs' own metadata give what the data pack
// recomputed.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// Every result of the baseline has the name keys the fragment selects on.
func TestBaselineNames(t *testing.T) {
	s := reporttest.Input(t, Report.Spec).Study["tr118"]
	for _, r := range s.Results {
		k := golden.Keys(r.Name)
		if k["model"] == "" || k["params"] == "" {
			t.Fatalf("%s: no model or params", r.Name)
		}
	}
	if n := len(s.KeyValues("model", "mode=prefill", "backend="+ortCPU)); n != 9 {
		t.Errorf("%d models with ONNX-CPU prefill, want the crossover's 9", n)
	}
}

// The scenarios are the study's: batch and padded length as records.csv
// has them (seq_len), and the real tokens of their prompts.
func TestScenariosAreTheStudys(t *testing.T) {
	type row struct {
		Batch, Len   int
		Real0, Real1 int // real tokens of calls 0 and 1
	}
	want := map[string]row{
		"single_micro":  {1, 8, 1, 1},
		"single_short":  {1, 11, 9, 11},
		"single_medium": {1, 19, 17, 19},
		"single_long":   {1, 27, 27, 25},
		"batch_short":   {4, 11, 40, 40},
		"batch_medium":  {4, 19, 72, 72},
	}
	got := map[string]row{}
	for _, s := range Scenarios() {
		c0, c1 := s.Call(0, Prefill), s.Call(1, Decode)
		got[s.Name] = row{len(c0.Prompts), c0.Len, c0.RealTokens(), c1.RealTokens()}
		if c0.Steps != 0 || c1.Steps != DecodeSteps {
			t.Errorf("%s: steps %d (prefill) and %d (decode), want 0 and %d", s.Name, c0.Steps, c1.Steps, DecodeSteps)
		}
		if c0.PaddedTokens() != s.Batch*s.Len() {
			t.Errorf("%s: %d padded tokens, want batch × len", s.Name, c0.PaddedTokens())
		}
		for _, p := range slices.Concat(c0.Prompts, c1.Prompts) {
			if slices.ContainsFunc(p, func(id int64) bool { return id < 0 || id >= 50257 }) {
				t.Errorf("%s: a token outside GPT-2's vocabulary: %v", s.Name, p)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scenarios mismatch (-want +got):\n%s", diff)
	}
}

const ms = time.Millisecond

// A decode call on batch_medium: a 5 ms prefill, then 8 steps of 1 ms, the
// tokens chosen 0.1 ms after each forward.
func decodeRecord() onnx.Record {
	r := onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 4, Len: 19, Real: 72, Padded: 76, Prefill: 5 * ms}
	return onnxtest.Timed(r, DecodeSteps, ms, ms/10)
}

// A prefill call on single_short: 2 ms, its token chosen 0.1 ms after.
func prefillRecord() onnx.Record {
	r := onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 1, Len: 11, Real: 9, Padded: 11, Prefill: 2 * ms}
	return onnxtest.Timed(r, 0, 0, ms/10)
}

func TestMetrics(t *testing.T) {
	degraded := func(r onnx.Record, why string) onnx.Record { r.Degraded = why; return r }
	d := decodeRecord()
	cases := []struct {
		name string
		mode Mode
		recs []onnx.Record
		want map[string]float64
	}{
		{"prefill counts real and padded tokens per second of prefill", Prefill, []onnx.Record{prefillRecord()},
			map[string]float64{"prefill-tok/s": 9 / 0.002, "padded-tok/s": 11 / 0.002, "prefill-ns": 2e6, "degraded-calls": 0}},
		{"decode counts generated tokens per second of steps", Decode, []onnx.Record{d},
			map[string]float64{
				"tok/s":          32 / 0.008,
				"ttft-ns":        float64(5*ms + ms/10),
				"itl-ns":         float64(ms + ms/10),
				"e2e-ns":         float64(d.End),
				"prefill-ns":     5e6,
				"degraded-calls": 0,
			}},
		{"degraded calls are counted, never pooled", Prefill,
			[]onnx.Record{prefillRecord(), degraded(onnx.Record{Real: 100, Padded: 400, Prefill: ms}, "prefill: boom")},
			map[string]float64{"prefill-tok/s": 9 / 0.002, "padded-tok/s": 11 / 0.002, "prefill-ns": 2e6, "degraded-calls": 1}},
		{"nothing clean, only the count", Decode, []onnx.Record{degraded(d, "decode step 3: boom")}, map[string]float64{"degraded-calls": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Metrics(c.mode, c.recs), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("metrics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The benchmark body reports exactly what its records say, and traces
// every measured call with the provider that ran it.
func TestTR118BodyReportsTheRecordsTruth(t *testing.T) {
	sc := map[Mode]Scenario{Prefill: Scenarios()[1], Decode: Scenarios()[5]}
	rec := map[Mode]onnx.Record{Prefill: prefillRecord(), Decode: decodeRecord()}
	for _, m := range Modes() {
		t.Run("mode="+string(m), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "trace.jsonl")
			trace, err := measure.OpenTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			s := &onnxtest.Script{Records: []onnx.Record{rec[m]}}
			env := &harness.Env{Units: Report.Units}
			res := harness.BenchOnce(t, func(b *testing.B) { env.Report(b, benchScenario(b, s, sc[m], m, trace)) })
			trace.Close()

			onnxtest.AssertReported(t, res.Extra, Units(m), Metrics(m, []onnx.Record{rec[m]}))
			if diff := cmp.Diff([]onnx.Batch{sc[m].Call(0, m), sc[m].Call(0, m)}, s.Calls); diff != "" {
				t.Errorf("calls mismatch, want the warm-up then call 0 (-want +got):\n%s", diff)
			}
			traced, err := measure.ReadTrace(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(traced) != 1 || traced[0].Options["provider"] != "cpu" || traced[0].Config != "scenario="+sc[m].Name+"/mode="+string(m) {
				t.Errorf("trace holds %+v, want the one measured call on cpu", traced)
			}
		})
	}
}

// The body runs on ONNX Runtime itself: tiny-gpt2 on the CPU, both modes,
// through Report.RunLeaf, every unit measured and traced with the
// provider.
func TestTR118OnONNXRuntime(t *testing.T) {
	spec, err := onnxsynth.Preset("tiny-gpt2")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Modes() {
		t.Run("mode="+string(m), func(t *testing.T) {
			env := harness.ONNXEnv(t, "", 0, Report.Units)
			res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{onnx.CPU, spec, Scenarios()[4], m}) })
			onnxtest.AssertMeasured(t, res.Extra, Units(m), "degraded-calls")
			traced, err := measure.ReadTrace(env.ONNX.Trace.Path())
			if err != nil {
				t.Fatal(err)
			}
			if len(traced) != 1 || !traced[0].OK() || traced[0].Options["provider"] != "cpu" || traced[0].Model != "tiny-gpt2" {
				t.Errorf("trace holds %+v", traced)
			}
		})
	}
}
