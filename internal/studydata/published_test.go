package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const publishedSample = `# heading

| Report | yes | NO | n/a |
|---|---|---|---|
| TR108 | 20 | 7 | 0 |

| # | Report | Claim (where published) | Published | Recomputed from pack | Match | CSV and filter / formula | Note |
|---|---|---|---|---|---|---|---|
| 99 | TR113 | contended runs | 12/19 (63%) | 13/19 (68%) | **NO** | speedup < 1.5 |  |
| 190 | TR118_v2.2 | tiny-gpt2 prefill | 87,996 tok/s | 87996 tok/s | yes | x | y |
| 213 | TR118_v2.2 | slope | -0.506 | -0.506 | yes |  |  |
`

func TestParsePublished(t *testing.T) {
	p, err := ParsePublished(strings.NewReader(publishedSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	want := PublishedRow{Row: 99, Report: "TR113", Claim: "contended runs", Published: "12/19 (63%)", Recomputed: "13/19 (68%)", Match: "NO", Formula: "speedup < 1.5"}
	if diff := cmp.Diff(want, p[99]); diff != "" {
		t.Errorf("row 99 mismatch (-want +got):\n%s", diff)
	}
	if len(p) != 3 || p[99].Follows() || !p[190].Follows() {
		t.Errorf("rows %v: want 99 (NO), 190 and 213 (yes)", p)
	}
	for _, c := range []struct {
		name      string
		got       func() (Number, error)
		want      Number
		wantError bool
	}{
		{"first number of a fraction", func() (Number, error) { return p.Number(99, 0) }, Number{12, 0}, false},
		{"a percentage in parentheses", func() (Number, error) { return p.Number(99, 2) }, Number{63, 0}, false},
		{"the pack's recomputation", func() (Number, error) { return p.RecomputedNumber(99, 0) }, Number{13, 0}, false},
		{"thousands commas", func() (Number, error) { return p.Number(190, 0) }, Number{87996, 0}, false},
		{"a negative number's decimals", func() (Number, error) { return p.Number(213, 0) }, Number{-0.506, 3}, false},
		{"no such number", func() (Number, error) { return p.Number(213, 1) }, Number{}, true},
		{"no such row", func() (Number, error) { return p.Number(1, 0) }, Number{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.got()
			if (err != nil) != c.wantError || got != c.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, c.want, c.wantError)
			}
		})
	}
}

func TestParsePublishedRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"a short row":  "| 1 | TR108 | x | 1 |\n",
		"a repeat row": "| 1 | a | b | 1 | 1 | yes | f | n |\n| 1 | a | b | 1 | 1 | yes | f | n |\n",
		"no rows":      "# nothing\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParsePublished(strings.NewReader(in), "in.md"); err == nil || !strings.Contains(err.Error(), "in.md") {
				t.Errorf("error %v, want one naming in.md", err)
			}
		})
	}
}

// TestPublishedPack reads the data pack's own PUBLISHED.md: every row from
// 1 up to its last, each with a match of yes, NO or n/a, and the totals
// its header states.
func TestPublishedPack(t *testing.T) {
	d, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPublished(d)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for n := 1; n <= len(p); n++ {
		r, ok := p[n]
		if !ok {
			t.Fatalf("PUBLISHED.md lacks row %d of %d", n, len(p))
		}
		count[r.Match]++
	}
	if want := map[string]int{"yes": 267, "NO": 40, "n/a": 4}; !cmp.Equal(want, count) {
		t.Errorf("matches %v, want %v (the pack's stated totals)", count, want)
	}
}
