package report

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// A Finding is a published statement that is not a number (a rule, where
// a run lies) set against what the data say, for the rows of PUBLISHED.md
// a Claim cannot hold.
type Finding struct {
	What       string // the statement, in words
	Row        int    // its row in the data pack's PUBLISHED.md
	Published  string // as the report states it
	Recomputed string // what the baseline shows
	Follows    bool   // whether the published statement follows from the data
	Note       string
}

// Cells renders f as a row of ClaimsTable, so that findings and claims of a
// report share one table.
func (f Finding) Cells() []string {
	match := "yes"
	if !f.Follows {
		match = "**NO**"
	}
	return []string{f.What, fmt.Sprintf("%s (PUBLISHED.md #%d)", f.Published, f.Row), f.Recomputed, match, "", f.Note}
}

// AssertFindings fails tb for every finding that does not follow from the
// data unless its row is in no (the rows PUBLISHED.md marks NO), and for
// every finding in no that does follow; a row in no that no finding cites
// fails too.
func AssertFindings(tb testing.TB, findings []Finding, no ...int) {
	tb.Helper()
	for _, row := range no {
		if !slices.ContainsFunc(findings, func(f Finding) bool { return f.Row == row }) {
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

// MarkedNO returns the rows of findings that PUBLISHED.md marks NO, the
// rows AssertFindings expects not to follow, so that no NO mark is typed
// into a report.
func MarkedNO(pub studydata.Published, findings []Finding) []int {
	var no []int
	for _, f := range findings {
		if r, ok := pub[f.Row]; ok && r.Match == "NO" {
			no = append(no, f.Row)
		}
	}
	return no
}
