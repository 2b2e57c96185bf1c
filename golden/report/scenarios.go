package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
)

// BalanceGapNote is the sentence that bounds, over rs, how far the legacy
// efficiency is from the balance bound (they agree when the agents start
// together): "Legacy efficiency and balance bound differ by at most …".
func BalanceGapNote(rs Runs) string {
	var gap float64
	for _, r := range rs {
		gap = math.Max(gap, math.Abs(r.Legacy.EfficiencyPct-r.Balance))
	}
	return fmt.Sprintf("\nLegacy efficiency and balance bound differ by at most %s percentage points in any run.\n\n", F(gap, 3))
}

// ScenarioEfficiency is a multi-agent baseline's runs (StudyRuns of s
// matching where) by scenario, in sorted order, then all of them: a table
// of the runs, their legacy efficiency and balance bound (mean [95 % CI]),
// the contended runs, the overhead (wall − slowest agent, ms) and both
// agents' agg-tok/s; and a chart of the efficiency and the balance bound
// per scenario, titled title, as dots on a fitted axis (scenarios differ
// by a point or two, which bars from an offset would make look like a
// factor), with BoundNote's warning where a whisker passes 100 %.
func ScenarioEfficiency(s *golden.Set, title string, where ...string) (Table, Chart) {
	t := Table{
		Header: []string{"scenario", "runs", "legacy eff-%, mean [95 % CI]", "balance bound %", "contended", "overhead ms (wall − max t_i)", "agg-tok/s (both agents)"},
		Align:  "lrrrrrr",
	}
	eff := Chart{Title: title, YLabel: "%", Kind: Dots}
	var legacyDots, balanceDots []Estimate
	scenarios := s.KeyValues("scenario", where...)
	slices.Sort(scenarios)
	for _, sc := range append(scenarios, "all") {
		w := where
		if sc != "all" {
			w = append(slices.Clone(where), "scenario="+sc)
		}
		rs := StudyRuns(s, w...)
		var over []float64
		for _, v := range rs.Values("overhead-ns") {
			over = append(over, v/1e6)
		}
		t.Rows = append(t.Rows, []string{sc, fmt.Sprint(len(rs)), MeanCI(rs.Eff(), 2, "eff-%"), MeanCI(rs.Balance(), 2, "balance-%"),
			fmt.Sprint(rs.Contended()), MeanCI(over, 1, "overhead-ns"), MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s")})
		eff.Categories = append(eff.Categories, sc)
		legacyDots = append(legacyDots, MeanEstimate(rs.Eff()))
		balanceDots = append(balanceDots, MeanEstimate(rs.Balance()))
	}
	eff.Series = []Series{{Name: "legacy efficiency (eff-%)", Estimates: legacyDots}, {Name: "balance bound", Estimates: balanceDots}}
	// Efficiency and the balance bound cannot pass 100 %: say so where a
	// whisker does.
	eff.Title = strings.TrimSuffix(eff.Title, ")") + BoundNote("eff-%", eff.Series) + ")"
	return t, eff
}
