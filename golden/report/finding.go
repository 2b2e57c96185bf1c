package report

import (
	"fmt"

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
