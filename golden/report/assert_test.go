package report_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

// The assertions are tested from outside the package, as their callers use
// them.

var nan = math.NaN()

func TestChartGolden(t *testing.T) {
	series := []report.Series{
		{Name: "one", Estimates: []report.Estimate{{100, 95, 105}, {110, 100, 120}, {90, nan, nan}}},
		{Name: "two", Estimates: []report.Estimate{{80, 70, 90}, {nan, nan, nan}, {70, 69, 71}}},
	}
	for _, tt := range []struct {
		name string
		kind report.Kind
	}{{"bars.svg.golden", report.Bars}, {"dots.svg.golden", report.Dots}} {
		t.Run(tt.name, func(t *testing.T) {
			report.AssertChart(t, report.Chart{Title: "test", YLabel: "tok/s", Categories: []string{"a", "b", "c"}, Series: series, Kind: tt.kind}, tt.name)
		})
	}
	if _, err := (report.Chart{Categories: []string{"a"}, Series: []report.Series{{Estimates: nil}}}).SVG(); err == nil {
		t.Errorf("a series with the wrong number of estimates rendered without error")
	}
	if _, err := (report.Chart{Title: "empty"}).SVG(); err == nil {
		t.Errorf("a chart without categories rendered without error")
	}
}

// recordTB records the errors a helper reports.
type recordTB struct {
	testing.TB
	errs []string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestAssertClaims(t *testing.T) {
	follows := report.Claim{What: "a", Row: 1, Published: 114.54, Decimals: 2, Recomputed: 114.5431}
	no := report.Claim{What: "b", Row: 2, Published: 72.2, Decimals: 1, Recomputed: 83.333}
	tests := []struct {
		name   string
		claims []report.Claim
		differ map[int]float64
		want   []string // substrings, one per error
	}{
		{"published numbers that follow pass", []report.Claim{follows}, nil, nil},
		{"a row marked NO that differs as the pack says passes", []report.Claim{follows, no}, map[int]float64{2: 83.3}, nil},
		{"an unexpected difference fails", []report.Claim{no}, nil, []string{"#2) does not follow"}},
		{"a row marked NO that follows fails", []report.Claim{follows}, map[int]float64{1: 114.6}, []string{"#1, marked NO) follows"}},
		{"a difference other than the pack's fails", []report.Claim{no}, map[int]float64{2: 83.4}, []string{"recomputed 83.3, the data pack recomputed 83.4"}},
		{"a row marked NO that no claim cites fails", []report.Claim{follows}, map[int]float64{9: 1}, []string{"no claim cites PUBLISHED.md #9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recordTB{TB: t}
			report.AssertClaims(r, tt.claims, tt.differ)
			if len(r.errs) != len(tt.want) {
				t.Fatalf("errors %q, want %d", r.errs, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(r.errs[i], w) {
					t.Errorf("error %q lacks %q", r.errs[i], w)
				}
			}
		})
	}
}

// TestAssertFindings runs report.AssertFindings against a recorder: it must flag
// a marked row that follows, an unmarked row that does not, and a marked
// row no finding cites.
func TestAssertFindings(t *testing.T) {
	fs := []report.Finding{{What: "a", Row: 1, Follows: true}, {What: "b", Row: 2, Follows: false}}
	for _, tt := range []struct {
		name  string
		no    []int
		fails int
	}{
		{"marks agree", []int{2}, 0},
		{"row 1 marked NO but follows, row 2 unmarked but does not", []int{1}, 2},
		{"row 3 marked but cited by no finding", []int{2, 3}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			report.AssertFindings(rec, fs, tt.no...)
			if rec.errors != tt.fails {
				t.Errorf("AssertFindings reported %d errors, want %d", rec.errors, tt.fails)
			}
		})
	}
}

// recorder counts Errorf calls instead of failing the test.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               { r.TB.Helper() }
func (r *recorder) Errorf(string, ...any) { r.errors++ }
