package multiagenttest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
)

// errorsTB records the errors a helper reports instead of failing the test.
type errorsTB struct {
	testing.TB
	errors []string
}

func (r *errorsTB) Helper() {}
func (r *errorsTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestSubBenchmarks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		leaves     []string
		want       []string
		wantErrors []string
	}{
		{"named under the first benchmark, sorted", []string{"test=T2", "test=T1"}, []string{"X/test=T1", "X/test=T2"}, nil},
		{"a name two leaves share, once, and an error", []string{"test=T1", "test=T1"}, []string{"X/test=T1"}, []string{"duplicate sub-benchmark X/test=T1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := harness.Report[string]{
				Spec:     report.Spec{Benchmarks: []string{"X", "Y"}},
				Leaves:   func(context.Context, *harness.Env) ([]string, error) { return tc.leaves, nil },
				LeafName: func(l string) string { return l },
			}
			tb := &errorsTB{TB: t}
			got := multiagenttest.SubBenchmarks(tb, r, nil)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantErrors, tb.errors); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

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
			if diff := cmp.Diff(tc.want, multiagenttest.BaselineNames(t, b)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
