package chartdraw_test

import (
	"math"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/chartdraw"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

var nan = math.NaN()

// TestChartGolden renders one chart of each kind of axis and mark, as a
// report's test does (reporttest.AssertChart), against testdata.
func TestChartGolden(t *testing.T) {
	series := []report.Series{
		{Name: "one", Estimates: []report.Estimate{{Value: 100, Lo: 95, Hi: 105}, {Value: 110, Lo: 100, Hi: 120}, {Value: 90, Lo: nan, Hi: nan}}},
		{Name: "two", Estimates: []report.Estimate{{Value: 80, Lo: 70, Hi: 90}, {Value: nan, Lo: nan, Hi: nan}, {Value: 70, Lo: 69, Hi: 71}}},
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
				{Name: "family a", X: []float64{1e8, 3e8, 1e9, 4e9}, Estimates: []report.Estimate{{Value: 12, Lo: 11, Hi: 13}, one(30), {Value: 85, Lo: 80, Hi: 90}, one(340)}, Fit: true},
				{Name: "family b", X: []float64{5e8, 2e9, 7e9}, Estimates: []report.Estimate{one(20), one(90), one(200)}, Fit: true},
			}}},
		{"hbars.svg", report.Chart{Title: "test: long labels on their side", YLabel: "speedup (×)", Kind: report.HBars,
			Refs:       []report.Ref{{Value: 1, Label: "1×: no gain"}},
			Categories: []string{"one instance, one slot", "two instances, one slot each", "one instance, two slots"},
			Series:     []report.Series{{Name: "study", Estimates: []report.Estimate{{Value: 1, Lo: 0.98, Hi: 1.02}, {Value: 1.8, Lo: 1.7, Hi: 1.9}, one(1.4)}}}}},
		{"numeric.svg", report.Chart{Title: "test: a numeric x axis", YLabel: "agg-tok/s", XLabel: "agents", Kind: report.Dots,
			Series: []report.Series{
				{Name: "one instance", X: []float64{1, 2, 4, 8}, Estimates: []report.Estimate{{Value: 100, Lo: 95, Hi: 105}, {Value: 150, Lo: 140, Hi: 160}, {Value: 180, Lo: 170, Hi: 190}, one(185)}},
				{Name: "two instances", X: []float64{1, 2, 4, 8}, Estimates: []report.Estimate{{Value: 98, Lo: 93, Hi: 103}, {Value: 190, Lo: 180, Hi: 200}, {Value: 260, Lo: 240, Hi: 280}, {Value: 300, Lo: 270, Hi: 330}}},
			}}},
		{"logx.svg", report.Chart{Title: "test: a log x axis, a linear y axis and Δ = 0", YLabel: "Δ %", XLabel: "parameters",
			Kind: report.Dots, LogX: true, Refs: []report.Ref{{Value: 0, Label: "Δ = 0"}},
			Series: []report.Series{{Name: "ours", X: []float64{1e5, 5e6, 2.5e7, 1.24e8}, Estimates: []report.Estimate{{Value: 40, Lo: 30, Hi: 50}, {Value: 12, Lo: 5, Hi: 19}, {Value: -3, Lo: -9, Hi: 3}, one(-14)}}}}},
		{"logy.svg", report.Chart{Title: "test: categories on a log value axis", YLabel: "tok/s", Kind: report.Dots, LogY: true,
			Categories: []string{"onnxruntime-cpu", "onnxruntime-gpu", "tensorrt-fp16"},
			Series: []report.Series{
				{Name: "tiny-gpt2", Estimates: []report.Estimate{one(88000), one(4600), one(5000)}},
				{Name: "gpt2", Estimates: []report.Estimate{one(1300), {Value: 4000, Lo: 3600, Hi: 4400}, one(3800)}},
			}}},
		{"fit.svg", report.Chart{Title: "test: a power-law fit with its 95 % band, and where it crosses 1×", YLabel: "ratio", XLabel: "parameters",
			Kind: report.Dots, LogX: true, LogY: true, Refs: []report.Ref{{Value: 1, Label: "1×: equal speed"}},
			XRefs: []report.Ref{{Value: 7.6e7, Label: "the fit crosses 1× at 76 M parameters"}},
			Series: []report.Series{{Name: "ONNX CPU / torch.compile", X: []float64{1e5, 5e6, 1.1e7, 2.5e7, 4.5e7, 5e7, 7.5e7, 1e8, 1.24e8},
				Estimates: []report.Estimate{one(21.8), one(5.06), one(4.41), one(1.58), one(1.42), one(1.26), one(0.71), one(0.86), one(0.68)}, Fit: true}}}},
		{"refs.svg", report.Chart{Title: "test: reference lines at 100 % and 50 %", YLabel: "%", Kind: report.Bars,
			Refs:       []report.Ref{{Value: 100, Label: "100 %: as fast as alone"}, {Value: 50, Label: "50 %: no gain from the second agent"}},
			Categories: []string{"a", "b", "c"},
			Series:     []report.Series{{Name: "eff-%", Estimates: []report.Estimate{{Value: 97, Lo: 95, Hi: 99}, {Value: 72, Lo: 68, Hi: 76}, one(55)}}}}},
		{"share.svg", report.Chart{Title: "test: a long legend and a two-line title, the height grown to keep the data at 60 %", YLabel: "ms",
			Kind: report.Dots, Categories: []string{"a", "b"}, Refs: []report.Ref{{Value: 3, Label: "target"}},
			Series: func() (ss []report.Series) {
				for i := range 6 {
					ss = append(ss, report.Series{Name: "series " + string(rune('a'+i)), Estimates: []report.Estimate{{Value: 1 + float64(i), Lo: 0.9 + float64(i), Hi: 1.1 + float64(i)}, one(2)}})
				}
				return ss
			}()}},
		{"title.svg", report.Chart{Title: "test: a title long enough to wrap onto three lines at the fixed width of sixteen centimetres, " +
			"broken at spaces, never past the right edge, whatever the viewer's sans-serif font", YLabel: "tok/s",
			Categories: []string{"a", "b"}, Series: []report.Series{{Name: "s", Estimates: []report.Estimate{{Value: 1, Lo: 0.9, Hi: 1.1}, {Value: 2, Lo: 1.8, Hi: 2.2}}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) { reporttest.AssertChart(t, tt.c, tt.name) })
	}
	if _, err := chartdraw.SVG(report.Chart{Categories: []string{"a"}, Series: []report.Series{{Estimates: nil}}}); err == nil {
		t.Errorf("a series with the wrong number of estimates rendered without error")
	}
	if _, err := chartdraw.SVG(report.Chart{Title: "empty"}); err == nil {
		t.Errorf("a chart without categories rendered without error")
	}
}
