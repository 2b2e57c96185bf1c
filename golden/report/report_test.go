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
	tests := []struct {
		name string
		xs   []float64
		unit string
		want string
	}{
		{"three samples give an interval", []float64{11, 12, 13}, "tok/s", "12.00 [9.52, 14.48]"},
		{"two samples give none", []float64{1, 2}, "tok/s", "1.50 (n = 2: no interval)"},
		{"one sample gives none", []float64{1}, "tok/s", "1.00 (n = 1: no interval)"},
		{"an interval below 0 says so", []float64{1, 2, 3}, "ttft-ns", "2.00 [-0.48, 4.48] (n = 3: too few samples for their spread, the interval passes 0)"},
		{"a share above 100 says so", []float64{97, 99, 101}, "eff-%", "99.00 [94.03, 103.97] (n = 3: too few samples for their spread, the interval passes 100 %)"},
		{"a percentage that is no share may pass 100", []float64{97, 99, 101}, "true-eff-%", "99.00 [94.03, 103.97]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MeanCI(tt.xs, 2, tt.unit); got != tt.want {
				t.Errorf("MeanCI = %q, want %q", got, tt.want)
			}
		})
	}
	b := MeanEstimate([]float64{1, 2, 3})
	if got, want := fmt.Sprintf("%.2f %.2f %.2f", b.Value, b.Lo, b.Hi), "2.00 -0.48 4.48"; got != want {
		t.Errorf("MeanEstimate = %s, want %s", got, want)
	}
	if b := MeanEstimate([]float64{1, 2}); !math.IsNaN(b.Lo) || !math.IsNaN(b.Hi) || b.Value != 1.5 {
		t.Errorf("MeanEstimate of two samples = %+v, want 1.5 and no interval", b)
	}
}

func TestClaimsTable(t *testing.T) {
	got := ClaimsTable([]Claim{
		{What: "throughput", Row: 80, Published: 114.54, Decimals: 2, Unit: "tok/s", Recomputed: 114.5392, Ours: "114.06 tok/s Σ-rate", Note: "n"},
		{What: "a count", Row: 87, Published: 57, Decimals: 0, Unit: "runs", Recomputed: 57},
		{What: "cut digits", Row: 83, Published: 114.97, Decimals: 2, Recomputed: 114.9796},
		{What: "does not follow", Row: 90, Published: 72.2, Decimals: 1, Unit: "%", Recomputed: 83.333},
		{What: "with a reason", Row: 91, Published: 99.5, Decimals: 1, Unit: "%", Recomputed: 98.7, Note: "n",
			Reason: func(p float64) string { return "above all runs: " + F(p, 1) }},
		{What: "whose reason is not needed", Row: 92, Published: 98.7, Decimals: 1, Recomputed: 98.7,
			Reason: func(float64) string { return "never shown" }},
		{What: "a mean", Row: 93, Published: 98.7, Decimals: 1, Recomputed: 98.7, N: 5},
	}).Rows
	want := [][]string{
		{"throughput", "114.54 tok/s (PUBLISHED.md #80)", "114.539 tok/s", "yes", "114.06 tok/s Σ-rate", "n"},
		{"a count", "57 runs (PUBLISHED.md #87)", "57 runs", "yes", "", ""},
		{"cut digits", "114.97 (PUBLISHED.md #83)", "114.980", "yes, truncated (rounds to 114.98)", "", ""},
		{"does not follow", "72.2 % (PUBLISHED.md #90)", "83.33 %", "**NO**", "", ""},
		{"with a reason", "99.5 % (PUBLISHED.md #91)", "98.70 %", "**NO**", "", "n; above all runs: 99.5"},
		{"whose reason is not needed", "98.7 (PUBLISHED.md #92)", "98.70", "yes", "", ""},
		{"a mean", "98.7 (PUBLISHED.md #93)", "98.70 (n = 5)", "yes", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims table rows mismatch (-want +got):\n%s", diff)
	}
}

func TestUpto(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{
		{7600, 3, "7600"},
		{268.1, 3, "268.1"},
		{0.102714, 3, "0.103"},
		{20900, 0, "20900"},
		{1.0004, 3, "1"},
		{math.NaN(), 3, "n/a"},
	} {
		if got := Upto(c.v, c.d); got != c.want {
			t.Errorf("Upto(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
}

func TestPlace(t *testing.T) {
	xs := []float64{3, 1, 2, 5, 4}
	for _, c := range []struct {
		name string
		v    float64
		want string
	}{
		{"above every sample", 6, "above all 5 runs (highest 5.0)"},
		{"below every sample", 0.5, "below all 5 runs (lowest 1.0)"},
		{"between two samples", 2.5, "between the 2nd (2.0) and 3rd (3.0) lowest of 5 runs"},
		{"on a sample", 3, "between the 2nd (2.0) and 3rd (3.0) lowest of 5 runs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Place(c.v, xs, 1, "runs"); got != c.want {
				t.Errorf("Place(%v) = %q, want %q", c.v, got, c.want)
			}
		})
	}
	if got, want := SDs([]float64{1, 2, 3, 4}, 3, "runs"), "sample SD (n − 1) 1.291, population SD (n) 1.118 of 4 runs"; got != want {
		t.Errorf("SDs = %q, want %q", got, want)
	}
	if got, want := MedianRank(135), "the 68th"; got != want {
		t.Errorf("MedianRank(135) = %q, want %q", got, want)
	}
	if got, want := MedianRank(4), "the mean of the 2nd and 3rd"; got != want {
		t.Errorf("MedianRank(4) = %q, want %q", got, want)
	}
	for k, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 112: "112th"} {
		if got := Ordinal(k); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", k, got, want)
		}
	}
}

func TestBoundNote(t *testing.T) {
	in := Series{Estimates: []Estimate{{Value: 99, Lo: 98, Hi: 100}}}
	out := Series{Estimates: []Estimate{{Value: 99, Lo: 97, Hi: 101}, {Value: 98, Lo: 96, Hi: 100.5}}}
	for _, c := range []struct {
		name   string
		unit   string
		series []Series
		want   string
	}{
		{"inside the bound", "eff-%", []Series{in}, ""},
		{"two past 100", "eff-%", []Series{in, out}, "; 2 whiskers pass 100 %: too few samples for their spread"},
		{"no upper bound for a rate", "tok/s", []Series{out}, ""},
		{"no interval", "eff-%", []Series{{Estimates: []Estimate{{Value: 1, Lo: nan, Hi: nan}}}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := BoundNote(c.unit, c.series); got != c.want {
				t.Errorf("BoundNote = %q, want %q", got, c.want)
			}
		})
	}
}
