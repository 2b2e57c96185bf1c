package golden

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// WriteText writes the report as text in benchstat's layout: one table
// per unit, a row per benchmark with base and head medians ± their
// confidence interval, the change with its p-value and sample sizes, and
// the gate's verdict spelled out.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "base: %s\nhead: %s\n", r.Base, r.Head)
	fmt.Fprintf(&b, "alpha %v, confidence %v, tolerance %s", r.Alpha, r.Confidence, pct(r.Tolerance))
	for _, u := range slices.Sorted(maps.Keys(r.UnitTolerance)) {
		fmt.Fprintf(&b, ", %s %s", u, pct(r.UnitTolerance[u]))
	}
	b.WriteString("\n")
	if len(r.Ignored) > 0 {
		fmt.Fprintf(&b, "identifying config not compared (ignored): %s\n", strings.Join(r.Ignored, ", "))
	}
	if len(r.IgnoredNameKeys) > 0 {
		fmt.Fprintf(&b, "name keys ignored: %s\n", strings.Join(r.IgnoredNameKeys, ", "))
	}
	if len(r.Config) > 0 {
		b.WriteString("identifying config differs (comparison allowed anyway):\n")
		for _, d := range r.Config {
			fmt.Fprintf(&b, "\t%s\n", d)
		}
	}

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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", direction(u, cs[0].Better), "base", "head", "vs base", "verdict")
		var centers []float64
		for _, c := range cs {
			centers = append(centers, c.Base.Center, c.Head.Center)
		}
		sc := benchunit.CommonScale(centers, benchunit.ClassOf(u))
		for _, c := range cs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, summary(sc, c.Base, c.NBase), summary(sc, c.Head, c.NHead), change(c), verdictText(c, r.Alpha))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func direction(unit string, better int) string {
	switch better {
	case 1:
		return unit + " (higher is better)"
	case -1:
		return unit + " (lower is better)"
	}
	return unit + " (direction unknown)"
}

func summary(sc benchunit.Scaler, s benchmath.Summary, n int) string {
	if n == 0 {
		return "-"
	}
	return sc.Format(s.Center) + " ± " + s.PctRangeString()
}

// change is benchstat's "vs base" cell.
func change(c Comparison) string {
	switch c.Verdict {
	case OnlyBase, OnlyHead:
		return ""
	case TooFew:
		return fmt.Sprintf("? (n=%d+%d)", c.NBase, c.NHead)
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
	case Changed:
		return "changed; not judged (declare Unit " + c.Unit + " better=higher|lower)"
	case TooFew:
		return fmt.Sprintf("too few samples to decide (need ≥ %d per side for alpha %v)", c.Need, alpha)
	}
	return c.Verdict.String()
}
