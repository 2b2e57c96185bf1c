package golden

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// WriteText writes the whole report in benchstat's layout: one table per
// unit, a row per benchmark with base and head medians ± their confidence
// interval, the change with its p-value and sample sizes, and the gate's
// verdict spelled out; then how many metrics got each verdict.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	r.writeHeader(&b)
	var units []string
	byUnit := map[string][]Comparison{}
	for _, c := range r.Comparisons {
		if _, ok := byUnit[c.Unit]; !ok {
			units = append(units, c.Unit)
		}
		byUnit[c.Unit] = append(byUnit[c.Unit], c)
	}
	for _, u := range units {
		cs := byUnit[u]
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", direction(cs[0].OrigUnit, cs[0].Better), "base", "head", "vs base", "verdict")
		for _, c := range cs {
			base, head := values(c)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, base, head, change(c), verdictText(c, r.Alpha))
		}
		tw.Flush()
	}
	b.WriteString(noCINote(r.Comparisons))
	b.WriteString("\n" + r.counts() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSummary writes what the log of a gate needs: the header; a table of
// the metrics that fail the gate or keep it from deciding (regressed,
// missing from head, too few samples), one row each with the benchmark,
// unit, base and head median ± confidence interval, change, p-value,
// sample sizes and verdict; and how many metrics got each verdict. When
// the gate passes there is no table.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	r.writeHeader(&b)
	var rows []Comparison
	for _, v := range []Verdict{Regressed, OnlyBase, TooFew} {
		for _, c := range r.Comparisons {
			if c.Verdict == v {
				rows = append(rows, c)
			}
		}
	}
	if len(rows) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
		fmt.Fprint(tw, "benchmark\tunit\tbase\thead\tchange\tp\tn\tverdict\n")
		for _, c := range rows {
			base, head := values(c)
			var chg, p string
			switch c.Verdict {
			case Regressed:
				chg = fmt.Sprintf("%+.2f%%", 100*c.Delta)
				p = pValue(c)
			case TooFew:
				chg = "?"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d+%d\t%s\n", c.Name, c.OrigUnit, base, head, chg, p, c.NBase, c.NHead, verdictText(c, r.Alpha))
		}
		tw.Flush()
		b.WriteString(noCINote(rows))
	}
	b.WriteString("\n" + r.counts() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader writes what was compared and how.
func (r *Report) writeHeader(b *strings.Builder) {
	fmt.Fprintf(b, "base: %s\nhead: %s\n", r.Base, r.Head)
	fmt.Fprintf(b, "alpha %v, confidence %v, tolerance %s", r.Alpha, r.Confidence, pct(r.Tolerance))
	for _, u := range slices.Sorted(maps.Keys(r.UnitTolerance)) {
		fmt.Fprintf(b, ", %s %s", u, pct(r.UnitTolerance[u]))
	}
	b.WriteString("\n")
	if len(r.Ignored) > 0 {
		fmt.Fprintf(b, "identifying config not compared (ignored): %s\n", strings.Join(r.Ignored, ", "))
	}
	if len(r.IgnoredNameKeys) > 0 {
		fmt.Fprintf(b, "name keys ignored: %s\n", strings.Join(r.IgnoredNameKeys, ", "))
	}
	if len(r.IgnoredUnits) > 0 {
		fmt.Fprintf(b, "units ignored (not compared, may be missing from head): %s\n", strings.Join(r.IgnoredUnits, ", "))
	}
	if len(r.Config) > 0 {
		b.WriteString("identifying config differs (comparison allowed anyway):\n")
		for _, d := range r.Config {
			fmt.Fprintf(b, "\t%s\n", d)
		}
	}
}

// counts says how many metrics got each verdict, the failing ones first:
// "5 metrics: 1 regressed beyond tolerance, 3 unchanged, 1 only in head".
func (r *Report) counts() string {
	n := map[Verdict]int{}
	for _, c := range r.Comparisons {
		n[c.Verdict]++
	}
	parts := []string{}
	for _, v := range []Verdict{Regressed, OnlyBase, TooFew, Worse, Improved, Unchanged, NotJudged, OnlyHead} {
		if n[v] == 0 {
			continue
		}
		name := v.String()
		switch v {
		case Regressed:
			name = "regressed beyond tolerance"
		case Worse:
			name = "worse within tolerance"
		case TooFew:
			name = "undecided (too few samples)"
		case NotJudged:
			name = "descriptive, not judged"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n[v], name))
	}
	metrics := "metrics"
	if len(r.Comparisons) == 1 {
		metrics = "metric"
	}
	return fmt.Sprintf("%d %s: %s", len(r.Comparisons), metrics, strings.Join(parts, ", "))
}

func direction(unit string, better int) string {
	switch better {
	case 1:
		return unit + " (higher is better)"
	case -1:
		return unit + " (lower is better)"
	}
	return unit + " (descriptive, not judged)"
}

// values formats the base and head medians of c ± their confidence
// intervals on one benchunit scale, with the unit's symbol: 3.079 s ± 1%,
// not 3078.9m; "-" for a side without values.
func values(c Comparison) (base, head string) {
	var centers []float64
	if c.NBase > 0 {
		centers = append(centers, c.Base.Center)
	}
	if c.NHead > 0 {
		centers = append(centers, c.Head.Center)
	}
	sc := benchunit.CommonScale(centers, benchunit.ClassOf(c.Unit))
	sym := symbol(c.Unit)
	return summary(sc, sym, c.Base, c.NBase), summary(sc, sym, c.Head, c.NHead)
}

func summary(sc benchunit.Scaler, sym string, s benchmath.Summary, n int) string {
	if n == 0 {
		return "-"
	}
	v := strings.TrimSpace(strconv.FormatFloat(s.Center/sc.Factor, 'f', sc.Prec, 64) + " " + sc.Prefix + sym)
	if noCI(s) {
		return v + ", no CI"
	}
	return v + " ± " + pctRange(s)
}

// noCI says whether s has no finite confidence interval: benchmath gives
// ±Inf bounds, and a warning, to a sample too small for the confidence
// level, which would print as "± ∞".
func noCI(s benchmath.Summary) bool {
	return math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0)
}

