package tr108

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

func TestConfigsAreTheStudysSweep(t *testing.T) {
	cs := Configs()
	if len(cs) != 37 {
		t.Fatalf("%d configs, want 37 (the baseline options + 4×3×3)", len(cs))
	}
	if cs[0] != Baseline || cs[0].Name() != "num_gpu=999/num_ctx=2048/temp=0.3" {
		t.Errorf("first config %s, want the baseline phase's 999/2048/0.3", cs[0].Name())
	}
	names := map[string]bool{}
	for _, c := range cs {
		if names[c.Name()] {
			t.Errorf("duplicate name %s", c.Name())
		}
		names[c.Name()] = true
	}
	for _, want := range []string{"num_gpu=999/num_ctx=1024/temp=0.2", "num_gpu=40/num_ctx=1024/temp=0.4", "num_gpu=60/num_ctx=4096/temp=0.8"} {
		if !names[want] {
			t.Errorf("no config named %s", want)
		}
	}
	got := cs[1].Options(measure.Options{NumPredict: measure.Ptr(5)}).Map()
	want := map[string]any{"num_gpu": 999, "num_ctx": 1024, "temperature": 0.2, "num_predict": 5}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

func TestPromptsAreTheStudys(t *testing.T) {
	ps := Prompts()
	if len(ps) != 5 {
		t.Fatalf("%d prompts, want 5: %q", len(ps), ps)
	}
	// PUBLISHED.md #10 calls prompt 1 "Mission failure".
	if !strings.Contains(ps[0], "failed a mission") || !strings.HasPrefix(ps[4], "Motivate a teammate") {
		t.Errorf("prompts out of order: %q", ps)
	}
}

func TestModelKey(t *testing.T) {
	for _, tc := range []struct {
		m    harness.ModelInfo
		want string
	}{
		{harness.ModelInfo{Tag: "chimera-synth/llama3.1-tiny:0123456789ab", Synthetic: true}, "synth:llama3.1-tiny"},
		{harness.ModelInfo{Tag: "llama3.1:8b-instruct-q4_0"}, "llama3.1:8b-instruct-q4_0"},
		{harness.ModelInfo{Tag: "hf.co/org/model:Q4_K_M"}, "hf.co_org_model:Q4_K_M"},
	} {
		if got := harness.ModelKey(tc.m); got != tc.want {
			t.Errorf("harness.ModelKey(%s) = %q, want %q", tc.m.Tag, got, tc.want)
		}
	}
}

// fakeModel is the fake's script for the hermetic runs (multiagenttest's
// tiny fixture): every metric the body reports is checked against it.
var fakeModel = multiagenttest.TinyModel()

const fakePredict = multiagenttest.TinyPredict

// fakeEnv is the report's environment on a fake serving fakeModel inside
// the current synctest bubble.
func fakeEnv(t *testing.T) (*harness.Env, *multiagenttest.Fakes) {
	t.Helper()
	f := multiagenttest.New(t, multiagenttest.Tiny(Report.LiveConfig().Units))
	return &harness.Env{Live: f.Live}, f
}

// TestTR108BodyReportsTheFakesTruth runs the benchmark body for two
// configs in a row, as the sweep does, against the fake inside a synctest
// bubble, where the fake's script is exact: the second config's num_ctx
// reloads the model, the warm-up pays that reload, and every reported
// metric is the script's value for the measured request alone.
func TestTR108BodyReportsTheFakesTruth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env, fake := fakeEnv(t)
		prompts := Prompts()
		for i, c := range []Config{Configs()[1], Configs()[4]} {
			res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{model: fakeModel.Name, c: c}) })
			all := fake.Prompted()
			if len(all) != 2*(i+1) {
				t.Fatalf("config %s: %d generate calls so far, want %d (a warm-up and one measured call per config)", c.Name(), len(all), 2*(i+1))
			}
			warm, got := all[2*i], all[2*i+1]
			if warm.Load != fakeModel.Load {
				t.Errorf("config %s: the warm-up loaded for %v, want the reload of %v", c.Name(), warm.Load, fakeModel.Load)
			}
			if got.Load != 0 {
				t.Errorf("config %s: the measured request paid %v of load: the warm-up did not warm", c.Name(), got.Load)
			}
			if want := map[string]any{"num_gpu": float64(c.NumGPU), "num_ctx": float64(c.NumCtx), "temperature": c.Temperature, "num_predict": float64(fakePredict)}; !cmp.Equal(want, got.Options) {
				t.Errorf("config %s sent options %v, want %v", c.Name(), got.Options, want)
			}
			if wantTok := ollamatest.PromptTokens(prompts[0]); got.PromptTokens != wantTok {
				t.Errorf("config %s: the measured request had %d prompt tokens, want prompt 1's %d", c.Name(), got.PromptTokens, wantTok)
			}
			want := multiagenttest.CallTruth(fakeModel, fakePredict, []ollamatest.RequestLog{got})
			delete(want, "first-ttft-ns")                   // TR108 reports ttft-ns alone: one request
			multiagenttest.AssertValues(t, want, res.Extra) // config c
			// ns/op is the measured request's wall time: in the bubble,
			// exactly its end-to-end time.
			if got, want := float64(res.NsPerOp()), want["e2e-ns"]; got != want {
				t.Errorf("config %s: ns/op = %v, want the request's e2e %v", c.Name(), got, want)
			}
		}
	})
}

