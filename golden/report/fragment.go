package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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
// differently, our own figure.
type Claim struct {
	What       string  // the quantity, in words
	Row        int     // its row in the data pack's PUBLISHED.md
	Published  float64 // as printed in the report
	Decimals   int     // decimals the report printed
	Unit       string  // "tok/s", "%", "ms"
	Recomputed float64 // from the .bench data, same formula as the study
	Ours       string  // our definition's figure, formatted, or ""
	Note       string  // why they differ, what the number really measures
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
		t.Rows = append(t.Rows, []string{
			c.What,
			fmt.Sprintf("%s%s (PUBLISHED.md #%d)", F(c.Published, c.Decimals), unit, c.Row),
			recomputed(c.Recomputed, c.Decimals) + unit,
			match,
			c.Ours,
			c.Note,
		})
	}
	return t
}