// noCINote is the line under a table some of whose medians of cs have no
// CI: benchmath's reason (its warnings, each once) and the way to one;
// "" when every shown median has one.
func noCINote(cs []Comparison) string {
	var why []string
	for _, c := range cs {
		for _, side := range []struct {
			s benchmath.Summary
			n int
		}{{c.Base, c.NBase}, {c.Head, c.NHead}} {
			if side.n == 0 || !noCI(side.s) {
				continue
			}
			for _, w := range side.s.Warnings {
				if !slices.Contains(why, w.Error()) {
					why = append(why, w.Error())
				}
			}
			if len(side.s.Warnings) == 0 && !slices.Contains(why, "too few samples") {
				why = append(why, "too few samples")
			}
		}
	}
	if len(why) == 0 {
		return ""
	}
	return "\nno CI: " + strings.Join(why, "; ") + " (run each side with a larger -count)\n"
}

// pctRange is s's confidence interval as a percentage of its centre.
// benchmath divides by the signed centre, which prints a negative centre's
// interval as "± -0%" or "± -3%"; the mirrored summary has the same width.
func pctRange(s benchmath.Summary) string {
	if s.Center >= 0 {
		return s.PctRangeString()
	}
	return benchmath.Summary{Center: -s.Center, Lo: -s.Hi, Hi: -s.Lo}.PctRangeString()
}

// symbol is what follows a scaled value of a (tidied) unit: the quantity,
// without the per-op denominator and the metric's name: sec/op and
// ttft-sec → s, B/op and peak-rss-B → B, agg-tok/s → tok/s, eff-% → %.
func symbol(unit string) string {
	u := strings.TrimSuffix(unit, "/op")
	if i := strings.LastIndexByte(u, '-'); i >= 0 {
		u = u[i+1:]
	}
	if u == "sec" || strings.HasPrefix(u, "sec/") {
		u = "s" + u[len("sec"):]
	}
	return u
}

// pValue is the p column: the U test's p-value, or "exact" for units
// compared exactly.
func pValue(c Comparison) string {
	if c.Exact {
		return "exact"
	}
	return fmt.Sprintf("%.3f", c.P)
}

// change is benchstat's "vs base" cell.
func change(c Comparison) string {
	switch c.Verdict {
	case OnlyBase, OnlyHead:
		return ""
	case TooFew:
		return fmt.Sprintf("? (n=%d+%d)", c.NBase, c.NHead)
	case NotJudged:
		if c.P != c.P { // too few samples for the test
			return fmt.Sprintf("? (n=%d+%d)", c.NBase, c.NHead)
		}
	case Unchanged:
		if c.Exact {
			return "~"
		}
		return fmt.Sprintf("~ (p=%.3f n=%d+%d)", c.P, c.NBase, c.NHead)
	}
	if c.Exact {
		return fmt.Sprintf("%+.2f%%", 100*c.Delta)
	}
	return fmt.Sprintf("%+.2f%% (p=%.3f n=%d+%d)", 100*c.Delta, c.P, c.NBase, c.NHead)
}

func verdictText(c Comparison, alpha float64) string {
	switch c.Verdict {
	case Unchanged:
		return "ok"
	case Improved:
		return "improved"
	case Worse:
		return "worse, within " + pct(c.Tolerance) + " tolerance"
	case Regressed:
		return "REGRESSION beyond " + pct(c.Tolerance)
	case NotJudged:
		return "not judged (descriptive unit)"
	case TooFew:
		return fmt.Sprintf("too few samples to decide (need ≥ %d per side for alpha %v)", c.Need, alpha)
	case OnlyBase:
		return "MISSING from head"
	case OnlyHead:
		return "only in head, not judged"
	}
	return c.Verdict.String()
}
