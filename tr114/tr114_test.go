package tr114

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
)

// fakeModel is the fakes' script (multiagenttest's tiny fixture); the
// wants below are derived from it.
var fakeModel = multiagenttest.TinyModel()

// fakeEnv is the report's environment on the tiny fixture's fakes in the
// current synctest bubble, one per numParallel entry.
func fakeEnv(t *testing.T, numParallel ...int) (*harness.Env, *multiagenttest.Fakes) {
	t.Helper()
	f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, numParallel...))
	return f.Env(), f
}

// testByID is the test of Tests() with id.
func testByID(t *testing.T, id string) multiagent.Test {
	t.Helper()
	return multiagenttest.ByID(t, Tests(), id)
}

// TestTR114BodyReportsTheFakesTruth runs the benchmark body once (a
// warm-up sample and one measured sample) for a chimera_homo test in each
// setup, against fakes whose timing is exact inside a synctest bubble, and
// checks every reported metric against the fakes' script.
//
// One instance with one slot serves the four calls of the concurrent run
// one after the other, in arrival order A1, B1, A2, B2: the wall time is
// the sum of the agents' times alone, so the corrected speedup is exactly
// 1, while the legacy efficiency reads the balance of the two agents' end
// times (A ends one call before B) and calls the run uncontended. Two
// instances, or two slots on one instance, serve both agents at once:
// speedup 2.
func TestTR114BodyReportsTheFakesTruth(t *testing.T) {
	homo := testByID(t, "T013")
	for _, tc := range []struct {
		setup       Setup
		numParallel []int
	}{
		{Setup{1, 1}, []int{1}},
		{Setup{2, 1}, []int{1, 1}},
		{Setup{1, 2}, []int{2}},
	} {
		t.Run(tc.setup.Name(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env, fakes := fakeEnv(t, tc.numParallel...)
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{t: homo, s: tc.setup}) })
				// 16 calls: warm-up and one sample, 8 calls each. Both
				// agents send the same prompts: the analysis prompt of p1
				// tokens, then the report prompt of p2.
				_, p1, p2 := fakes.TwoPrompts(t, 16)
				ppt, decode := fakeModel.PrefillPerToken, multiagenttest.TinyPredict*fakeModel.InterToken
				d1, d2 := p1*ppt+decode, p2*ppt+decode // one call, alone
				alone := 2 * (d1 + d2)                 // Σ T_i alone
				var wall, tA time.Duration             // together; B ends last
				var ttft time.Duration                 // Σ over the 4 concurrent calls
				switch tc.setup.Instances * tc.setup.NumParallel {
				case 1: // A1 [0,d1], B1 [d1,2d1], A2 [2d1,2d1+d2], B2 [2d1+d2, wall]
					wall, tA = 2*(d1+d2), 2*d1+d2
					ttft = p1*ppt + (d1 + p1*ppt) + (d1 + p2*ppt) + (d2 + p2*ppt)
				default: // both at once, never waiting
					wall, tA = d1+d2, d1+d2
					ttft = 2 * (p1 + p2) * ppt
				}
				legacySpeedup := float64(tA+wall) / float64(wall)
				agg := 4 * multiagenttest.TinyPredict / wall.Seconds()
				want := map[string]float64{
					"eff-%":            legacySpeedup / 2 * 100,
					"legacy-speedup-x": legacySpeedup,
					"contention-%":     0,
					"balance-%":        legacySpeedup / 2 * 100,
					"overhead-ns":      0,
					"wall-ns":          float64(wall),
					"speedup-x":        float64(alone) / float64(wall),
					"true-eff-%":       float64(alone) / float64(wall) / 2 * 100,
					"agg-tok/s":        agg,
					"roofline-%":       agg * 2 * multiagenttest.TinyParams / multiagenttest.TinyBandwidth * 100,
					"tok/s":            float64(time.Second / fakeModel.InterToken),
					"invalid-calls":    0, // no call lied
					"ttft-ns":          float64(ttft / 4),
					"load-ns":          0,
				}
				multiagenttest.AssertValues(t, want, res.Extra)
				switch sp := res.Extra["speedup-x"]; tc.setup {
				case Setup{1, 1}:
					if sp != 1 || res.Extra["eff-%"] < 75 {
						t.Errorf("one slot: speedup-x %v, eff-%% %v; want exactly 1 while the legacy figure reads over 75 %%", sp, res.Extra["eff-%"])
					}
				default:
					if sp != 2 {
						t.Errorf("two slots: speedup-x %v, want exactly 2", sp)
					}
				}
			})
		})
	}
}

