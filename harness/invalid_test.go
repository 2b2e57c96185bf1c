package harness_test

import (
	"flag"
	"net/url"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// lyingModel decodes at exactly 500 tok/s, loaded, with no prefill time.
var lyingModel = ollamatest.Model{Name: "liar", InterToken: 2 * time.Millisecond}

const lyingPredict = 32

var lyingUnits = []string{"ns/op", "agg-tok/s", "tok/s", "invalid-calls", "eff-%", "speedup-x"}

// negativeCount is the lie of issue 17 that gave -17.34 agg-tok/s.
func negativeCount(m *api.Metrics) { m.EvalCount = -1 }

// once runs body as a benchmark of one iteration. testing.Benchmark, not
// BenchOnce: a failed body is the expected outcome of some cases (N 0),
// and BenchOnce would fail the test.
func once(t *testing.T, body func(b *testing.B)) testing.BenchmarkResult {
	t.Helper()
	bt := flag.Lookup("test.benchtime")
	old := bt.Value.String()
	if err := bt.Value.Set("1x"); err != nil {
		t.Fatal(err)
	}
	defer bt.Value.Set(old)
	return testing.Benchmark(body)
}

// runMulti runs BenchMultiAgent once on two fakes, agent A on the first
// and B on the second, with lie on the done lines of the fakes named.
func runMulti(t *testing.T, liars ...int) (testing.BenchmarkResult, *multiagenttest.Fakes) {
	t.Helper()
	f := multiagenttest.New(t, multiagenttest.Config{
		Models: []ollamatest.Model{lyingModel}, NumPredict: lyingPredict, Units: lyingUnits, NumParallel: []int{1, 1},
	})
	for _, i := range liars {
		f.Servers[i].Inject("", ollamatest.Fault{Kind: ollamatest.FaultMisreport, Misreport: negativeCount})
	}
	mb := harness.MultiAgentBench{
		Test: multiagent.Test{Scenario: multiagent.ChimeraHomo}, Model: f.Live.Model(), Label: "lying", Units: lyingUnits,
	}
	return once(t, func(b *testing.B) { harness.BenchMultiAgent(b, f.Live, mb) }), f
}

// A multi-agent benchmark whose agent B's server reports eval_count -1
// (main: -17.34 agg-tok/s and a negative tok/s, exit 0) reports B's calls
// as invalid-calls, pools A's alone into tok/s (the fake's 500), and leaves
// agg-tok/s out: its sample's tokens cannot be counted. When both servers
// lie, the benchmark fails, having nothing valid to report.
func TestBenchMultiAgentCountsLyingCallsAndReportsNoneOfTheirNumbers(t *testing.T) {
	t.Run("one of two servers lies", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			res, _ := runMulti(t, 1)
			if res.N != 1 {
				t.Fatalf("the body ran %d iterations, want 1: it failed (the run must go on past invalid calls)", res.N)
			}
			want := map[string]float64{
				"invalid-calls": 4, // B's two calls alone and two together
				"tok/s":         500,
				"eff-%":         100,
				"speedup-x":     2,
			}
			if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("metrics mismatch (-want +got):\n%s", diff)
			}
		})
	})
	t.Run("every server lies", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			res, f := runMulti(t, 0, 1)
			if res.N != 0 {
				t.Errorf("the body ran %d iterations with every call invalid, reporting %v; want it failed", res.N, res.Extra)
			}
			// It failed after the timed sample, not before: the warm-up
			// sample and the timed one (each: 2 calls alone and 2
			// together, per agent) were all served.
			if n := len(f.Prompted()); n != 16 {
				t.Errorf("%d calls served, want 16: the failure came before the metrics", n)
			}
		})
	})
}

// A single-agent benchmark on a server that reports eval_duration 0 on
// every second call, while every call ran at 500 tok/s, reports 500 tok/s
// and one invalid call (main: 1000 tok/s, the zero-time call's tokens
// counted at no cost). When every call lies, it fails.
func TestBenchAgentCountsLyingCallsAndReportsNoneOfTheirNumbers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		every int64
		want  map[string]float64 // nil: the body fails
	}{
		{"eval_duration 0 on every second call (main: 1000 tok/s)", 2, map[string]float64{"tok/s": 500, "invalid-calls": 1}},
		{"eval_duration 0 on every call (main: passed, with no tok/s)", 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{lyingModel}})
				var n atomic.Int64
				fake.Inject("", ollamatest.Fault{Kind: ollamatest.FaultMisreport, Misreport: func(m *api.Metrics) {
					if n.Add(1)%tc.every == 0 {
						m.EvalDuration = 0
					}
				}})
				u, err := url.Parse(fake.URL)
				if err != nil {
					t.Fatal(err)
				}
				units := []string{"tok/s", "invalid-calls"}
				l := &harness.Live{
					Instances: []*harness.Instance{{URL: fake.URL, Client: measure.NewClient(u, fake.Client())}},
					Models:    []harness.ModelInfo{{Tag: lyingModel.Name}},
					Base:      measure.Options{NumPredict: measure.Ptr(lyingPredict)},
					Trace:     harness.NewTrace(t),
					Corpus:    harness.CorpusDir(t),
					Units:     harness.CallUnits,
				}
				res := once(t, func(b *testing.B) {
					harness.BenchAgent(b, l, harness.AgentConfigs()[0], "lying", nil)
				})
				if tc.want == nil {
					if res.N != 0 || n.Load() != 4 {
						t.Errorf("every call invalid: %d iterations after %d calls, reporting %v; want it failed after the warm-up's and the run's 4", res.N, n.Load(), res.Extra)
					}
					return
				}
				got := map[string]float64{}
				for _, u := range units {
					if x, ok := res.Extra[u]; ok {
						got[u] = x
					}
				}
				if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}
