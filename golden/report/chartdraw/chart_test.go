package chartdraw

import (
	"math"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

var nan = math.NaN()

// chartCases are charts whose text takes room from the data: a wrapped
// title, a long legend, turned labels, long labels on their side.
func chartCases() map[string]report.Chart {
	ci := func(v float64) report.Estimate { return report.Estimate{Value: v, Lo: v * 0.9, Hi: v * 1.1} }
	one := func(v float64) report.Estimate { return report.Estimate{Value: v, Lo: nan, Hi: nan} }
	var many []report.Series
	for i := range 6 {
		many = append(many, report.Series{Name: "series number " + string(rune('a'+i)), Estimates: []report.Estimate{ci(1 + float64(i)), one(2)}})
	}
	var configs []string
	for i := range 19 {
		configs = append(configs, "configuration g"+strings.Repeat("0", i%3)+" c256 t0.6")
	}
	var turned report.Series
	for range configs {
		turned.Estimates = append(turned.Estimates, ci(100))
	}
	return map[string]report.Chart{
		"six series and a two-line title": {Title: strings.Repeat("a long title over the whole width ", 4), YLabel: "ms",
			Categories: []string{"a", "b"}, Series: many, Kind: report.Dots, Refs: []report.Ref{{Value: 3, Label: "target"}}},
		"19 turned labels": {Title: "turned", Categories: configs, Series: []report.Series{turned}, Kind: report.Dots},
		"long labels on their side": {Title: "sideways", YLabel: "tok/s", Kind: report.HBars,
			Categories: []string{"onnxruntime-cpu, tiny-gpt2, prefill", "tensorrt-fp16, gpt2, generate", "torch.compile"},
			Series:     []report.Series{{Name: "study", Estimates: []report.Estimate{ci(88000), ci(300), one(40)}}}},
		"19 long labels on their side": {Title: "sideways, many", YLabel: "tok/s", Kind: report.HBars, Categories: configs,
			Series: []report.Series{turned, turned}},
		"log-log with a fit": {Title: "latency by size", YLabel: "ms", XLabel: "parameters", LogX: true, LogY: true, Kind: report.Dots,
			Series: []report.Series{{Name: "gemma", X: []float64{1e8, 1e9, 4e9}, Estimates: []report.Estimate{one(10), one(80), ci(300)}, Fit: true}}},
	}
}

// TestDataAreaShare measures the rendered layout: the data area, inside
// the axes, is at least report.MinDataShare of the height, at the fixed width,
// and horizontal bars' labels have a line each.
func TestDataAreaShare(t *testing.T) {
	for name, rc := range chartCases() {
		c := chart{rc}
		t.Run(name, func(t *testing.T) {
			w, h := c.Size()
			if w != 16*vg.Centimeter {
				t.Errorf("width %.1f pt, want the fixed 16 cm", w)
			}
			d, err := c.DataArea()
			if err != nil {
				t.Fatal(err)
			}
			if share := d.Size().Y / h; share < report.MinDataShare {
				t.Errorf("data area %.1f pt of %.1f pt: %.0f %%, want at least %.0f %%", d.Size().Y, h, 100*share, 100*report.MinDataShare)
			}
			if err := c.Check(); err != nil {
				t.Errorf("layout:\n%v", err)
			}
		})
	}
	// Without the growth the first case fails Check: the test can fail.
	c := chart{chartCases()["six series and a two-line title"]}
	err := c.check(16*vg.Centimeter, 9*vg.Centimeter)
	if err == nil || !strings.Contains(err.Error(), "less than 60 %") {
		t.Errorf("Check at 16 cm × 9 cm = %v, want the data area refused as less than 60 %% of the height", err)
	}
	// Nor would 19 bars on their side fit 9 cm: their labels collide.
	c = chart{chartCases()["19 long labels on their side"]}
	if err := c.check(16*vg.Centimeter, 9*vg.Centimeter); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("Check of 19 horizontal bars at 16 cm × 9 cm = %v, want labels that overlap", err)
	}
}

