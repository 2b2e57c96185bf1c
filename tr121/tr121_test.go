package tr121

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR121 reproduces TR121's scaling study: prefill and decode
// latency against parameter count, for a family of synthetic GGUF models
// on Ollama and one of synthetic GPT-2 models on ONNX Runtime's CPU
// provider, as backend=…/model=…/params=…/scenario=…. One iteration is one
// call: a prefill of the scenario's prompt and GenTokens decoded tokens.
// Unless set, CHIMERA_MODELS is DefaultOllamaModels and
// CHIMERA_NUM_PREDICT the study's decode length, GenTokens.
func BenchmarkTR121(b *testing.B) {
	if os.Getenv("CHIMERA_MODELS") == "" {
		b.Setenv("CHIMERA_MODELS", DefaultOllamaModels)
	}
	if os.Getenv("CHIMERA_NUM_PREDICT") == "" {
		// The study's decode length, for synthetic and real models alike.
		b.Setenv("CHIMERA_NUM_PREDICT", strconv.Itoa(GenTokens))
	}
	harness.Run(b, Report)
}

// TestReport checks the declared report: the baseline against its
// converter, the fragment (the baseline and testdata/cpu.bench) and charts
// against their goldens, and every TR121v1 row of PUBLISHED.md
// (#276–#311): all follow from the data.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// The scenarios are the first prompt of the study's micro, short and
// medium sets (its calls.csv prompt_chars: 5, 31, 83).
func TestScenariosAreTheStudys(t *testing.T) {
	var got []int
	for _, s := range Scenarios() {
		got = append(got, len(s.Prompt.Text))
	}
	if want := []int{5, 31, 83}; !cmp.Equal(want, got) {
		t.Errorf("prompt lengths %v, want the study's %v", got, want)
	}
	if got := ParamsKey(102714); got != "0.102714" {
		t.Errorf("ParamsKey(102714) = %q", got)
	}
}

// Points takes each scenario's median, then the geometric mean over
// scenarios, per model, as analyze_scaling.py did.
func TestPointsAndFit(t *testing.T) {
	samples := []Sample{
		{"big", 100, "micro", 40}, {"big", 100, "micro", 10}, {"big", 100, "micro", 20}, // median 20
		{"big", 100, "short", 80}, // median 80
		{"small", 1, "micro", 2}, {"small", 1, "micro", 2},
		{"small", 1, "short", 8},
	}
	want := []Point{{"small", 1, 4}, {"big", 100, 40}}
	got := Points(samples)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("points mismatch (-want +got):\n%s", diff)
	}
	// latency = 4·params^0.5 through both points.
	fit := Fit(got)
	if math.Abs(fit.B-0.5) > 1e-12 || math.Abs(fit.A-4) > 1e-9 || fit.N != 2 || !math.IsNaN(fit.BInterval.Lo) {
		t.Errorf("fit %+v, want 4·params^0.5 with no interval from two points", fit)
	}
	if !math.IsNaN(GeoMean(nil)) || !math.IsNaN(GeoMean([]float64{1, 0})) {
		t.Error("GeoMean of nothing, or of a zero, is a number")
	}
}

func TestMetrics(t *testing.T) {
	ms := time.Millisecond
	rec := func(prefill, decode time.Duration, tokens int) measure.Record {
		p, n := prefill, 9
		return measure.Record{PromptEvalDuration: &p, PromptEvalCount: &n, EvalDuration: &decode, EvalCount: &tokens,
			FirstContent: prefill, Chunks: []time.Duration{prefill}, End: prefill + decode}
	}
	bad := rec(ms, ms, 64)
	bad.Err = "prefill: boom"
	got := Metrics(ONNXCPU, []measure.Record{rec(2*ms, 60*ms, 64), rec(4*ms, 68*ms, 64), bad})
	want := map[string]float64{"prefill-ns": 3e6, "decode-ns": 64e6, "e2e-ns": 67e6, "tok/s": 128 / 0.128, "prompt-tok": 9, "degraded-calls": 1}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("ONNX metrics mismatch (-want +got):\n%s", diff)
	}
	if _, ok := Metrics(Ollama, []measure.Record{rec(2*ms, 60*ms, 64)})["degraded-calls"]; ok {
		t.Error("an Ollama sub-benchmark reports degraded-calls: a failed call fails it instead")
	}
}

// The ONNX body reports exactly what its records say: a warm-up, then
// one call of the scenario's prompt and GenTokens steps, traced.
func TestTR121ONNXBodyReportsTheRecordsTruth(t *testing.T) {
	ms := time.Millisecond
	rec := onnxtest.Timed(onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 1, Len: 9, Real: 9, Padded: 9, Prefill: 3 * ms}, GenTokens, ms, 0)
	sc := Scenarios()[1]
	s := &onnxtest.Script{Records: []onnx.Record{rec}}
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	trace, err := measure.OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	env := &harness.Env{Units: Report.Units}
	res := harness.BenchOnce(t, func(b *testing.B) { env.Report(b, benchONNX(b, s, sc, trace)) })
	trace.Close()
	want := map[string]float64{"prefill-ns": 3e6, "decode-ns": 64e6, "e2e-ns": 67e6, "tok/s": 1000, "prompt-tok": 9, "degraded-calls": 0}
	onnxtest.AssertReported(t, res.Extra, Units(ONNXCPU), want, cmpopts.EquateApprox(1e-12, 0))
	call := onnx.Batch{Prompts: [][]int64{sc.Prompt.Tokens}, Steps: GenTokens}
	if diff := cmp.Diff([]onnx.Batch{call, call}, s.Calls); diff != "" {
		t.Errorf("calls mismatch, want the warm-up then one (-want +got):\n%s", diff)
	}
	traced, err := measure.ReadTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(traced) != 1 || traced[0].Stage != "scenario=short" || traced[0].EvalCount == nil || *traced[0].EvalCount != GenTokens {
		t.Errorf("trace holds %+v, want the one measured call", traced)
	}
}

