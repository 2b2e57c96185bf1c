package tr116

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// fakeModels are the fakes' scripts, two models that decode at different
// rates: the tiny fixture's and a slower one; the wants below are derived
// from them.
var fakeModels = []ollamatest.Model{
	multiagenttest.TinyModel(),
	{Name: "fake-synth:slow", Load: 500 * time.Millisecond, PrefillPerToken: 100 * time.Microsecond, InterToken: 5 * time.Millisecond},
}

// fakes are two fakes, one per agent, serving both fakeModels.
func fakes(t *testing.T) *multiagenttest.Fakes {
	cfg := multiagenttest.Tiny(reportedUnits, 1, 1)
	cfg.Models = fakeModels
	return multiagenttest.New(t, cfg)
}

// TestTR116BodyReportsTheFakesTruth runs the benchmark body once (a
// warm-up sample and one measured sample) for each model and test, on two
// fakes serving both models with exact timing inside a synctest bubble,
// and checks every reported metric against that model's script: each
// agent has its own instance, so the corrected speedup is exactly 2, and
// the decode rate is the model's own.
func TestTR116BodyReportsTheFakesTruth(t *testing.T) {
	for i, fm := range fakeModels {
		for _, test := range []string{multiagent.BaselineVsChimera, multiagent.ChimeraHomo} {
			t.Run(fm.Name+"/"+test, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					f := fakes(t)
					m := f.Live.Models[i]
					var tc multiagent.Test
					for _, c := range Tests(m) {
						if c.Scenario == test {
							tc = c
						}
					}
					res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), leaf{m: m, t: tc}) })
					want := f.Apart(t, fm)
					multiagenttest.AssertValues(t, want, res.Extra)
				})
			})
		}
	}
}

// The chimera agents send the study's num_gpu 80 and temperature 1.0, and
// num_ctx 512 on a real model but SyntheticNumCtx on a synthetic one.
func TestTestsOfAModel(t *testing.T) {
	for _, tc := range []struct {
		name   string
		model  harness.ModelInfo
		numCtx int
	}{
		{"real model: the study's num_ctx", harness.ModelInfo{Tag: "gemma3:latest"}, 512},
		{"synthetic model: room for prompt and output", harness.ModelInfo{Tag: "chimera-synth/gemma3-tiny:0123456789ab", Synthetic: true}, SyntheticNumCtx},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := multiagent.Config{NumGPU: 80, NumCtx: tc.numCtx, Temperature: 1.0}
			want := []multiagent.Test{
				{Scenario: multiagent.BaselineVsChimera, B: c},
				{Scenario: multiagent.ChimeraHomo, A: c, B: c},
			}
			if diff := cmp.Diff(want, Tests(tc.model)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTestsAreTheStudys checks the tests of a real model against the
// options the study's Rust multi-agent runs.csv records, per scenario.
func TestTestsAreTheStudys(t *testing.T) {
	want := multiagenttest.StudyTests(t, multiagenttest.StudyRuns(t, "tr116/multi_rust_runs.csv"),
		func(r multiagenttest.StudyRun) string { return r.Test.Scenario })
	if diff := cmp.Diff(want, Tests(harness.ModelInfo{Tag: "gemma3:latest"})); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// On the study's models, every sub-benchmark is named as the study's
// Rust runs in testdata/baseline.bench with lang=go for lang=rust, so
// that benchstat -col /lang puts the Go agents next to the Rust and
// Python ones; synthetic models are named as CHIMERA_MODELS names them.
func TestSubBenchmarkNamesAreTheBaselines(t *testing.T) {
	var study []string
	for _, name := range multiagenttest.BaselineNames(t, Report.Baselines[0]) {
		if base, ok := strings.CutSuffix(name, "/instances=2/lang=rust"); ok {
			study = append(study, base+"/instances=2/lang=go")
		}
	}
	slices.Sort(study)
	live := &harness.Live{}
	for _, tag := range []string{"gemma3:latest", "llama3.1:8b-instruct-q4_0", "qwen2.5:7b"} {
		live.Models = append(live.Models, harness.ModelInfo{Tag: tag})
	}
	ours := multiagenttest.SubBenchmarks(t, Report, &harness.Env{Live: live})
	if diff := cmp.Diff(study, ours); diff != "" {
		t.Errorf("the study's Rust runs (with lang=go) and ours differ (-study +ours):\n%s", diff)
	}
	for _, tc := range []struct {
		model harness.ModelInfo
		want  string
	}{
		{harness.ModelInfo{Tag: "chimera-synth/qwen2.5-tiny:0123456789ab", Synthetic: true}, "synth:qwen2.5-tiny"},
		{harness.ModelInfo{Tag: "hf.co/org/model:Q4_K_M"}, "hf.co_org_model:Q4_K_M"},
	} {
		if got := ModelName(tc.model); got != tc.want {
			t.Errorf("ModelName(%q) = %q, want %q", tc.model.Tag, got, tc.want)
		}
	}
}

// Fakes that answer every call with a bare done line leave every per-call
// metric unmeasured, and in the bubble the runs take no time: the body
// reports none of them and no ratio over a wall time of 0, never 0, NaN or
// Inf.
func TestTR116BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t)
		f.Bare()
		m := f.Live.Models[0]
		tc := Tests(m)[1] // chimera_homo
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), leaf{m: m, t: tc}) })
		multiagenttest.AssertOmitted(t, res.Extra, "tok/s", "ttft-ns", "load-ns", "eff-%", "speedup-x", "agg-tok/s")
	})
}
