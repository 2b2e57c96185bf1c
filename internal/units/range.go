package units

import (
	"math"
	"slices"
)

// shares are the units that measure a part of a whole in percent, so can
// never exceed 100. (true-eff-% can: a corrected speedup above N is
// possible; roofline-% rests on an estimated bandwidth.)
var shares = []string{"eff-%", "contention-%", "balance-%", "gpu-util-%"}

// PhysicalRange returns the values the quantity a registered unit measures
// can take at all, whatever the samples say: every unit here counts, times,
// rates, sizes or prices something, so none is below 0, and a share of a
// whole (eff-%, balance-%, contention-%, gpu-util-%) is at most 100. A
// report uses it to say when an interval from few samples reaches past what
// can exist. ok is false for a unit that is not registered.
func PhysicalRange(name string) (lo, hi float64, ok bool) {
	u, ok := Lookup(name)
	if !ok {
		return math.Inf(-1), math.Inf(1), false
	}
	if slices.Contains(shares, u.Name) {
		return 0, 100, true
	}
	return 0, math.Inf(1), true
}