// fakeModel is the fake's script for the Ollama body: every reported
// metric is checked against it.
var fakeModel = ollamatest.Model{
	Name:            "fake-llama:small",
	Load:            2 * time.Second,
	PrefillPerToken: 300 * time.Microsecond,
	InterToken:      4 * time.Millisecond,
}

// The Ollama body, through Report.RunLeaf against the fake in a synctest
// bubble where its script is exact: the warm-up pays the load, an untimed one-token flush with
// another prompt precedes the measured request, which sends the
// scenario's prompt with the study's options; prefill-ns, decode-ns,
// e2e-ns and tok/s are the script's, and ns/op is the measured request's
// alone.
func TestTR121OllamaBodyReportsTheFakesTruth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := multiagenttest.New(t, multiagenttest.Config{Models: []ollamatest.Model{fakeModel}, NumPredict: GenTokens, Units: Report.Live.Units})
		sc := Scenarios()[2]
		res := harness.BenchOnce(t, func(b *testing.B) {
			Report.RunLeaf(b, f.Env(), leaf{sc: sc, model: f.Live.Models[0], loaded: new(string)})
		})
		var done []ollamatest.RequestLog
		for _, r := range f.Servers[0].Requests() {
			if r.Path == "/api/generate" && r.Outcome == "done" {
				done = append(done, r)
			}
		}
		if len(done) != 3 {
			t.Fatalf("%d generate calls, want a warm-up, a flush and one measured", len(done))
		}
		warm, flush, got := done[0], done[1], done[2]
		if flush.PromptTokens != ollamatest.PromptTokens(flushPrompt) || flush.Options["num_predict"] != 1.0 {
			t.Errorf("flush sent %d prompt tokens and options %v, want the flush prompt's %d and num_predict 1",
				flush.PromptTokens, flush.Options, ollamatest.PromptTokens(flushPrompt))
		}
		if warm.Load != fakeModel.Load || got.Load != 0 {
			t.Errorf("loads %v then %v, want the warm-up to pay %v", warm.Load, got.Load, fakeModel.Load)
		}
		wantOpts := map[string]any{"temperature": 0.0, "top_p": 1.0, "num_predict": float64(GenTokens)}
		if !cmp.Equal(wantOpts, got.Options) {
			t.Errorf("options %v, want %v", got.Options, wantOpts)
		}
		if want := ollamatest.PromptTokens(sc.Prompt.Text); got.PromptTokens != want {
			t.Errorf("%d prompt tokens, want the medium prompt's %d", got.PromptTokens, want)
		}
		prefill := time.Duration(got.PromptTokens) * fakeModel.PrefillPerToken
		decode := GenTokens * fakeModel.InterToken
		want := map[string]float64{
			"prefill-ns": float64(prefill),
			"decode-ns":  float64(decode),
			"e2e-ns":     float64(prefill + decode),
			"tok/s":      float64(time.Second / fakeModel.InterToken),
			"prompt-tok": float64(got.PromptTokens),
		}
		gotVals := map[string]float64{}
		for u, v := range res.Extra {
			gotVals[u] = v
		}
		if diff := cmp.Diff(want, gotVals, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
			t.Errorf("metrics mismatch (-script +reported):\n%s", diff)
		}
		if got, want := float64(res.NsPerOp()), want["e2e-ns"]; got != want {
			t.Errorf("ns/op = %v, want the measured request's e2e %v (the flush untimed)", got, want)
		}
	})
}

// The ONNX body runs on ONNX Runtime itself, through Report.RunLeaf:
// tiny-gpt2, every unit measured, prefill and decode apart.
func TestTR121OnONNXRuntime(t *testing.T) {
	spec, err := onnxsynth.Preset("tiny-gpt2")
	if err != nil {
		t.Fatal(err)
	}
	env := harness.ONNXEnv(t, ONNXCPU, 0, Report.Units)
	res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{sc: Scenarios()[0], spec: spec}) })
	onnxtest.AssertMeasured(t, res.Extra, Units(ONNXCPU), "degraded-calls")
	if res.Extra["e2e-ns"] < res.Extra["prefill-ns"]+res.Extra["decode-ns"] {
		t.Errorf("e2e %v is less than prefill %v + decode %v", res.Extra["e2e-ns"], res.Extra["prefill-ns"], res.Extra["decode-ns"])
	}
}
