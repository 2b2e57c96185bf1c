package tr116

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// The fakes serve two models that decode at different rates; the wants
// below are derived from their scripts.
var fakeModels = []ollamatest.Model{
	{Name: "fake-synth:fast", Load: 300 * time.Millisecond, PrefillPerToken: 40 * time.Microsecond, InterToken: 2 * time.Millisecond},
	{Name: "fake-synth:slow", Load: 500 * time.Millisecond, PrefillPerToken: 100 * time.Microsecond, InterToken: 5 * time.Millisecond},
}

const (
	fakePredict   = 32
	fakeParams    = 5_000_000
	fakeBandwidth = 20e9 // bytes/s
)

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
					f := multiagenttest.New(t, multiagenttest.Config{
						Models: fakeModels, Params: fakeParams, NumPredict: fakePredict,
						Bandwidth: fakeBandwidth, Units: reportedUnits, NumParallel: []int{1, 1},
					})
					m := f.Live.Models[i]
					var tc multiagent.Test
					for _, c := range Tests(m) {
						if c.Scenario == test {
							tc = c
						}
					}
					res := harness.BenchOnce(t, func(b *testing.B) { benchTest(b, f.Live, m, tc) })
					calls := f.Prompted()
					if len(calls) != 16 {
						t.Fatalf("%d prompted calls, want 16 (warm-up and one sample, 8 calls each)", len(calls))
					}
					p1, p2 := time.Duration(calls[0].PromptTokens), time.Duration(calls[1].PromptTokens)
					for _, c := range calls {
						if c.Model != fm.Name {
							t.Fatalf("a call to %s, want %s", c.Model, fm.Name)
						}
						if pt := time.Duration(c.PromptTokens); pt != p1 && pt != p2 {
							t.Fatalf("a call with %d prompt tokens; want only %d (analysis) and %d (report)", pt, p1, p2)
						}
					}
					ppt, decode := fm.PrefillPerToken, fakePredict*fm.InterToken
					d := p1*ppt + decode + p2*ppt + decode // one workflow, alone or together
					agg := 4 * fakePredict / d.Seconds()
					want := map[string]float64{
						"eff-%":            100,
						"legacy-speedup-x": 2,
						"contention-%":     0,
						"balance-%":        100,
						"overhead-ns":      0,
						"wall-ns":          float64(d),
						"a-ns":             float64(d),
						"b-ns":             float64(d),
						"speedup-x":        2,
						"true-eff-%":       100,
						"agg-tok/s":        agg,
						"roofline-%":       agg * 2 * fakeParams / fakeBandwidth * 100,
						"tok/s":            float64(time.Second / fm.InterToken),
						"invalid-calls":    0, // no call lied
						"ttft-ns":          float64((p1 + p2) * ppt / 2),
						"load-ns":          0,
					}
					if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
						t.Errorf("metrics mismatch (-want +got):\n%s", diff)
					}
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
	f, err := os.Open(filepath.Join(studydatatest.Require(t), "tr116", "multi_rust_runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	config := func(row []string, agent string) multiagent.Config {
		gpu, ctx, temp := row[col[agent+"_num_gpu"]], row[col[agent+"_num_ctx"]], row[col[agent+"_temperature"]]
		if gpu == "" && ctx == "" && temp == "" {
			return multiagent.Config{}
		}
		var c multiagent.Config
		c.NumGPU, _ = strconv.Atoi(gpu)
		c.NumCtx, _ = strconv.Atoi(ctx)
		c.Temperature, _ = strconv.ParseFloat(temp, 64)
		return c
	}
	want := map[string]multiagent.Test{}
	for _, row := range rows[1:] {
		tc := multiagent.Test{Scenario: row[col["scenario"]], A: config(row, "a"), B: config(row, "b")}
		if prev, ok := want[tc.Scenario]; ok && prev != tc {
			t.Errorf("%s: runs disagree: %+v and %+v", tc.Scenario, prev, tc)
		}
		want[tc.Scenario] = tc
	}
	got := map[string]multiagent.Test{}
	for _, tc := range Tests(harness.ModelInfo{Tag: "gemma3:latest"}) {
		got[tc.Scenario] = tc
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// On the study's models, every sub-benchmark is named as the study's
// Rust runs in testdata/baseline.bench with lang=go for lang=rust, so
// that benchstat -col /lang puts the Go agents next to the Rust and
// Python ones; synthetic models are named as CHIMERA_MODELS names them.
func TestSubBenchmarkNamesAreTheBaselines(t *testing.T) {
	f, err := os.Open("testdata/baseline.bench")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	study := map[string]bool{}
	r := benchfmt.NewReader(f, "baseline.bench")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			if name, ok := strings.CutSuffix(string(res.Name), "/instances=2/lang=rust"); ok {
				study[name+"/instances=2/lang=go"] = true
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, tag := range []string{"gemma3:latest", "llama3.1:8b-instruct-q4_0", "qwen2.5:7b"} {
		m := harness.ModelInfo{Tag: tag}
		for _, tc := range Tests(m) {
			ours["TR116/"+Name(m, tc)] = true
		}
	}
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

// With CHIMERA_MODELS unset the benchmark runs the three synthetic
// families; a list the user set is kept.
func TestDefaultModels(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", DefaultModels},
		{"  ", DefaultModels},
		{"gemma3:latest,synth:qwen2.5-small", "gemma3:latest,synth:qwen2.5-small"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv("CHIMERA_MODELS", tc.env)
			defaultModels(t)
			if got := os.Getenv("CHIMERA_MODELS"); got != tc.want {
				t.Errorf("CHIMERA_MODELS = %q, want %q", got, tc.want)
			}
		})
	}
}
