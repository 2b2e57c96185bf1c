package tr110

import (
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
)

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
				f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
				test := multiagenttest.ByID(t, Tests(), id)
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), test) })
				want := f.Apart(t, multiagenttest.TinyModel())
				// Warm: no load, so each agent's mean of load + prefill,
				// the slower agent's, is the mean TTFT.
				want["study-ttft-ns"] = want["ttft-ns"]
				multiagenttest.AssertValues(t, want, res.Extra)
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
				f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
				test := multiagenttest.ByID(t, Tests(), tc.id)
				harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), test) })
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
	runs := multiagenttest.StudyRuns(t, "tr110/runs.csv")
	for _, r := range runs {
		if r.Col["a_url"] == r.Col["b_url"] {
			t.Errorf("%s: both agents on %s; the benchmark gives each its own instance", r.Test.ID, r.Col["a_url"])
		}
	}
	want := multiagenttest.StudyTests(t, runs, func(r multiagenttest.StudyRun) string { return r.Test.ID })
	if diff := cmp.Diff(want, Tests()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestSubBenchmarksAreTheBaselinesNames checks that every test runs under
// the name its runs have in testdata/baseline.bench, so that benchstat
// puts Chimeraforge's Go agents next to the study's Python ones.
func TestSubBenchmarksAreTheBaselinesNames(t *testing.T) {
	study := multiagenttest.BaselineNames(t, Report.Baselines[0])
	if diff := cmp.Diff(study, multiagenttest.SubBenchmarks(t, Report, nil)); diff != "" {
		t.Errorf("the baseline's runs and our sub-benchmarks differ (-baseline +ours):\n%s", diff)
	}
}

// Fakes that answer every call with a bare done line (no content, no
// counts, no durations) leave every per-call metric unmeasured, and in
// the bubble the runs take no time at all: the body reports none of them
// and no ratio over a wall time of 0, never 0, NaN or Inf.
func TestTR110BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
		f.Bare()
		test := multiagenttest.ByID(t, Tests(), "T013")
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), test) })
		multiagenttest.AssertOmitted(t, res.Extra, "tok/s", "ttft-ns", "load-ns", "study-ttft-ns", "eff-%", "speedup-x", "agg-tok/s")
	})
}
