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

// ByScenario is each scenario of s (its scenario= key), sorted, then
// "all": the rows a report's per-scenario table and chart show, with the
// total last.
func ByScenario(s *golden.Set) []Subset {
	scenarios := s.KeyValues("scenario")
	slices.Sort(scenarios)
	var subs []Subset
	for _, sc := range scenarios {
		subs = append(subs, Subset{Name: sc, Where: []string{"scenario=" + sc}})
	}
	return append(subs, Subset{Name: "all"})
}

// Concurrency returns each run's Σ decode time / wall, agg-tok/s ÷ tok/s:
// the mean number of calls decoding at once, skipping runs without tok/s.
func (rs Runs) Concurrency() []float64 {
	var xs []float64
	for _, r := range rs {
		if rate, ok := r.Values["tok/s"]; ok {
			xs = append(xs, r.Values["agg-tok/s"]/rate)
		}
	}
	return xs
}
