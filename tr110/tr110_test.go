package tr110

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
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

// fakeModel is the fakes' script for the hermetic runs; the wants below
// are derived from it.
var fakeModel = ollamatest.Model{
	Name:            "fake-synth:tiny",
	Load:            300 * time.Millisecond,
	PrefillPerToken: 40 * time.Microsecond,
	InterToken:      2 * time.Millisecond,
}

const (
	fakePredict   = 32
	fakeParams    = 5_000_000
	fakeBandwidth = 20e9 // bytes/s
)

func fakes(t *testing.T) *multiagenttest.Fakes {
	return multiagenttest.New(t, multiagenttest.Config{
		Models: []ollamatest.Model{fakeModel}, Params: fakeParams, NumPredict: fakePredict,
		Bandwidth: fakeBandwidth, Units: reportedUnits, NumParallel: []int{1, 1},
	})
}

func testByID(t *testing.T, id string) multiagent.Test {
	t.Helper()
	for _, tc := range Tests() {
		if tc.ID == id {
			return tc
		}
	}
	t.Fatalf("no test %s", id)
	return multiagent.Test{}
}

// TestTR110BodyReportsTheFakesTruth runs the benchmark body once (a
// warm-up sample and one measured sample) for a test of each scenario on
// two fakes whose timing is exact inside a synctest bubble, and checks
// every reported metric against the fakes' script. Each agent has its own
// instance, as in the study, and every runner stays loaded after the
// warm-up: both agents run their two calls at once, never waiting, so the
// corrected speedup is exactly 2 and the legacy efficiency 100 %.
func TestTR110BodyReportsTheFakesTruth(t *testing.T) {
	for _, id := range []string{"T001", "T011", "T013"} {
		t.Run(id, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := fakes(t)
				res := harness.BenchOnce(t, func(b *testing.B) { benchTest(b, f.Live, testByID(t, id)) })
				calls := f.Prompted()
				if len(calls) != 16 {
					t.Fatalf("%d prompted calls, want 16 (warm-up and one sample, 8 calls each)", len(calls))
				}
				// Every workflow sends the analysis prompt of p1 tokens,
				// then the report prompt of p2.
				p1, p2 := time.Duration(calls[0].PromptTokens), time.Duration(calls[1].PromptTokens)
				for _, c := range calls {
					if pt := time.Duration(c.PromptTokens); pt != p1 && pt != p2 {
						t.Fatalf("a call with %d prompt tokens; want only %d (analysis) and %d (report)", pt, p1, p2)
					}
				}
				ppt, decode := fakeModel.PrefillPerToken, fakePredict*fakeModel.InterToken
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
					"tok/s":            float64(time.Second / fakeModel.InterToken),
					"invalid-calls":    0, // no call lied
					"ttft-ns":          float64((p1 + p2) * ppt / 2),
					// Warm: no load, so each agent's mean of load + prefill.
					"study-ttft-ns": float64((p1 + p2) * ppt / 2),
					"load-ns":       0,
				}
				if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// The agents send what the study's runs.csv says they sent: in
// chimera_hetero, agent B's temperature 0.6 (TR114_v2 kept 0.8), and in
// baseline_vs_chimera, nothing of its own from agent A.
func TestAgentsSendTheTestsOptions(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want [2]map[string]any // agent A's and B's options, less num_predict
	}{
		{"T007", [2]map[string]any{{"num_gpu": 60.0, "num_ctx": 512.0, "temperature": 0.8}, {"num_gpu": 80.0, "num_ctx": 1024.0, "temperature": 0.6}}},
		{"T001", [2]map[string]any{{}, {"num_gpu": 60.0, "num_ctx": 512.0, "temperature": 0.8}}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := fakes(t)
				harness.BenchOnce(t, func(b *testing.B) { benchTest(b, f.Live, testByID(t, tc.id)) })
				for i, s := range f.Servers {
					for _, r := range s.Requests() {
						if r.Path != "/api/generate" {
							continue
						}
						got := map[string]any{}
						for k, v := range r.Options {
							if k != "num_predict" {
								got[k] = v
							}
						}
						if diff := cmp.Diff(tc.want[i], got); diff != "" {
							t.Fatalf("agent %d's options mismatch (-want +got):\n%s", i, diff)
						}
					}
				}
			})
		})
	}
}

// TestTestsAreTheStudysMatrix checks the test table against the options
// the study's runs.csv records for each agent of each test, and that each
// agent had its own instance.
func TestTestsAreTheStudysMatrix(t *testing.T) {
	f, err := os.Open(filepath.Join(studydatatest.Require(t), "tr110", "runs.csv"))
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
			return multiagent.Config{} // the baseline agent sent no options
		}
		var c multiagent.Config
		var errs [3]error
		c.NumGPU, errs[0] = strconv.Atoi(gpu)
		c.NumCtx, errs[1] = strconv.Atoi(ctx)
		c.Temperature, errs[2] = strconv.ParseFloat(temp, 64)
		for _, err := range errs {
			if err != nil {
				t.Fatalf("%s agent %s: %v", row[col["test_id"]], agent, err)
			}
		}
		return c
	}
	var want []multiagent.Test
	seen := map[string]multiagent.Test{}
	for _, row := range rows[1:] {
		if row[col["a_url"]] == row[col["b_url"]] {
			t.Errorf("%s: both agents on %s; the benchmark gives each its own instance", row[col["test_id"]], row[col["a_url"]])
		}
		tc := multiagent.Test{ID: row[col["test_id"]], Scenario: row[col["scenario"]], A: config(row, "a"), B: config(row, "b")}
		if prev, ok := seen[tc.ID]; ok {
			if prev != tc {
				t.Errorf("%s: runs disagree: %+v and %+v", tc.ID, prev, tc)
			}
			continue
		}
		seen[tc.ID] = tc
		want = append(want, tc)
	}
	if diff := cmp.Diff(want, Tests()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestSubBenchmarksAreTheBaselinesNames checks that every test runs under
// the name its runs have in testdata/baseline.bench, so that benchstat
// puts Chimeraforge's Go agents next to the study's Python ones.
func TestSubBenchmarksAreTheBaselinesNames(t *testing.T) {
	f, err := os.Open("testdata/baseline.bench")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	study := map[string]bool{}
	r := benchfmt.NewReader(f, "baseline.bench")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			study[string(res.Name)] = true
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, tc := range Tests() {
		name := "TR110/" + Name(tc)
		if ours[name] {
			t.Errorf("duplicate sub-benchmark %s", name)
		}
		ours[name] = true
		if !study[name] {
			t.Errorf("sub-benchmark %s has no runs in baseline.bench", name)
		}
	}
	for name := range study {
		if !ours[name] {
			t.Errorf("baseline run %s has no sub-benchmark", name)
		}
	}
}
