package report

import (
	"math"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// A Run is one concurrent run of two agents in a multi-agent baseline
// (a line carrying a-ns, b-ns and wall-ns: tr110, tr113, tr114, tr115,
// tr116), with the study's figures recomputed from the times the study
// measured.
type Run struct {
	Name   string
	Keys   map[string]string
	Values map[string]float64 // by unit as written (a-ns in nanoseconds)
	// Legacy is stats.LegacyEfficiency of the agents' times inside the
	// run (a-ns, b-ns) and the run's wall time (wall-ns).
	Legacy stats.Legacy
	// Balance is stats.BalanceBoundPct of the same agent times.
	Balance float64
}

// Runs is a list of runs, in file order.
type Runs []Run

// StudyRuns returns the runs among the rows of s matching where (see
// golden.Set.Rows): the rows that carry a-ns, b-ns and wall-ns.
func StudyRuns(s *golden.Set, where ...string) Runs {
	var rs Runs
	for _, r := range s.Rows(where...) {
		a, okA := r.Values["a-ns"]
		b, okB := r.Values["b-ns"]
		wall, okW := r.Values["wall-ns"]
		if !okA || !okB || !okW {
			continue
		}
		in := []float64{a, b}
		rs = append(rs, Run{Name: r.Name, Keys: r.Keys, Values: r.Values,
			Legacy: stats.LegacyEfficiency(in, wall), Balance: stats.BalanceBoundPct(in)})
	}
	return rs
}

// Eff returns each run's recomputed legacy efficiency, in %.
func (rs Runs) Eff() []float64 {
	return rs.each(func(r Run) float64 { return r.Legacy.EfficiencyPct })
}

// Speedup returns each run's recomputed legacy speedup.
func (rs Runs) Speedup() []float64 {
	return rs.each(func(r Run) float64 { return r.Legacy.Speedup })
}

// Balance returns each run's balance bound, in %.
func (rs Runs) Balance() []float64 {
	return rs.each(func(r Run) float64 { return r.Balance })
}

// Values returns each run's value in unit, skipping runs without it.
func (rs Runs) Values(unit string) []float64 {
	var xs []float64
	for _, r := range rs {
		if v, ok := r.Values[unit]; ok {
			xs = append(xs, v)
		}
	}
	return xs
}

func (rs Runs) each(f func(Run) float64) []float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return xs
}

// Contended counts the runs the study's rule flags: legacy speedup < 1.5.
func (rs Runs) Contended() int {
	n := 0
	for _, r := range rs {
		if r.Legacy.Contended {
			n++
		}
	}
	return n
}

// Peak returns the run with the highest recomputed legacy efficiency, the
// first on ties; the zero Run (NaN efficiency) when rs is empty.
func (rs Runs) Peak() Run { return rs.extreme(func(a, b float64) bool { return a > b }) }

// Worst returns the run with the lowest recomputed legacy efficiency, the
// first on ties.
func (rs Runs) Worst() Run { return rs.extreme(func(a, b float64) bool { return a < b }) }

func (rs Runs) extreme(better func(a, b float64) bool) Run {
	if len(rs) == 0 {
		return Run{Legacy: stats.Legacy{Speedup: math.NaN(), EfficiencyPct: math.NaN()}, Balance: math.NaN()}
	}
	best := rs[0]
	for _, r := range rs[1:] {
		if better(r.Legacy.EfficiencyPct, best.Legacy.EfficiencyPct) {
			best = r
		}
	}
	return best
}
