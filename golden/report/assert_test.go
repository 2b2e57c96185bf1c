package report_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
	}{{"bars.svg", report.Bars}, {"dots.svg", report.Dots}} {
		t.Run(tt.name, func(t *testing.T) {
			reporttest.AssertChart(t, report.Chart{Title: "test", YLabel: "tok/s", Categories: []string{"a", "b", "c"}, Series: series, Kind: tt.kind}, tt.name)
		})
	}
	one := func(v float64) report.Estimate { return report.Estimate{Value: v, Lo: nan, Hi: nan} }
	for _, tt := range []struct {
		name string
		c    report.Chart
	}{
		{"loglog.svg", report.Chart{Title: "test: log-log with fits and a reference line", YLabel: "ms", XLabel: "parameters",
			Kind: report.Dots, LogX: true, LogY: true, Refs: []report.Ref{{Value: 100, Label: "target 100 ms"}},
			Series: []report.Series{
				{Name: "family a", X: []float64{1e8, 3e8, 1e9, 4e9}, Estimates: []report.Estimate{{12, 11, 13}, one(30), {85, 80, 90}, one(340)}, Fit: true},
				{Name: "family b", X: []float64{5e8, 2e9, 7e9}, Estimates: []report.Estimate{one(20), one(90), one(200)}, Fit: true},
			}}},
		{"hbars.svg", report.Chart{Title: "test: long labels on their side", YLabel: "speedup (×)", Kind: report.HBars,
			Refs:       []report.Ref{{Value: 1, Label: "1×: no gain"}},
			Categories: []string{"one instance, one slot", "two instances, one slot each", "one instance, two slots"},
			Series:     []report.Series{{Name: "study", Estimates: []report.Estimate{{1, 0.98, 1.02}, {1.8, 1.7, 1.9}, one(1.4)}}}}},
		{"numeric.svg", report.Chart{Title: "test: a numeric x axis", YLabel: "agg-tok/s", XLabel: "agents", Kind: report.Dots,
			Series: []report.Series{
				{Name: "one instance", X: []float64{1, 2, 4, 8}, Estimates: []report.Estimate{{100, 95, 105}, {150, 140, 160}, {180, 170, 190}, one(185)}},
				{Name: "two instances", X: []float64{1, 2, 4, 8}, Estimates: []report.Estimate{{98, 93, 103}, {190, 180, 200}, {260, 240, 280}, {300, 270, 330}}},
			}}},
		{"logx.svg", report.Chart{Title: "test: a log x axis, a linear y axis and Δ = 0", YLabel: "Δ %", XLabel: "parameters",
			Kind: report.Dots, LogX: true, Refs: []report.Ref{{Value: 0, Label: "Δ = 0"}},
			Series: []report.Series{{Name: "ours", X: []float64{1e5, 5e6, 2.5e7, 1.24e8}, Estimates: []report.Estimate{{40, 30, 50}, {12, 5, 19}, {-3, -9, 3}, one(-14)}}}}},
		{"logy.svg", report.Chart{Title: "test: categories on a log value axis", YLabel: "tok/s", Kind: report.Dots, LogY: true,
			Categories: []string{"onnxruntime-cpu", "onnxruntime-gpu", "tensorrt-fp16"},
			Series: []report.Series{
				{Name: "tiny-gpt2", Estimates: []report.Estimate{one(88000), one(4600), one(5000)}},
				{Name: "gpt2", Estimates: []report.Estimate{one(1300), {4000, 3600, 4400}, one(3800)}},
			}}},
		{"fit.svg", report.Chart{Title: "test: a power-law fit with its 95 % band, and where it crosses 1×", YLabel: "ratio", XLabel: "parameters",
			Kind: report.Dots, LogX: true, LogY: true, Refs: []report.Ref{{Value: 1, Label: "1×: equal speed"}},
			XRefs: []report.Ref{{Value: 7.6e7, Label: "the fit crosses 1× at 76 M parameters"}},
			Series: []report.Series{{Name: "ONNX CPU / torch.compile", X: []float64{1e5, 5e6, 1.1e7, 2.5e7, 4.5e7, 5e7, 7.5e7, 1e8, 1.24e8},
				Estimates: []report.Estimate{one(21.8), one(5.06), one(4.41), one(1.58), one(1.42), one(1.26), one(0.71), one(0.86), one(0.68)}, Fit: true}}}},
		{"refs.svg", report.Chart{Title: "test: reference lines at 100 % and 50 %", YLabel: "%", Kind: report.Bars,
			Refs:       []report.Ref{{Value: 100, Label: "100 %: as fast as alone"}, {Value: 50, Label: "50 %: no gain from the second agent"}},
			Categories: []string{"a", "b", "c"},
			Series:     []report.Series{{Name: "eff-%", Estimates: []report.Estimate{{97, 95, 99}, {72, 68, 76}, one(55)}}}}},
		{"share.svg", report.Chart{Title: "test: a long legend and a two-line title, the height grown to keep the data at 60 %", YLabel: "ms",
			Kind: report.Dots, Categories: []string{"a", "b"}, Refs: []report.Ref{{Value: 3, Label: "target"}},
			Series: func() (ss []report.Series) {
				for i := range 6 {
					ss = append(ss, report.Series{Name: "series " + string(rune('a'+i)), Estimates: []report.Estimate{{1 + float64(i), 0.9 + float64(i), 1.1 + float64(i)}, one(2)}})
				}
				return ss
			}()}},
		{"title.svg", report.Chart{Title: "test: a title long enough to wrap onto three lines at the fixed width of sixteen centimetres, " +
			"broken at spaces, never past the right edge, whatever the viewer's sans-serif font", YLabel: "tok/s",
			Categories: []string{"a", "b"}, Series: []report.Series{{Name: "s", Estimates: []report.Estimate{{1, 0.9, 1.1}, {2, 1.8, 2.2}}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) { reporttest.AssertChart(t, tt.c, tt.name) })
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

// publishedSample is two rows of PUBLISHED.md: one that follows from the
// data, one the pack marks NO with its own recomputation.
const publishedSample = `| # | Report | Claim | Published | Recomputed | Match | Formula | Note |
|---|---|---|---|---|---|---|---|
| 1 | TR111_v2 | mean | 114.54 tok/s | 114.54 tok/s | yes | f |  |
| 2 | TR112_v2 | success | 72.2% | 83.3% | **NO** | f |  |
| 3 | TR112_v2 | a statement | loop lag | eff | **NO** | f |  |
`

func TestCite(t *testing.T) {
	pub, err := studydata.ParsePublished(strings.NewReader(publishedSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	got := report.Cite(pub, []report.Claim{{What: "a", Row: 1}, {What: "b", Row: 2}, {What: "c", Row: 3}, {What: "d", Row: 4}})
	type cited struct {
		Published      float64
		Decimals       int
		PackMatch      string
		PackRecomputed float64
		CiteErr        string
	}
	var gotC []cited
	for _, c := range got {
		gotC = append(gotC, cited{c.Published, c.Decimals, c.PackMatch, c.PackRecomputed, c.CiteErr})
	}
	want := []cited{
		{114.54, 2, "yes", 114.54, ""},
		{72.2, 1, "NO", 83.3, ""},
		{nan, 0, "", 0, `PUBLISHED.md row 3: "loop lag" has no number 0`},
		{nan, 0, "", 0, "PUBLISHED.md has no row 4"},
	}
	if diff := cmp.Diff(want, gotC, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("cited mismatch (-want +got):\n%s", diff)
	}
}

func TestAssertClaims(t *testing.T) {
	pub, err := studydata.ParsePublished(strings.NewReader(publishedSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	follows := report.Claim{What: "a", Row: 1, Recomputed: 114.5431}
	no := report.Claim{What: "b", Row: 2, Recomputed: 83.333, Note: "a reason"}
	tests := []struct {
		name   string
		claims []report.Claim
		want   []string // substrings, one per error
	}{
		{"published numbers that follow pass", []report.Claim{follows}, nil},
		{"a row marked NO that differs as the pack says passes", []report.Claim{follows, no}, nil},
		{"a difference where the pack says yes fails", []report.Claim{{What: "a", Row: 1, Recomputed: 110}}, []string{"#1) does not follow"}},
		{"a row marked NO that follows fails", []report.Claim{{What: "b", Row: 2, Recomputed: 72.2}}, []string{"#2, marked NO) follows"}},
		{"a difference other than the pack's fails", []report.Claim{{What: "b", Row: 2, Recomputed: 83.41, Note: "r"}}, []string{"recomputed 83.4, the data pack recomputed 83.3"}},
		{"a NO row without a reason fails", []report.Claim{{What: "b", Row: 2, Recomputed: 83.333}}, []string{"gives no reason"}},
		{"a NO row with a computed reason passes", []report.Claim{{What: "b", Row: 2, Recomputed: 83.333, Reason: func(float64) string { return "r" }}}, nil},
		{"a row without a number fails", []report.Claim{{What: "c", Row: 3, Note: "r"}}, []string{"has no number 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recordTB{TB: t}
			reporttest.AssertClaims(r, report.Cite(pub, tt.claims))
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
			reporttest.AssertFindings(rec, fs, tt.no...)
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

func TestMarkedNO(t *testing.T) {
	pub, err := studydata.ParsePublished(strings.NewReader(publishedSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	got := report.MarkedNO(pub, []report.Finding{{Row: 1}, {Row: 2}, {Row: 3}, {Row: 9}})
	if diff := cmp.Diff([]int{2, 3}, got); diff != "" {
		t.Errorf("MarkedNO mismatch (-want +got):\n%s", diff)
	}
}

// TestAssertEmbedded runs reporttest.AssertEmbedded against a recorder: a
// chart must have a one-sentence caption and the markdown must embed it,
// image and caption, as NamedChart.Markdown writes it.
func TestAssertEmbedded(t *testing.T) {
	c := report.NamedChart{Name: "x.svg", Caption: "Rate against agents: where the curve flattens, more agents add nothing."}
	for _, tt := range []struct {
		name     string
		markdown string
		chart    report.NamedChart
		fails    int
	}{
		{"embedded with its caption", "text\n\n" + c.Markdown(), c, 0},
		{"not linked", "text\n", c, 1},
		{"linked without the caption under it", "![" + c.Caption + "](x.svg)\n", c, 1},
		{"no caption", "![](x.svg)\n\n**\n", report.NamedChart{Name: "x.svg"}, 1},
		{"caption not a sentence", "", report.NamedChart{Name: "x.svg", Caption: "rate"}, 1},
		{"caption breaks the markdown", "", report.NamedChart{Name: "x.svg", Caption: "rate [per agent]."}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			reporttest.AssertEmbedded(rec, report.Fragment{Markdown: tt.markdown, Charts: []report.NamedChart{tt.chart}})
			if rec.errors != tt.fails {
				t.Errorf("AssertEmbedded reported %d errors, want %d", rec.errors, tt.fails)
			}
		})
	}
}

func TestChartSection(t *testing.T) {
	cs := []report.NamedChart{{Name: "a.svg", Caption: "A against B."}, {Name: "b.svg", Caption: "C against D."}}
	want := "\n#### Charts\n\n![A against B.](a.svg)\n\n*A against B.*\n\n![C against D.](b.svg)\n\n*C against D.*\n"
	if diff := cmp.Diff(want, report.ChartSection("####", cs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