// TestSweepNamesFromTheEnvironment checks the path a user takes: servers
// and models named by the environment, two models (the quantisation axis),
// and the sweep's sub-benchmark names with the quantisation the server
// reports.
func TestSweepNamesFromTheEnvironment(t *testing.T) {
	second := fakeModel
	second.Name = "fake-llama:q8"
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel, second}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", fakeModel.Name+","+second.Name)
	t.Setenv("CHIMERA_NUM_PREDICT", strconv.Itoa(fakePredict))
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	var out strings.Builder
	var names []string
	harness.BenchOnce(t, func(b *testing.B) {
		l := harness.LiveTo(b, Report.LiveConfig(), &out)
		ls, err := Report.Leaves(b.Context(), &harness.Env{Live: l})
		if err != nil {
			b.Fatal(err)
		}
		names = nil
		for _, lf := range ls {
			names = append(names, Report.LeafName(lf))
		}
		for b.Loop() {
		}
	})
	if len(names) != 2*len(Configs()) {
		t.Fatalf("%d sub-benchmarks, want %d (2 models × %d configs)", len(names), 2*len(Configs()), len(Configs()))
	}
	for i, want := range map[int]string{
		0:  "model=fake-synth:tiny/quant=f16/num_gpu=999/num_ctx=2048/temp=0.3/start=warm",
		1:  "model=fake-synth:tiny/quant=f16/num_gpu=999/num_ctx=1024/temp=0.2/start=warm",
		36: "model=fake-synth:tiny/quant=f16/num_gpu=40/num_ctx=4096/temp=0.8/start=warm",
		37: "model=fake-llama:q8/quant=f16/num_gpu=999/num_ctx=2048/temp=0.3/start=warm",
	} {
		if names[i] != want {
			t.Errorf("sub-benchmark %d = %s, want %s", i, names[i], want)
		}
	}
	for _, want := range []string{"model1: " + fakeModel.Name + "\n", "model2: fake-llama:q8\n", "Unit tok/s better=higher\n", "Unit study-ttft-ns better=lower\n", "Unit ns/op better=lower\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config lines lack %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "first-ttft-ns") {
		t.Errorf("config lines declare first-ttft-ns, which TR108 does not report:\n%s", out.String())
	}
}

// A server that answers every request with a bare done line (no content,
// no counts, no durations) measured nothing but the request's end-to-end
// time: the body must omit every other metric (no TTFT, no decode rate,
// no load or prefill, no study TTFT, no prompt tokens), never report one
// as 0 or NaN, and count the measured request as lacking each.
func TestTR108BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env, fake := fakeEnv(t)
		fake.Servers[0].Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{model: fakeModel.Name, c: Configs()[1]}) })
		multiagenttest.AssertBare(t, res.Extra, 1) // the measured request
	})
}
