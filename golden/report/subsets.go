package report

import (
	"slices"

	"github.com/chimeraforge/chimeraforge/golden"
)

// A Subset is a named part of a set's runs: the filters (golden.Set.Rows's
// where) that select them, none for the whole set.
type Subset struct {
	Name  string
	Where []string
}

// ScenarioSubsets is each scenario of s (its scenario= key), sorted, then
// "all": the rows a report's per-scenario table and chart show, with the
// total last.
func ScenarioSubsets(s *golden.Set) []Subset {
	scenarios := s.KeyValues("scenario")
	slices.Sort(scenarios)
	var subs []Subset
	for _, sc := range scenarios {
		subs = append(subs, Subset{Name: sc, Where: []string{"scenario=" + sc}})
	}
	return append(subs, Subset{Name: "all"})
}
