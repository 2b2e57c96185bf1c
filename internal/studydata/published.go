package studydata

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// A PublishedRow is one row of the data pack's PUBLISHED.md: a number or
// statement the study published, and what the pack's own script
// recomputed from the CSVs.
type PublishedRow struct {
	Row        int    // its "#" column
	Report     string // "TR114_v2"
	Claim      string // the claim and where it was published
	Published  string // as published: "98.281%", "12/19 (63%)", "$0.1279"
	Recomputed string // as the pack recomputed it, or "n/a"
	Match      string // "yes", "NO" or "n/a"
	Formula    string // the pack's CSV, filter and formula
	Note       string
}

// Follows reports whether PUBLISHED.md marks the published value as
// following from the data (Match "yes").
func (r PublishedRow) Follows() bool { return r.Match == "yes" }

// A Number is one number of a PUBLISHED.md cell, with the decimals it was
// printed with.
type Number struct {
	Value    float64
	Decimals int
}

// number matches a number as PUBLISHED.md prints them: an optional sign,
// digits with thousands commas, optional decimals ("+2.18", "87,996",
// "-0.506"). Prefixes such as "$", "~" and "<" and suffixes such as "%",
// "x", "k" or " ms" are left around it.
var number = regexp.MustCompile(`[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?`)

// Numbers returns the numbers of cell s in order: "1.598x / 79.9% / 3/5"
// gives 1.598, 79.9, 3 and 5.
func Numbers(s string) []Number {
	var ns []Number
	for _, m := range number.FindAllString(s, -1) {
		v, err := strconv.ParseFloat(strings.ReplaceAll(m, ",", ""), 64)
		if err != nil {
			continue // cannot happen: the pattern is a float's
		}
		d := 0
		if i := strings.IndexByte(m, '.'); i >= 0 {
			d = len(m) - i - 1
		}
		ns = append(ns, Number{v, d})
	}
	return ns
}

// Published is PUBLISHED.md's table, by row number.
type Published map[int]PublishedRow

// Number returns the i-th number (from 0) of row n's published cell, and
// an error naming the row when it has none.
func (p Published) Number(n, i int) (Number, error) {
	return p.cell(n, i, func(r PublishedRow) string { return r.Published })
}

// RecomputedNumber is Number of row n's recomputed cell: the value the
// pack's script got from the CSVs.
func (p Published) RecomputedNumber(n, i int) (Number, error) {
	return p.cell(n, i, func(r PublishedRow) string { return r.Recomputed })
}

func (p Published) cell(n, i int, col func(PublishedRow) string) (Number, error) {
	r, ok := p[n]
	if !ok {
		return Number{}, fmt.Errorf("PUBLISHED.md has no row %d", n)
	}
	ns := Numbers(col(r))
	if i < 0 || i >= len(ns) {
		return Number{}, fmt.Errorf("PUBLISHED.md row %d: %q has no number %d", n, col(r), i)
	}
	return ns[i], nil
}

// ParsePublished reads PUBLISHED.md's claims table from r: every line
// "| # | Report | Claim | Published | Recomputed | Match | Formula | Note |"
// whose first cell is a row number. name is used in errors.
func ParsePublished(r io.Reader, name string) (Published, error) {
	p := Published{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		cells := strings.Split(sc.Text(), "|")
		// "", #, report, claim, published, recomputed, match, formula, note, ""
		if len(cells) < 2 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			continue // a heading, the totals table or prose
		}
		if len(cells) < 10 {
			return nil, fmt.Errorf("%s:%d: row %d has %d cells, want 8", name, line, n, len(cells)-2)
		}
		c := make([]string, len(cells))
		for i := range cells {
			c[i] = strings.TrimSpace(cells[i])
		}
		if _, dup := p[n]; dup {
			return nil, fmt.Errorf("%s:%d: row %d twice", name, line, n)
		}
		p[n] = PublishedRow{Row: n, Report: c[2], Claim: c[3], Published: c[4], Recomputed: c[5],
			Match: strings.Trim(c[6], "*"), Formula: c[7], Note: c[8]}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("%s: no claim rows", name)
	}
	return p, nil
}

// ReadPublished reads PUBLISHED.md from the data pack in dir (see Dir).
func ReadPublished(dir string) (Published, error) {
	path := filepath.Join(dir, "PUBLISHED.md")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read published values: %w", err)
	}
	defer f.Close()
	return ParsePublished(f, path)
}
