package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// Place says where a published value v lies among the samples xs, which
// noun names ("runs"), with d decimals: "above all 5 runs (highest
// 103.38)", "below all 5 runs (lowest 61.70)" or "between the 40th
// (98.55) and 41st (98.61) lowest of 135 runs". It is the reason, read off
// the data, that a published extreme or median does not follow from them.
func Place(v float64, xs []float64, d int, noun string) string {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	k := 0 // samples below v
	for k < n && s[k] < v {
		k++
	}
	switch {
	case n == 0:
		return "no " + noun
	case k == n:
		return fmt.Sprintf("above all %d %s (highest %s)", n, noun, F(s[n-1], d))
	case k == 0:
		return fmt.Sprintf("below all %d %s (lowest %s)", n, noun, F(s[0], d))
	}
	return fmt.Sprintf("between the %s (%s) and %s (%s) lowest of %d %s", Ordinal(k), F(s[k-1], d), Ordinal(k+1), F(s[k], d), n, noun)
}

// MedianRank names the sample or samples whose value is the median of n:
// "the 68th" of 135, "the mean of the 2nd and 3rd" of 4.
func MedianRank(n int) string {
	if n%2 == 1 {
		return "the " + Ordinal((n+1)/2)
	}
	return "the mean of the " + Ordinal(n/2) + " and " + Ordinal(n/2+1)
}

// SDs gives both standard deviations of xs, which noun names, with d
// decimals: "sample SD (n − 1) 3.93, population SD (n) 3.92 of 135 runs",
// so that a published SD that follows from neither says so with the data.
func SDs(xs []float64, d int, noun string) string {
	n := float64(len(xs))
	sd := stats.SD(xs)
	return fmt.Sprintf("sample SD (n − 1) %s, population SD (n) %s of %d %s", F(sd, d), F(sd*math.Sqrt((n-1)/n), d), len(xs), noun)
}

// Ordinal spells k as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
func Ordinal(k int) string {
	suffix := "th"
	if k%100 < 11 || k%100 > 13 {
		switch k % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprint(k) + suffix
}
