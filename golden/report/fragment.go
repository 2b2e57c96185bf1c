package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// A Table is a markdown table of a report fragment.
type Table struct {
	Header []string
	// Align has one byte per column, 'l' or 'r'; a missing byte means 'l'.
	Align string
	Rows  [][]string
}

// Markdown renders the table as GitHub-flavoured markdown. Pipes in cells
// are escaped.
func (t Table) Markdown() string {
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for i := range t.Header {
			c := ""
			if i < len(cells) {
				c = strings.ReplaceAll(cells[i], "|", `\|`)
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		if i < len(t.Align) && t.Align[i] == 'r' {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	return b.String()
}

// F formats v with d decimals, "n/a" for NaN (a quantity the data cannot
// give).
func F(v float64, d int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// Upto formats v with at most d decimals and no trailing zeros, so that a
// value the data hold with fewer digits is printed with those (a nominal
// 7600 M parameters stays "7600", an exact 102,714 reads "0.103" M); "n/a"
// for NaN.
func Upto(v float64, d int) string {
	s := F(v, d)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// A Claim puts a published headline number next to the same quantity
// recomputed from a committed baseline and, where Chimeraforge defines it
// differently, our own figure. A report fills in What, Row (and Part),
// Unit, Recomputed, Ours, Note and Reason; Cite reads the rest from
// PUBLISHED.md, so that no published number is typed into a report.
type Claim struct {
	What string // the quantity, in words
	Row  int    // its row in the data pack's PUBLISHED.md
	// Part is which number of the row's published cell the claim is (from
	// 0): "1.598x / 79.9% / 3/5" holds four.
	Part       int
	Published  float64 // as printed in the report (Cite)
	Decimals   int     // decimals the report printed (Cite)
	Unit       string  // "tok/s", "%", "ms"
	Recomputed float64 // from the .bench data, same formula as the study
	// N is the number of samples Recomputed summarises (runs, calls,
	// requests), shown beside it; 0 for a single measurement or a count.
	N    int
	Ours string // our definition's figure, formatted, or ""
	Note string // what the number really measures
	// Reason says, from the data, why a published value that does not
	// follow from them does not ("above all 5 runs (highest 98.72)");
	// ClaimsTable adds it to the note of such a row. nil: Note says it.
	Reason func(published float64) string
	// PackMatch and PackRecomputed are PUBLISHED.md's verdict on the row
	// ("yes", "NO", "n/a") and the number its script recomputed at Part
	// (NaN if none) (Cite).
	PackMatch      string
	PackRecomputed float64
	// CiteErr says why Cite could not read the published number (then
	// Published is NaN).
	CiteErr string
}

// Cite returns claims with Published, Decimals, PackMatch and
// PackRecomputed read from their rows of PUBLISHED.md. A row or number pub
// lacks leaves Published NaN ("n/a" in a fragment) and CiteErr set, which
// AssertClaims reports.
func Cite(pub studydata.Published, claims []Claim) []Claim {
	out := slices.Clone(claims)
	for i := range out {
		c := &out[i]
		n, err := pub.Number(c.Row, c.Part)
		if err != nil {
			c.Published, c.Decimals, c.CiteErr = math.NaN(), 0, err.Error()
			continue
		}
		c.Published, c.Decimals = n.Value, n.Decimals
		c.PackMatch = pub[c.Row].Match
		c.PackRecomputed = math.NaN()
		if r, err := pub.RecomputedNumber(c.Row, c.Part); err == nil {
			c.PackRecomputed = r.Value
		}
	}
	return out
}

// A Match says whether a published number follows from the data.
type Match int

const (
	Rounds    Match = iota // the recomputed value rounds to the published one
	Truncates              // it truncates to it (the report cut digits off)
	Differs                // the published number does not follow from the data
)

// Match compares Recomputed with Published at the published precision.
func (c Claim) Match() Match {
	p := F(c.Published, c.Decimals)
	if F(c.Recomputed, c.Decimals) == p {
		return Rounds
	}
	scale := math.Pow(10, float64(c.Decimals))
	if F(math.Trunc(c.Recomputed*scale)/scale, c.Decimals) == p {
		return Truncates
	}
	return Differs
}

// recomputed formats a recomputed value with one decimal more than the
// published one, so that a reader sees how it rounds; a count (published
// without decimals, recomputed whole) stays whole.
func recomputed(v float64, decimals int) string {
	if decimals == 0 && v == math.Trunc(v) {
		return F(v, 0)
	}
	return F(v, decimals+1)
}

// sampleCount is " (n = 5)" for n samples, "" for none.
func sampleCount(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (n = %d)", n)
}

// ClaimsTable renders claims as a table: published, recomputed, whether the
// published number follows from the data, ours, and the note.
func ClaimsTable(claims []Claim) Table {
	t := Table{
		Header: []string{"quantity", "published", "recomputed from baseline.bench", "follows from the data?", "Chimeraforge", "note"},
		Align:  "lrrlrl",
	}
	for _, c := range claims {
		unit := ""
		if c.Unit != "" {
			unit = " " + c.Unit
		}
		var match string
		switch c.Match() {
		case Rounds:
			match = "yes"
		case Truncates:
			match = fmt.Sprintf("yes, truncated (rounds to %s)", F(c.Recomputed, c.Decimals))
		default:
			match = "**NO**"
		}
		note := c.Note
		if c.Match() == Differs && c.Reason != nil {
			note = strings.TrimPrefix(note+"; "+c.Reason(c.Published), "; ")
		}
		t.Rows = append(t.Rows, []string{
			c.What,
			fmt.Sprintf("%s%s (PUBLISHED.md #%d)", F(c.Published, c.Decimals), unit, c.Row),
			recomputed(c.Recomputed, c.Decimals) + unit + sampleCount(c.N),
			match,
			c.Ours,
			note,
		})
	}
	return t
}

// ByRow returns the claim of cs that cites PUBLISHED.md row n (a zero
// claim with a NaN published value if none does), for prose that quotes a
// cited number.
func ByRow(cs []Claim, n int) Claim {
	for _, c := range cs {
		if c.Row == n {
			return c
		}
	}
	return Claim{Row: n, Published: math.NaN(), Recomputed: math.NaN()}
}
