package multiagent

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fixed serves every call in exactly 50 tokens × 5 ms after the first.
var fixed = ollamatest.Model{Name: "fixed:d", InterToken: 5 * time.Millisecond, Tokens: 50}

// metricsOf measures n interleaved samples of agents and returns the pooled
// values.
func metricsOf(t *testing.T, n int, agents ...*agent.Agent) map[string]float64 {
	t.Helper()
	var m Metrics
	for i := range n {
		s, err := Interleave(t.Context(), fmt.Sprint(i), agents...)
		if err != nil {
			t.Fatal(err)
		}
		m.Add(s)
	}
	return m.Values()
}

func newAgent(tb testing.TB, name string, fake *ollamatest.Server, model, corpus string) *agent.Agent {
	tb.Helper()
	u, err := url.Parse(fake.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return &agent.Agent{Name: name, Client: measure.NewClient(u, fake.Client()), URL: fake.URL, Model: model, Corpus: corpus}
}

var approx = cmpopts.EquateApprox(0, 1e-6)

// On independent instances nothing is shared: both efficiencies are 100 %
// and the speedup is N.
func TestIndependentInstancesScorePerfectly(t *testing.T) {
	for _, n := range []int{2, 5} {
		t.Run(fmt.Sprintf("agents=%d", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				corpus := smallCorpus(t)
				agents := make([]*agent.Agent, n)
				for i := range agents {
					fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fixed}})
					agents[i] = newAgent(t, fmt.Sprint("agent", i), fake, fixed.Name, corpus)
				}
				got := metricsOf(t, 2, agents...)
				want := map[string]float64{"eff-%": 100, "legacy-speedup-x": float64(n), "true-eff-%": 100,
					"speedup-x": float64(n), "balance-%": 100, "overhead-ns": 0, "contention-%": 0}
				for unit := range got {
					if _, ok := want[unit]; !ok {
						delete(got, unit)
					}
				}
				if diff := cmp.Diff(want, got, approx); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// The study's blind spot, on the fake: two agents on ONE instance with one
// slot are served one after the other. The legacy efficiency still reads
// 87.5 % (it measures balance); the corrected speedup says 1.0: running them
// together gained nothing. With two slots the same instance doubles them.
func TestOneInstanceSlotsDecideTheSpeedup(t *testing.T) {
	for _, tc := range []struct {
		name        string
		numParallel int
		want        map[string]float64
	}{
		// The calls interleave in FIFO order (a1, b1, a2, b2), so a ends one
		// call before b: in-run times 3D and 4D, wall 4D; legacy 7/8.
		{"num_parallel=1", 1, map[string]float64{"eff-%": 87.5, "legacy-speedup-x": 1.75, "speedup-x": 1, "true-eff-%": 50, "balance-%": 87.5, "contention-%": 0}},
		{"num_parallel=2", 2, map[string]float64{"eff-%": 100, "legacy-speedup-x": 2, "speedup-x": 2, "true-eff-%": 100, "balance-%": 100, "contention-%": 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fixed}, NumParallel: tc.numParallel})
				corpus := smallCorpus(t)
				got := metricsOf(t, 3, newAgent(t, "a", fake, fixed.Name, corpus), newAgent(t, "b", fake, fixed.Name, corpus))
				for unit := range got {
					if _, ok := tc.want[unit]; !ok {
						delete(got, unit)
					}
				}
				if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-3)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// The legacy contention rate counts runs whose legacy speedup is below 1.5,
// and agg-tok/s is every agent's tokens over the concurrent wall time.
func TestContentionAndAggregateThroughput(t *testing.T) {
	mk := func(a, b, wall time.Duration, tokens int) Sample {
		wf := func(d time.Duration) agent.Workflow {
			return agent.Workflow{Total: d, Calls: []measure.Record{{EvalCount: &tokens, EvalDuration: &d, FirstContent: time.Millisecond, End: d}}}
		}
		return Sample{Alone: []agent.Workflow{wf(a), wf(b)}, Together: Concurrent{Wall: wall, Workflows: []agent.Workflow{wf(a), wf(b)}}}
	}
	var m Metrics
	m.Add(mk(time.Second, time.Second, time.Second, 100))     // legacy speedup 2: not contended
	m.Add(mk(time.Second, time.Second/4, time.Second, 100))   // 1.25: contended
	m.Add(mk(time.Second, time.Second, 2*time.Second, 100))   // 1.0: contended
	m.Add(mk(time.Second, 3*time.Second/4, time.Second, 100)) // 1.75: not contended
	got := m.Values()
	if got["contention-%"] != 50 {
		t.Errorf("contention-%% = %v, want 50 (2 of 4 runs below 1.5)", got["contention-%"])
	}
	if want := (200.0 + 200 + 100 + 200) / 4; got["agg-tok/s"] != want {
		t.Errorf("agg-tok/s = %v, want %v", got["agg-tok/s"], want)
	}
}

// A Metrics with nothing added reports nothing, rather than zeros.
func TestEmptyMetricsReportNothing(t *testing.T) {
	var m Metrics
	m.Add(Sample{})
	if v := m.Values(); len(v) != 0 {
		t.Errorf("Values of no samples = %v, want none", v)
	}
}

// smallCorpus is three files of the default corpus, one of each kind, so
// that the fakes' exact timing is not diluted by reading 101 files.
func smallCorpus(tb testing.TB) string {
	tb.Helper()
	src := tb.TempDir()
	if err := agent.WriteDefaultCorpus(src); err != nil {
		tb.Fatal(err)
	}
	dst := tb.TempDir()
	for _, p := range []string{
		"reports/gemma3/gemma3_1b-it-qat_baseline_00.csv",
		"reports/ascii/ascii_bench_01.json",
		"reports/compilation/notes_00.md",
	} {
		data, err := os.ReadFile(filepath.Join(src, p))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(p)), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}
