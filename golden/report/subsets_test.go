package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden"
)

// TestScenarioSubsetsAndConcurrency checks the per-scenario subsets (sorted,
// the total last, selecting exactly their runs) and the calls decoding at
// once (agg-tok/s ÷ tok/s, a run without tok/s skipped).
func TestScenarioSubsetsAndConcurrency(t *testing.T) {
	s, err := golden.Read(strings.NewReader(
		"BenchmarkTR/scenario=y/test=T1 1 40 a-ns 40 b-ns 40 wall-ns 150 agg-tok/s 100 tok/s\n"+
			"BenchmarkTR/scenario=x/test=T2 1 30 a-ns 10 b-ns 30 wall-ns 50 agg-tok/s 100 tok/s\n"+
			"BenchmarkTR/scenario=x/test=T3 1 30 a-ns 10 b-ns 30 wall-ns 50 agg-tok/s\n"), "runs")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]float64
	var names []string
	for _, sub := range ScenarioSubsets(s) {
		names = append(names, sub.Name)
		got = append(got, StudyRuns(s, sub.Where...).Concurrency())
	}
	if diff := cmp.Diff([]string{"x", "y", "all"}, names); diff != "" {
		t.Errorf("subsets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]float64{{0.5}, {1.5}, {1.5, 0.5}}, got); diff != "" {
		t.Errorf("concurrency per subset (-want +got):\n%s", diff)
	}
}
