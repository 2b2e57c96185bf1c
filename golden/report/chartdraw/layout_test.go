package chartdraw

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

// TestChartFitsItsText renders charts whose text would not fit a naive
// layout and checks that Check finds every string inside the canvas, clear
// of other strings and of the data, and that the layout did what it says.
func TestChartFitsItsText(t *testing.T) {
	two := func(n int) []report.Series {
		var a, b []report.Estimate
		for i := range n {
			a = append(a, report.Estimate{Value: 114 + float64(i%3), Lo: 112 + float64(i%3), Hi: 116 + float64(i%3)})
			b = append(b, report.Estimate{Value: 113, Lo: 111, Hi: 115})
		}
		return []report.Series{{Name: "the configuration's agent", Estimates: a}, {Name: "baseline agent, same directory", Estimates: b}}
	}
	var configs []string
	for _, g := range []string{"60", "80", "120"} {
		for _, c := range []string{"256", "512", "1024"} {
			configs = append(configs, "g"+g+" c"+c+" t0.6", "g"+g+" c"+c+" t0.8")
		}
	}
	configs = append([]string{"baseline (pooled)"}, configs...)
	long := strings.Repeat("a title far longer than the default sixteen centimetres of canvas ", 2)
	tests := []struct {
		name  string
		c     report.Chart
		check func(t *testing.T, c chart, svg string)
	}{
		{"a title wider than the canvas wraps, the width stays", report.Chart{Title: long, Categories: []string{"a"}, Series: two(1)},
			func(t *testing.T, c chart, svg string) {
				if w, _ := c.Size(); w != 16*vg.Centimeter {
					t.Errorf("width %v, want 16 cm", w)
				}
				if !strings.Contains(c.wrappedTitle(16*vg.Centimeter), "\n") {
					t.Errorf("title not wrapped")
				}
			}},
		{"underscored labels that collide are wrapped", report.Chart{Categories: []string{"baseline_vs_chimera", "chimera_hetero", "chimera_homo", "all"}, Series: two(4), Kind: report.Dots},
			func(t *testing.T, c chart, svg string) {
				if !strings.Contains(svg, ">baseline_vs_</text>") {
					t.Errorf("baseline_vs_chimera not wrapped after an underscore")
				}
			}},
		{"19 configuration labels are turned", report.Chart{Categories: configs, Series: two(19), Kind: report.Dots, Width: 18 * report.Centimeter},
			func(t *testing.T, c chart, svg string) {
				if !strings.Contains(svg, "rotate(") {
					t.Errorf("labels not rotated")
				}
			}},
		{"too many labels for 45° stand upright", report.Chart{Categories: configs, Series: two(19), Width: 12 * report.Centimeter},
			func(t *testing.T, c chart, svg string) {
				if !strings.Contains(svg, "rotate(90)") {
					t.Errorf("labels not upright")
				}
			}},
		{"too many labels to stand upright widen the canvas", report.Chart{Categories: configs, Series: two(19), Width: 6 * report.Centimeter},
			func(t *testing.T, c chart, svg string) {
				if w, _ := c.Size(); w <= 6*vg.Centimeter {
					t.Errorf("width %v, want more than 6 cm for 19 upright labels", w)
				}
			}},
		{"long labels in two categories fit as they are", report.Chart{Title: "Two agents together vs one alone", YLabel: "tok/s",
			Categories: []string{"decode rate per agent", "tokens per wall second, all agents"}, Series: two(2)}, nil},
		{"turned labels clear the zero line of bars", report.Chart{Categories: configs, Series: two(19), Width: 18 * report.Centimeter},
			func(t *testing.T, c chart, svg string) {
				if !strings.Contains(svg, "rotate(-45)") && !strings.Contains(svg, "rotate(45)") {
					t.Errorf("labels not turned by 45°")
				}
			}},
		{"ticks on a 50-100 axis of dots are whole numbers clear of their marks", report.Chart{YLabel: "%", Categories: []string{"async-std", "smol", "tokio"},
			Series: []report.Series{{Name: "eff", Estimates: []report.Estimate{{Value: 50, Lo: 49.9, Hi: 50.1}, {Value: 97.5, Lo: 95.7, Hi: 99.3}, {Value: 98.4, Lo: 97.9, Hi: 98.9}}}}, Kind: report.Dots},
			func(t *testing.T, c chart, svg string) {
				for _, l := range []string{">50<", ">60<", ">100<"} {
					if !strings.Contains(svg, l) {
						t.Errorf("no tick label %s", l)
					}
				}
				if strings.Contains(svg, ".00<") {
					t.Errorf("a tick label with useless decimals")
				}
			}},
		{"ticks that need decimals stay clear of their marks", report.Chart{YLabel: "share", Categories: []string{"a", "b"},
			Series: []report.Series{{Name: "s", Estimates: []report.Estimate{{Value: 0.35, Lo: 0.3, Hi: 0.4}, {Value: 1.2, Lo: 1.1, Hi: 1.3}}}}, Kind: report.Dots},
			func(t *testing.T, c chart, svg string) {
				for _, l := range []string{">0.6<", ">1.0<"} {
					if !strings.Contains(svg, l) {
						t.Errorf("no tick label %s", l)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := chart{tt.c}
			if err := c.Check(); err != nil {
				t.Errorf("layout:\n%v", err)
			}
			svg, err := c.SVG()
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, c, string(svg))
			}
		})
	}
}

func TestPlainTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		want   []string
	}{
		{"a step of 10 needs no decimals", 46, 104, []string{"50", "60", "70", "80", "90", "100"}},
		{"a step of 2, not gonum's 2.5 or 4", 9.624, 17.976, []string{"10", "12", "14", "16"}},
		{"a step of 0.2 needs one decimal, on every label", 0.9624, 1.7976, []string{"1.0", "1.2", "1.4", "1.6"}},
		{"a speedup axis from zero meets 1×, not gonum's 0.9 and 1.8", 0, 1.995, []string{"0.0", "0.5", "1.0", "1.5"}},
		{"across zero, no -0", -42, 22, []string{"-40", "-20", "0", "20"}},
		{"watts: 10 to 35, not gonum's 12, 24, 36", 8.6, 38.2, []string{"10", "15", "20", "25", "30", "35"}},
		{"tiny values keep their decimals", 0.00012, 0.00048, []string{"0.0002", "0.0003", "0.0004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range (plainTicks{}).Ticks(tt.lo, tt.hi) {
				if !tk.IsMinor() {
					got = append(got, tk.Label)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("labels mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// Minor ticks: fifths of a step of 1 or 5, quarters of a step of 2,
	// every tick one minor step from the last.
	for _, tt := range []struct {
		lo, hi, minor float64
		labels        int
	}{{0, 10, 0.5, 6}, {0, 3, 0.2, 4}, {0, 30, 2, 4}} {
		ts := (plainTicks{}).Ticks(tt.lo, tt.hi)
		labels := 0
		for i, tk := range ts {
			if !tk.IsMinor() {
				labels++
			}
			if i > 0 && math.Abs(tk.Value-ts[i-1].Value-tt.minor) > 1e-9 {
				t.Errorf("[%v, %v]: ticks at %v and %v, want %v apart", tt.lo, tt.hi, ts[i-1].Value, tk.Value, tt.minor)
			}
		}
		if labels != tt.labels {
			t.Errorf("[%v, %v]: %d labels, want %d", tt.lo, tt.hi, labels, tt.labels)
		}
	}
}

// TestCheckFindsBadLayouts draws what Check must refuse straight onto its
// measuring canvas.
func TestCheckFindsBadLayouts(t *testing.T) {
	sty := style(textSize)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	rot := sty
	rot.Rotation = math.Pi / 4
	tests := []struct {
		name string
		draw func(c draw.Canvas)
		want string
	}{
		{"title clipped at the right edge", func(c draw.Canvas) { c.FillText(sty, vg.Point{X: 90, Y: 50}, "a title") }, `"a title" reaches`},
		{"labels running into each other", func(c draw.Canvas) {
			c.FillText(sty, vg.Point{X: 10, Y: 10}, "baseline_vs_chimera")
			c.FillText(sty, vg.Point{X: 40, Y: 10}, "chimera_hetero")
		}, `"baseline_vs_chimera" overlaps "chimera_hetero"`},
		{"turned labels too close", func(c draw.Canvas) {
			c.FillText(rot, vg.Point{X: 10, Y: 10}, "g60 c256 t0.6")
			c.FillText(rot, vg.Point{X: 15, Y: 10}, "g60 c256 t0.8")
		}, `"g60 c256 t0.6" overlaps "g60 c256 t0.8"`},
		{"two labels closer than a line apart", func(c draw.Canvas) {
			c.FillText(sty, vg.Point{X: 10, Y: 19}, "one")
			c.FillText(sty, vg.Point{X: 10, Y: 10}, "two")
		}, `"one" overlaps "two"`},
		{"legend over the data", func(c draw.Canvas) {
			c.Fill(vg.Rectangle{Min: vg.Point{X: 20, Y: 0}, Max: vg.Point{X: 30, Y: 80}}.Path())
			c.FillText(sty, vg.Point{X: 10, Y: 60}, "legend")
		}, `"legend" overlaps a mark`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMeasurer(100, 100)
			tt.draw(draw.New(m))
			err := m.check()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("check() = %v, want an error containing %s", err, tt.want)
			}
		})
	}
	// Turned labels far enough apart pass, and so do the lines of one
	// wrapped label, which the text handler spaces by the font size.
	multi := sty
	multi.XAlign, multi.YAlign = draw.XCenter, draw.YTop
	m := newMeasurer(200, 200)
	c := draw.New(m)
	c.FillText(rot, vg.Point{X: 30, Y: 10}, "g60 c256 t0.6")
	c.FillText(rot, vg.Point{X: 50, Y: 10}, "g60 c256 t0.8")
	c.FillText(multi, vg.Point{X: 100, Y: 190}, "baseline_vs_\nchimera")
	if err := m.check(); err != nil {
		t.Errorf("turned labels 20 pt apart: %v", err)
	}
}
