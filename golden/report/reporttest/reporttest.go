// Package reporttest holds the assertions over golden/report's claims,
// findings and charts, and Check, a report's whole test of its declared
// Spec, apart from golden/report so that what renders a report links no
// testing.
package reporttest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/chartdraw"
	"gotest.tools/v3/golden"
)

// AssertClaims fails tb for every claim that is not marked as PUBLISHED.md
// marks it (see Cite): a published number must follow from the data where
// the pack says yes and must not where it says NO, and then the value
// recomputed here must read, at the published precision, as the pack's own
// recomputation. A claim Cite could not read fails, and so does a NO row
// whose note gives no reason.
func AssertClaims(tb testing.TB, claims []report.Claim) {
	tb.Helper()
	for _, c := range claims {
		switch {
		case c.CiteErr != "":
			tb.Errorf("%s: %s", c.What, c.CiteErr)
		case c.PackMatch == "yes" && c.Match() == report.Differs:
			tb.Errorf("%s: published %s (PUBLISHED.md #%d) does not follow from the data: recomputed %v",
				c.What, report.F(c.Published, c.Decimals), c.Row, c.Recomputed)
		case c.PackMatch == "NO" && c.Match() != report.Differs:
			tb.Errorf("%s: published %s (PUBLISHED.md #%d, marked NO) follows from the data: recomputed %v",
				c.What, report.F(c.Published, c.Decimals), c.Row, c.Recomputed)
		case c.PackMatch == "NO" && report.F(c.Recomputed, c.Decimals) != report.F(c.PackRecomputed, c.Decimals):
			tb.Errorf("%s: recomputed %s, the data pack recomputed %s (PUBLISHED.md #%d)",
				c.What, report.F(c.Recomputed, c.Decimals), report.F(c.PackRecomputed, c.Decimals), c.Row)
		case c.PackMatch != "yes" && c.PackMatch != "NO":
			tb.Errorf("%s: PUBLISHED.md #%d is marked %q: nothing to check it against", c.What, c.Row, c.PackMatch)
		}
		if c.PackMatch == "NO" && c.Match() == report.Differs && c.Note == "" && c.Reason == nil {
			tb.Errorf("%s (PUBLISHED.md #%d): does not follow from the data, and its note gives no reason", c.What, c.Row)
		}
	}
}

// AssertChart renders c to SVG twice, fails tb if the two renders differ
// or if chartdraw.Check finds text outside the canvas or over other text or marks,
// or a data area less than MinDataShare of the height, and compares
// the SVG with testdata/name (gotest.tools golden: -update rewrites it).
//
// With CHIMERA_CHART_PNG set to a directory, it also writes the chart
// there as a PNG (name without .svg or .golden, the package's directory
// name before it), for a person to look at.
func AssertChart(tb testing.TB, c report.Chart, name string) {
	tb.Helper()
	if err := chartdraw.Check(c); err != nil {
		tb.Errorf("chart %s: layout:\n%v", name, err)
	}
	if dir := os.Getenv("CHIMERA_CHART_PNG"); dir != "" {
		png, err := chartdraw.PNG(c, 96)
		if err != nil {
			tb.Fatal(err)
		}
		wd, _ := os.Getwd()
		file := filepath.Join(dir, filepath.Base(wd)+"-"+strings.TrimSuffix(strings.TrimSuffix(name, ".golden"), ".svg")+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			tb.Fatalf("chart %s: %v", name, err)
		}
	}
	svg, err := chartdraw.SVG(c)
	if err != nil {
		tb.Fatal(err)
	}
	again, err := chartdraw.SVG(c)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(svg, again) {
		tb.Fatalf("chart %s: two renders differ", name)
	}
	golden.Assert(tb, string(svg), name) // as text: a mismatch shows a line diff
}

// AssertFindings fails tb for every finding that does not follow from the
// data unless its row is in no (the rows PUBLISHED.md marks NO), and for
// every finding in no that does follow; a row in no that no finding cites
// fails too.
func AssertFindings(tb testing.TB, findings []report.Finding, no ...int) {
	tb.Helper()
	for _, row := range no {
		if !slices.ContainsFunc(findings, func(f report.Finding) bool { return f.Row == row }) {
			tb.Errorf("no finding cites PUBLISHED.md #%d", row)
		}
	}
	for _, f := range findings {
		if marked := slices.Contains(no, f.Row); f.Follows == marked {
			tb.Errorf("%s (PUBLISHED.md #%d): follows from the data = %v, PUBLISHED.md marks it %s; the data show: %s",
				f.What, f.Row, f.Follows, map[bool]string{true: "NO", false: "yes"}[marked], f.Recomputed)
		}
	}
}
