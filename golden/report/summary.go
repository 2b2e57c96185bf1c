package report

import (
	"fmt"
	"math"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// MinIntervalN is the fewest samples a fragment gives an interval from: a
// t-interval from two samples spans ±12.7 standard deviations and says
// nothing a reader can use.
const MinIntervalN = 3

// MeanCI formats the mean of xs with d decimals and its 95 % t-interval:
// "113.90 [113.52, 114.29]". unit is the registered unit the samples were
// measured in (internal/units), whose physical range bounds the quantity
// whatever scale xs are in (ns or ms, both are at least 0). Fewer than
// MinIntervalN samples give the mean and n, no interval:
// "73.0 (n = 2: no interval)". An interval that reaches past what the
// unit can measure (below 0; above 100 for a share) is printed with that
// said: "0.16 [-0.24, 0.56] (n = 4: too few samples for their spread, the
// interval passes 0)". The tables that hold it give n in a column of their
// own.
func MeanCI(xs []float64, d int, unit string) string {
	return WithInterval(stats.Mean(xs), stats.TInterval(xs, 0.95), len(xs), d, unit)
}

// WithInterval formats an estimate v from n samples in unit with d
// decimals and its interval iv, by MeanCI's rules: no interval from fewer
// than MinIntervalN samples, and one that passes the unit's physical bound
// says so. v and iv may be in any multiple of unit (ms for "e2e-ns").
func WithInterval(v float64, iv stats.Interval, n, d int, unit string) string {
	m := F(v, d)
	if n < MinIntervalN {
		return fmt.Sprintf("%s (n = %d: no interval)", m, n)
	}
	s := m + " [" + F(iv.Lo, d) + ", " + F(iv.Hi, d) + "]"
	if bound, ok := passes(iv, unit); ok {
		s += fmt.Sprintf(" (n = %d: too few samples for their spread, the interval passes %s)", n, bound)
	}
	return s
}

// passes returns the physical bound of unit that iv reaches past,
// formatted, and whether there is one.
func passes(iv stats.Interval, unit string) (string, bool) {
	lo, hi, ok := units.PhysicalRange(unit)
	if !ok {
		panic(fmt.Sprintf("report: unit %q is not registered in internal/units", unit))
	}
	switch {
	case iv.Lo < lo:
		return F(lo, 0), true
	case iv.Hi > hi:
		return F(hi, 0) + " %", true // only shares have an upper bound
	}
	return "", false
}

// MeanEstimate is the mean of xs with its 95 % t-interval, as a chart
// estimate; from fewer than MinIntervalN samples it has no interval.
func MeanEstimate(xs []float64) Estimate {
	if len(xs) < MinIntervalN {
		return Estimate{Value: stats.Mean(xs), Lo: math.NaN(), Hi: math.NaN()}
	}
	iv := stats.TInterval(xs, 0.95)
	return Estimate{Value: stats.Mean(xs), Lo: iv.Lo, Hi: iv.Hi}
}

// BoundNote is what a chart's title adds when some of its intervals pass
// the physical bound of unit, the registered unit its estimates are in:
// "; 4 whiskers pass 100 %: too few samples for their spread". It is ""
// when none does.
func BoundNote(unit string, series []Series) string {
	var n int
	bound := ""
	for _, s := range series {
		for _, e := range s.Estimates {
			if b, ok := passes(stats.Interval{Lo: e.Lo, Hi: e.Hi}, unit); ok {
				n, bound = n+1, b
			}
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return "; 1 whisker passes " + bound + ": too few samples for its spread"
	}
	return fmt.Sprintf("; %d whiskers pass %s: too few samples for their spread", n, bound)
}