// TestTwoConfigsCannotShareARunner runs a chimera_hetero test (agents
// with different num_ctx and num_gpu): one instance must reload the model
// whenever the other agent's call comes next, and waits for the running
// call before it can, so a second slot does not help and running the
// agents together is slower than running them one after the other. Two
// instances each keep their own runner: speedup exactly 2, no load.
func TestTwoConfigsCannotShareARunner(t *testing.T) {
	hetero := testByID(t, "T011")
	for _, tc := range []struct {
		setup       Setup
		numParallel []int
	}{
		{Setup{1, 1}, []int{1}},
		{Setup{1, 2}, []int{2}},
		{Setup{2, 1}, []int{1, 1}},
	} {
		t.Run(tc.setup.Name(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env, _ := fakeEnv(t, tc.numParallel...)
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{t: hetero, s: tc.setup}) })
				sp, load := res.Extra["speedup-x"], res.Extra["load-ns"]
				if tc.setup.Instances == 2 {
					if sp != 2 || load != 0 {
						t.Errorf("two instances: speedup-x %v, load-ns %v; want 2 and 0", sp, load)
					}
					return
				}
				// Every concurrent call reloads, and its load_duration also
				// counts the wait for the other agent's call to end.
				if !(sp < 1) || !(load >= float64(fakeModel.Load)) {
					t.Errorf("one instance: speedup-x %v, load-ns %v; want below 1 and at least %v (a reload per call)", sp, load, float64(fakeModel.Load))
				}
			})
		})
	}
}

// TestSubBenchmarkNamesExtendTheBaselines checks that every test of the
// matrix, in the instances=2 setup, is named as the study's run in
// testdata/baseline.bench plus the parallel segment, so that benchstat
// lines ours up with the study's.
func TestSubBenchmarkNamesExtendTheBaselines(t *testing.T) {
	ours := multiagenttest.SubBenchmarks(t, Report, nil)
	var extended []string // the instances=2 setup's, the parallel segment cut
	for _, name := range ours {
		if base, ok := strings.CutSuffix(name, "/instances=2/parallel=1"); ok {
			extended = append(extended, base+"/instances=2")
		}
	}
	if diff := cmp.Diff(multiagenttest.BaselineNames(t, Baseline), extended); diff != "" {
		t.Errorf("the baseline's runs and our instances=2 sub-benchmarks differ (-baseline +ours):\n%s", diff)
	}
	if got, want := len(ours), 27*3; got != want {
		t.Errorf("%d sub-benchmarks, want %d (27 tests × 3 setups)", got, want)
	}
}

// TestTestsAreTheStudysMatrix checks the test table against the options
// the study's runs.csv records for each agent of each test.
func TestTestsAreTheStudysMatrix(t *testing.T) {
	want := multiagenttest.StudyTests(t, multiagenttest.StudyRuns(t, "tr114/runs.csv"),
		func(r multiagenttest.StudyRun) string { return r.Test.ID })
	if diff := cmp.Diff(want, Tests()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// A server that answers every call with a bare done line (no content, no
// counts, no durations) leaves the per-call metrics unmeasured: the body
// omits them, never reporting 0. In the bubble the answers take no time at
// all, so the runs' wall times are 0 too: the ratios built on them are
// omitted as well, never NaN or Inf.
func TestTR114BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env, fakes := fakeEnv(t, 1)
		fakes.Bare()
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{t: testByID(t, "T013"), s: Setup{1, 1}}) })
		multiagenttest.AssertBareMulti(t, res.Extra)
	})
}
