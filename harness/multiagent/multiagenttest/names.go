package multiagenttest

import (
	"slices"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
)

// What lines a report's runs up with its study baseline in benchstat: the
// names of its sub-benchmarks and of the baseline's runs, which a report's
// test relates as the report names them (the same, or with a segment of
// its own).

// SubBenchmarks is the names of r's sub-benchmarks on env as benchstat and
// a baseline name them, r.Benchmarks[0] + "/" + r.LeafName(leaf), sorted as
// BaselineNames are. A name that two leaves share stands twice, so that a
// comparison with the baseline's names, each once, shows it: benchstat
// would pool the two leaves' results.
func SubBenchmarks[L any](tb testing.TB, r harness.Report[L], env *harness.Env) []string {
	tb.Helper()
	leaves, err := r.Leaves(tb.Context(), env)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, l := range leaves {
		names = append(names, r.Benchmarks[0]+"/"+r.LeafName(l))
	}
	slices.Sort(names)
	return names
}

// BaselineNames is the names of b's runs ("TR110/scenario=…"), each once,
// sorted.
func BaselineNames(tb testing.TB, b report.Baseline) []string {
	tb.Helper()
	s, err := b.Set()
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, r := range s.Rows() {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