// TestBadInputFailsClearly: what a chart cannot draw truthfully fails
// with an error that names the chart, the series and the point.
func TestBadInputFailsClearly(t *testing.T) {
	one := func(v float64) report.Estimate { return report.Estimate{Value: v, Lo: nan, Hi: nan} }
	tests := []struct {
		name string
		c    report.Chart
		want string
	}{
		{"a zero value", report.Chart{Title: "t", LogY: true, Kind: report.Dots, Categories: []string{"a", "b"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1), one(0)}}}}, `log y axis: series "s", "b": 0 is not positive`},
		{"an interval reaching below zero", report.Chart{Title: "t", LogY: true, Kind: report.Dots, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{{Value: 1, Lo: -1, Hi: 3}}}}}, `log y axis: series "s", "a": -1 is not positive`},
		{"a zero x", report.Chart{Title: "t", LogX: true, Kind: report.Dots,
			Series: []report.Series{{Name: "s", X: []float64{0, 1}, Estimates: []report.Estimate{one(1), one(2)}}}}, `log x axis: series "s", point 0: x = 0 is not positive`},
		{"a reference line at zero", report.Chart{Title: "t", LogY: true, Kind: report.Dots, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}, Refs: []report.Ref{{Value: 0, Label: "Δ = 0"}}}, `reference line "Δ = 0" at 0 is not positive`},
		{"bars on a log axis", report.Chart{Title: "t", LogY: true, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}}, "bars on a log axis"},
		{"horizontal bars on a log axis", report.Chart{Title: "t", LogY: true, Kind: report.HBars, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}}, "bars on a log axis"},
		{"a fit on a category axis", report.Chart{Title: "t", Kind: report.Dots, Categories: []string{"a", "b"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1), one(2)}, Fit: true}}}, `series "s": a fit needs a numeric x axis`},
		{"a fit on a series without X beside one with", report.Chart{Title: "t", Kind: report.Dots, Series: []report.Series{
			{Name: "s", X: []float64{1, 2}, Estimates: []report.Estimate{one(1), one(2)}, Fit: true},
			{Name: "u", Estimates: []report.Estimate{one(1), one(2)}}}}, "not every series has X"},
		{"X on a category axis", report.Chart{Title: "t", Kind: report.Dots, Categories: []string{"a", "b"},
			Series: []report.Series{{Name: "s", X: []float64{1, 2}, Estimates: []report.Estimate{one(1), one(2)}}}}, `series "s" has X, but the x axis holds categories`},
		{"a fit through fewer than two points", report.Chart{Title: "t", Kind: report.Dots, LogX: true, LogY: true,
			Series: []report.Series{{Name: "s", X: []float64{1, 2}, Estimates: []report.Estimate{one(1), {Value: nan, Lo: nan, Hi: nan}}, Fit: true}}}, `series "s": no power law fits 1 points`},
		{"bars on a numeric x axis", report.Chart{Title: "t", Kind: report.Bars,
			Series: []report.Series{{Name: "s", X: []float64{1, 2}, Estimates: []report.Estimate{one(1), one(2)}}}}, "a numeric x axis draws Dots"},
		{"LogX on categories", report.Chart{Title: "t", Kind: report.Dots, LogX: true, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}}, "LogX needs a numeric x axis"},
		{"more x than estimates", report.Chart{Title: "t", Kind: report.Dots,
			Series: []report.Series{{Name: "s", X: []float64{1, 2, 3}, Estimates: []report.Estimate{one(1), one(2)}}}}, `series 0 ("s") has 2 estimates for 3 x values`},
		{"a NaN x", report.Chart{Title: "t", Kind: report.Dots,
			Series: []report.Series{{Name: "s", X: []float64{1, nan}, Estimates: []report.Estimate{one(1), one(2)}}}}, `series "s", point 1: x = NaN is not a number on the axis`},
		{"an infinite value", report.Chart{Title: "t", Kind: report.Bars, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(math.Inf(1))}}}}, `series "s", "a": +Inf cannot be drawn`},
		{"a reference line on a category x axis", report.Chart{Title: "t", Kind: report.Dots, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}, XRefs: []report.Ref{{Value: 1, Label: "x = 1"}}}, `reference line "x = 1" on x needs a numeric x axis`},
		{"a reference line at x = 0 on a log x axis", report.Chart{Title: "t", Kind: report.Dots, LogX: true,
			Series: []report.Series{{Name: "s", X: []float64{1, 2}, Estimates: []report.Estimate{one(1), one(2)}}}, XRefs: []report.Ref{{Value: 0, Label: "x = 0"}}}, `log x axis: reference line "x = 0" at x = 0 is not positive`},
		{"a reference line at NaN", report.Chart{Title: "t", Kind: report.Dots, Categories: []string{"a"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{one(1)}}}, Refs: []report.Ref{{Value: nan, Label: "target"}}}, `reference line "target" at NaN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := chart{tt.c}.SVG()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SVG() error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestFitLineIsFitPowerLaw checks the drawn line against
// stats.FitPowerLaw, and the band against the line.
func TestFitLineIsFitPowerLaw(t *testing.T) {
	xs := []float64{0.1e6, 5e6, 25e6, 45e6, 124e6}
	ys := []float64{30, 8, 1.58, 1.2, 0.9}
	s := report.Series{X: xs, Fit: true}
	for _, y := range ys {
		s.Estimates = append(s.Estimates, report.Estimate{Value: y, Lo: nan, Hi: nan})
	}
	band, line, err := fitCurve(s, true)
	if err != nil {
		t.Fatal(err)
	}
	fit := stats.FitPowerLaw(xs, ys, 0.95)
	if line[0].X != xs[0] || line[len(line)-1].X != xs[len(xs)-1] {
		t.Errorf("line runs %v to %v, want the data's x range %v to %v", line[0].X, line[len(line)-1].X, xs[0], xs[len(xs)-1])
	}
	for _, q := range line {
		if diff := cmp.Diff(fit.At(q.X), q.Y, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("line at x=%g mismatch (-FitPowerLaw +drawn):\n%s", q.X, diff)
		}
	}
	n := len(line)
	if len(band) != 2*n {
		t.Fatalf("band has %d points, want %d", len(band), 2*n)
	}
	for i, q := range line {
		up, down := band[i], band[2*n-1-i]
		if !(down.Y < q.Y && q.Y < up.Y) {
			t.Errorf("band at x=%g is [%g, %g], not around the line's %g", q.X, down.Y, up.Y, q.Y)
		}
	}
	// The band is narrowest near the points' centre, in log x.
	if w0, wm := band[0].Y/band[2*n-1].Y, band[n/2].Y/band[2*n-1-n/2].Y; !(wm < w0) {
		t.Errorf("band ratio %g at the middle, %g at the end: want narrower in the middle", wm, w0)
	}
	if _, _, err := fitCurve(report.Series{X: []float64{1, 2}, Estimates: []report.Estimate{{Value: -1}, {Value: 2}}}, true); err == nil {
		t.Errorf("a fit through a negative value drew")
	}
}

// TestHollowExactlyWithoutInterval draws a chart and counts the rings and
// discs inside its data area: one ring per point without an interval, one
// disc per point with one, and the legend's ring for "no interval" only
// when there is a ring.
func TestHollowExactlyWithoutInterval(t *testing.T) {
	tests := []struct {
		name      string
		estimates []report.Estimate
		rings     int
	}{
		{"all with intervals", []report.Estimate{{Value: 1, Lo: 0.5, Hi: 1.5}, {Value: 2, Lo: 1.5, Hi: 2.5}, {Value: 3, Lo: 2.5, Hi: 3.5}}, 0},
		{"one without", []report.Estimate{{Value: 1, Lo: 0.5, Hi: 1.5}, {Value: 2, Lo: nan, Hi: nan}, {Value: 3, Lo: 2.5, Hi: 3.5}}, 1},
		{"a gap and one without", []report.Estimate{{Value: nan, Lo: nan, Hi: nan}, {Value: 2, Lo: nan, Hi: nan}, {Value: 3, Lo: 2.5, Hi: 3.5}}, 1},
		{"none with", []report.Estimate{{Value: 1, Lo: nan, Hi: nan}, {Value: 2, Lo: nan, Hi: nan}, {Value: 3, Lo: nan, Hi: nan}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := chart{report.Chart{Title: "t", Kind: report.Dots, Categories: []string{"a", "b", "c"}, Series: []report.Series{{Name: "s", Estimates: tt.estimates}}}}
			w, h := c.Size()
			m := newMeasurer(w, h)
			if err := c.Draw(draw.New(m)); err != nil {
				t.Fatal(err)
			}
			data, err := c.DataArea()
			if err != nil {
				t.Fatal(err)
			}
			in := func(ps []vg.Point) (n int) {
				for _, p := range ps {
					if p.X >= data.Min.X && p.X <= data.Max.X && p.Y >= data.Min.Y && p.Y <= data.Max.Y {
						n++
					}
				}
				return n
			}
			values := 0
			for _, e := range tt.estimates {
				if !math.IsNaN(e.Value) {
					values++
				}
			}
			if got := in(m.rings); got != tt.rings {
				t.Errorf("%d hollow markers in the data, want %d", got, tt.rings)
			}
			if got := in(m.discs); got != values-tt.rings {
				t.Errorf("%d filled markers in the data, want %d", got, values-tt.rings)
			}
			legendRings := len(m.rings) - in(m.rings)
			if want := map[bool]int{true: 1, false: 0}[tt.rings > 0]; legendRings != want {
				t.Errorf("%d hollow markers in the legend, want %d", legendRings, want)
			}
			svg, err := c.SVG()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(svg), ">hollow: no interval<"); got != (tt.rings > 0) {
				t.Errorf("legend says \"hollow: no interval\" = %v, want %v", got, tt.rings > 0)
			}
		})
	}
}

// TestLogTicks: a log axis is labelled at 1, 2 and 5 times powers of ten
// where it spans at most two and a half decades, else at powers of ten,
// and in one notation throughout.
func TestLogTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		want   []string
	}{
		{"padded tok/s, 1.8 decades: 1, 2, 5, plain", 1300, 88000, []string{"2000", "5000", "10000", "20000", "50000"}},
		{"a ratio around 1×", 0.5, 30, []string{"0.5", "1", "2", "5", "10", "20"}},
		{"parameters, 3 decades: powers of ten, e notation", 1e5, 1.24e8, []string{"1e5", "1e6", "1e7", "1e8"}},
		{"one label past 100000 turns the whole axis to e notation", 1, 1e6, []string{"1e0", "1e1", "1e2", "1e3", "1e4", "1e5", "1e6"}},
		{"small values keep their decimals", 0.002, 0.09, []string{"0.002", "0.005", "0.01", "0.02", "0.05"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range (logTicks{}).Ticks(tt.lo, tt.hi) {
				if !tk.IsMinor() {
					got = append(got, tk.Label)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("labels mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDataTicks: XTicksAtData labels the x axis at each distinct X of the
// series, in order, and nowhere else, however the series share them.
func TestDataTicks(t *testing.T) {
	series := []report.Series{{X: []float64{1, 2, 4, 8}}, {X: []float64{8, 4, 2, 1, 16}}, {X: []float64{0.5}}}
	var got []string
	for _, tk := range dataTicks(series).Ticks(0.1, 100) {
		got = append(got, tk.Label)
	}
	if diff := cmp.Diff([]string{"0.5", "1", "2", "4", "8", "16"}, got); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
}
