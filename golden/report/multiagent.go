package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
)

// StudyRender is the Render of a report that reads one study set: f of
// the input (its Runs too, where the report shows a run of ours) and the
// study set called name, or the error that the input lacks it.
func StudyRender(name string, f func(Input, *golden.Set) Fragment) func(Input) (Fragment, error) {
	return func(in Input) (Fragment, error) {
		s, err := in.Set(name)
		if err != nil {
			return Fragment{}, err
		}
		return f(in, s), nil
	}
}

// StudyClaims is the Claims of a report whose published rows are
// recomputed from one study set: f of the input and its study set name.
func StudyClaims(name string, f func(Input, *golden.Set) Claims) func(Input) (Claims, error) {
	return func(in Input) (Claims, error) {
		s, err := in.Set(name)
		if err != nil {
			return Claims{}, err
		}
		return f(in, s), nil
	}
}

// Concurrency is each run's Σ decode time / wall, agg-tok/s ÷ tok/s: the
// mean number of calls decoding at once. Runs without tok/s are left out.
func (rs Runs) Concurrency() []float64 {
	var xs []float64
	for _, r := range rs {
		if rate, ok := r.Values["tok/s"]; ok {
			xs = append(xs, r.Values["agg-tok/s"]/rate)
		}
	}
	return xs
}

// ByScenario is the multi-agent fragments' summary of a study's runs, by
// scenario (sorted) and over all: as markdown, a sentence on the largest
// gap between legacy efficiency and balance bound in any run, then a
// table of each group's runs, legacy efficiency, balance bound, contended
// runs, overhead (wall − max t_i) and agg-tok/s; and, for EfficiencyChart,
// a chart of the legacy efficiency and balance bound per group titled
// title.
func ByScenario(all Runs, title string) (string, Chart) {
	var b strings.Builder
	var maxGap float64
	for _, r := range all {
		maxGap = math.Max(maxGap, math.Abs(r.Legacy.EfficiencyPct-r.Balance))
	}
	fmt.Fprintf(&b, "\nLegacy efficiency and balance bound differ by at most %s percentage points in any run.\n\n", F(maxGap, 3))
	t := Table{
		Header: []string{"scenario", "runs", "legacy eff-%, mean [95 % CI]", "balance bound %", "contended", "overhead ms (wall − max t_i)", "agg-tok/s (both agents)"},
		Align:  "lrrrrrr",
	}
	eff := Chart{Title: title}
	var legacyDots, balanceDots []Estimate
	var scenarios []string
	for _, r := range all {
		if sc := r.Keys["scenario"]; !slices.Contains(scenarios, sc) {
			scenarios = append(scenarios, sc)
		}
	}
	slices.Sort(scenarios)
	for _, sc := range append(scenarios, "all") {
		rs := all
		if sc != "all" {
			rs = slices.DeleteFunc(slices.Clone(all), func(r Run) bool { return r.Keys["scenario"] != sc })
		}
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
	b.WriteString(t.Markdown())
	return b.String(), eff
}
