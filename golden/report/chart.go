package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A Bar is one bar of a BarChart: a value with an optional interval
// (error bar) around it; Lo and Hi NaN mean no error bar.
type Bar struct {
	Value, Lo, Hi float64
}

// A Series is one bar per category, drawn in one colour.
type Series struct {
	Name string
	Bars []Bar // one per BarChart category; a NaN Value leaves a gap
}

// A BarChart is a grouped bar chart with error bars, rendered to SVG
// deterministically (fixed Liberation Sans font, no timestamps, no
// embedded fonts), so that the same data always give the same bytes.
type BarChart struct {
	Title, YLabel string
	Categories    []string
	Series        []Series
	// YMin and YMax bound the y axis; both 0 means from 0 to just above
	// the highest bar or error bar.
	YMin, YMax float64
	// Width and Height of the SVG; 0 means 16 cm × 9 cm.
	Width, Height vg.Length
	// RotateLabels turns the category labels by 45° for long labels.
	RotateLabels bool
}

// palette is colour-blind safe (Okabe–Ito).
var palette = [...]color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, {0xE6, 0x9F, 0x00, 0xff}, {0x00, 0x9E, 0x73, 0xff},
	{0xCC, 0x79, 0xA7, 0xff}, {0x56, 0xB4, 0xE9, 0xff}, {0xD5, 0x5E, 0x00, 0xff},
}

// SVG renders the chart.
func (c BarChart) SVG() ([]byte, error) {
	p, err := c.Plot()
	if err != nil {
		return nil, err
	}
	wd, ht := c.Size()
	cv := vgsvg.New(wd, ht)
	p.Draw(draw.New(cv))
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: render svg: %w", c.Title, err)
	}
	return buf.Bytes(), nil
}

// Size returns the chart's width and height, defaults applied.
func (c BarChart) Size() (w, h vg.Length) {
	w, h = c.Width, c.Height
	if w == 0 {
		w = 16 * vg.Centimeter
	}
	if h == 0 {
		h = 9 * vg.Centimeter
	}
	return w, h
}

// Plot builds the chart as a gonum plot, for rendering in other formats
// (p.Save(c.Size()) with a .png or .pdf name).
func (c BarChart) Plot() (*plot.Plot, error) {
	p := plot.New()
	for _, f := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		f.Font.Typeface, f.Font.Variant = "Liberation", "Sans"
	}
	p.Title.Text = c.Title
	p.Y.Label.Text = c.YLabel
	p.NominalX(c.Categories...)
	if c.RotateLabels {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())

	n := len(c.Series)
	const group = 0.8 // share of a category's width the bars fill
	w := group / float64(max(n, 1))
	top := 0.0
	for i, s := range c.Series {
		if len(s.Bars) != len(c.Categories) {
			return nil, fmt.Errorf("chart %q: series %q has %d bars for %d categories", c.Title, s.Name, len(s.Bars), len(c.Categories))
		}
		col := palette[i%len(palette)]
		off := (float64(i) - float64(n-1)/2) * w
		var errs errXYs
		var legend plot.Thumbnailer
		for j, b := range s.Bars {
			if math.IsNaN(b.Value) {
				continue
			}
			x0, x1 := float64(j)+off-w/2, float64(j)+off+w/2
			poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: 0}, {X: x1, Y: 0}, {X: x1, Y: b.Value}, {X: x0, Y: b.Value}})
			if err != nil {
				return nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			poly.Color = col
			poly.LineStyle.Width = 0
			p.Add(poly)
			legend = poly
			top = math.Max(top, b.Value)
			if !math.IsNaN(b.Lo) && !math.IsNaN(b.Hi) {
				errs = append(errs, errXY{x: float64(j) + off, y: b.Value, lo: b.Value - b.Lo, hi: b.Hi - b.Value})
				top = math.Max(top, b.Hi)
			}
		}
		if len(errs) > 0 {
			eb, err := plotter.NewYErrorBars(errs)
			if err != nil {
				return nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			eb.CapWidth = vg.Points(4)
			p.Add(eb)
		}
		if legend != nil && s.Name != "" {
			p.Legend.Add(s.Name, legend)
		}
	}
	p.X.Min, p.X.Max = -0.5, float64(len(c.Categories))-0.5
	if c.YMin == 0 && c.YMax == 0 {
		p.Y.Min, p.Y.Max = 0, top*1.35 // headroom for the legend
	} else {
		p.Y.Min, p.Y.Max = c.YMin, c.YMax
	}

	return p, nil
}

type errXY struct{ x, y, lo, hi float64 }

type errXYs []errXY

func (e errXYs) Len() int                        { return len(e) }
func (e errXYs) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errXYs) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }
