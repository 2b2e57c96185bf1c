package report

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var nan = math.NaN()

func TestClaimMatch(t *testing.T) {
	tests := []struct {
		name string
		c    Claim
		want Match
	}{
		{"rounds to the published value", Claim{Published: 114.54, Decimals: 2, Recomputed: 114.5431}, Rounds},
		{"published value cut digits off", Claim{Published: 114.97, Decimals: 2, Recomputed: 114.9796}, Truncates},
		{"median 98.6 published, 98.9 in the data", Claim{Published: 98.6, Decimals: 1, Recomputed: 98.863}, Differs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Match(); got != tt.want {
				t.Errorf("Match() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMarkdownTable(t *testing.T) {
	got := Table{Header: []string{"a", "b"}, Align: "lr", Rows: [][]string{{"x|y", "1"}, {"z"}}}.Markdown()
	want := "| a | b |\n|---|---:|\n| x\\|y | 1 |\n| z |  |\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markdown mismatch (-want +got):\n%s", diff)
	}
}

func TestBarChartIsDeterministic(t *testing.T) {
	c := BarChart{
		Title: "test", YLabel: "tok/s", Categories: []string{"a", "b", "c"}, RotateLabels: true,
		Series: []Series{
			{Name: "one", Bars: []Bar{{100, 95, 105}, {110, 100, 120}, {90, nan, nan}}},
			{Name: "two", Bars: []Bar{{80, 70, 90}, {nan, nan, nan}, {70, 69, 71}}},
		},
	}
	AssertChart(t, c, "chart.svg.golden")
	if _, err := (BarChart{Categories: []string{"a"}, Series: []Series{{Bars: nil}}}).SVG(); err == nil {
		t.Errorf("a series with the wrong number of bars rendered without error")
	}
}

// calls is a TR111-shaped baseline: two calls with tokens, one without
// (no tok/s, no server timings), in two directories.
const calls = "Unit tok/s better=higher\n" +
	"BenchmarkTR111/agent=chimera/dir=d1 1 100 tok/s 1e9 ttft-ns 11e9 e2e-ns 10e9 decode-ns\n" +
	"BenchmarkTR111/agent=chimera/dir=d1 1 0 tok/s 1e9 ttft-ns 4e9 e2e-ns 2e9 decode-ns\n" +
	"BenchmarkTR111/agent=chimera/dir=d1 1 5e8 ttft-ns 10e9 e2e-ns\n" +
	"BenchmarkTR111/agent=baseline/dir=d2 1 120 tok/s 1e9 ttft-ns 6e9 e2e-ns 5e9 decode-ns\n"

func readSet(t *testing.T, text string) *golden.Set {
	t.Helper()
	s, err := golden.Read(strings.NewReader(text), "x")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStudyCalls(t *testing.T) {
	s := readSet(t, calls)
	cs := StudyCalls(s, "dir=d1")
	if got, want := len(cs), 3; got != want {
		t.Fatalf("%d calls, want %d", got, want)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"decode rate is Σ tokens / Σ decode time; the no-token call adds nothing", cs.DecodeRate(), 1000 / 12.0},
		{"study mean counts the no-token call as 0 tok/s", cs.StudyMean(), 100.0 / 3},
		{"one call returned no tokens", float64(cs.NoTokens()), 1},
		{"tokens of the first call are tok/s × decode time", cs[0].Tokens, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-12*math.Abs(tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if diff := cmp.Diff([]float64{100, 0}, cs.Rates()); diff != "" {
		t.Errorf("rates of the calls with tokens mismatch (-want +got):\n%s", diff)
	}
}

func TestPerKey(t *testing.T) {
	s := readSet(t, calls)
	gs := PerKey(s, "dir", func(where ...string) float64 { return StudyCalls(s, where...).StudyMean() }, "TR111")
	want := []Group{{"d1", 100.0 / 3}, {"d2", 120}}
	if diff := cmp.Diff(want, gs, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	if lo, hi := Lowest(gs), Highest(gs); lo.Key != "d1" || hi.Key != "d2" {
		t.Errorf("Lowest, Highest = %v, %v; want d1, d2", lo, hi)
	}
	if g := Highest(nil); !math.IsNaN(g.Value) {
		t.Errorf("Highest(nil) = %v, want a NaN value", g)
	}
}

func TestMeanCI(t *testing.T) {
	xs := []float64{1, 2, 3}
	if got, want := MeanCI(xs, 2), "2.00 [-0.48, 4.48]"; got != want {
		t.Errorf("MeanCI = %q, want %q", got, want)
	}
	b := MeanBar(xs)
	if got, want := fmt.Sprintf("%.2f %.2f %.2f", b.Value, b.Lo, b.Hi), "2.00 -0.48 4.48"; got != want {
		t.Errorf("MeanBar = %s, want %s", got, want)
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
	follows := Claim{What: "a", Row: 1, Published: 114.54, Decimals: 2, Recomputed: 114.5431}
	no := Claim{What: "b", Row: 2, Published: 72.2, Decimals: 1, Recomputed: 83.333}
	tests := []struct {
		name   string
		claims []Claim
		differ map[int]float64
		want   []string // substrings, one per error
	}{
		{"published numbers that follow pass", []Claim{follows}, nil, nil},
		{"a row marked NO that differs as the pack says passes", []Claim{follows, no}, map[int]float64{2: 83.3}, nil},
		{"an unexpected difference fails", []Claim{no}, nil, []string{"#2) does not follow"}},
		{"a row marked NO that follows fails", []Claim{follows}, map[int]float64{1: 114.6}, []string{"#1, marked NO) follows"}},
		{"a difference other than the pack's fails", []Claim{no}, map[int]float64{2: 83.4}, []string{"recomputed 83.3, the data pack recomputed 83.4"}},
		{"a row marked NO that no claim cites fails", []Claim{follows}, map[int]float64{9: 1}, []string{"no claim cites PUBLISHED.md #9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recordTB{TB: t}
			AssertClaims(r, tt.claims, tt.differ)
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

func TestClaimsTable(t *testing.T) {
	got := ClaimsTable([]Claim{
		{What: "throughput", Row: 80, Published: 114.54, Decimals: 2, Unit: "tok/s", Recomputed: 114.5392, Ours: "114.06 tok/s Σ-rate", Note: "n"},
		{What: "a count", Row: 87, Published: 57, Decimals: 0, Unit: "runs", Recomputed: 57},
		{What: "cut digits", Row: 83, Published: 114.97, Decimals: 2, Recomputed: 114.9796},
		{What: "does not follow", Row: 90, Published: 72.2, Decimals: 1, Unit: "%", Recomputed: 83.333},
	}).Rows
	want := [][]string{
		{"throughput", "114.54 tok/s (PUBLISHED.md #80)", "114.539 tok/s", "yes", "114.06 tok/s Σ-rate", "n"},
		{"a count", "57 runs (PUBLISHED.md #87)", "57 runs", "yes", "", ""},
		{"cut digits", "114.97 (PUBLISHED.md #83)", "114.980", "yes, truncated (rounds to 114.98)", "", ""},
		{"does not follow", "72.2 % (PUBLISHED.md #90)", "83.33 %", "**NO**", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims table rows mismatch (-want +got):\n%s", diff)
	}
}
