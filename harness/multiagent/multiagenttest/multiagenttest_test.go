package multiagenttest

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Agent i of a test reaches fake i, through the instances' own clients and
// through a clone of Transport alike, and the fakes log what they served.
func TestEachInstanceReachesItsFake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:m", InterToken: time.Millisecond, Tokens: 4}
		f := New(t, Config{Models: []ollamatest.Model{m}, NumPredict: 4, NumParallel: []int{1, 2}})
		if len(f.Live.Instances) != 2 || len(f.Live.Models) != 1 || f.Live.Models[0].Tag != m.Name {
			t.Fatalf("Live has %d instances and models %+v; want 2 and %s", len(f.Live.Instances), f.Live.Models, m.Name)
		}
		own := []multiagent.Endpoint{{URL: f.Live.Instances[0].URL, Client: f.Live.Instances[0].Client}}
		u, err := url.Parse(f.Live.Instances[1].URL)
		if err != nil {
			t.Fatal(err)
		}
		clone := &http.Client{Transport: f.Transport.Clone()}
		own = append(own, multiagent.Endpoint{URL: u.String(), Client: measure.NewClient(u, clone)})
		tmpl := agent.Agent{Model: m.Name, Corpus: f.Live.Corpus, Trace: f.Live.Trace}
		if _, err := multiagent.Run(t.Context(), "1", multiagent.Test{Scenario: multiagent.ChimeraHomo}.Agents(tmpl, f.Live.Base, own)...); err != nil {
			t.Fatal(err)
		}
		for i, s := range f.Servers {
			var n int
			for _, r := range s.Requests() {
				if r.Path == "/api/generate" && r.Outcome == "done" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("fake %d served %d calls, want 2 (one agent's workflow)", i, n)
			}
		}
		if got := len(f.Prompted()); got != 4 {
			t.Errorf("Prompted() has %d calls, want 4", got)
		}
	})
}

// SubBenchmarks names every leaf under the report's first benchmark and
// keeps a name two leaves share twice, so that a comparison shows it.
func TestSubBenchmarks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		leaves []string
		want   []string
	}{
		{"named under the first benchmark, sorted", []string{"test=T2", "test=T1"}, []string{"X/test=T1", "X/test=T2"}},
		{"a name two leaves share stands twice", []string{"test=T1", "test=T2", "test=T1"}, []string{"X/test=T1", "X/test=T1", "X/test=T2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := harness.Report[string]{
				Spec:     report.Spec{Benchmarks: []string{"X", "Y"}},
				Leaves:   func(context.Context, *harness.Env) ([]string, error) { return tc.leaves, nil },
				LeafName: func(l string) string { return l },
			}
			if diff := cmp.Diff(tc.want, SubBenchmarks(t, r, nil)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// BaselineNames lists each run's name once, sorted, whatever the order
// and repeats of the runs.
func TestBaselineNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want []string
	}{
		{"each run's name once, sorted",
			"BenchmarkX/test=T2 1 5 tok/s\nBenchmarkX/test=T1 1 6 tok/s\nBenchmarkX/test=T2 1 7 tok/s\n",
			[]string{"X/test=T1", "X/test=T2"}},
		{"one run", "BenchmarkX/test=T1/instances=2 1 5 tok/s\n", []string{"X/test=T1/instances=2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := report.Baseline{Name: "x", Report: "x", File: "baseline.bench", Data: []byte(tc.data)}
			if diff := cmp.Diff(tc.want, BaselineNames(t, b)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
