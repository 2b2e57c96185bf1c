package chartdraw

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// palette is colour-blind safe (Okabe–Ito).
var palette = [...]color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, {0xE6, 0x9F, 0x00, 0xff}, {0x00, 0x9E, 0x73, 0xff},
	{0xCC, 0x79, 0xA7, 0xff}, {0x56, 0xB4, 0xE9, 0xff}, {0xD5, 0x5E, 0x00, 0xff},
}

const (
	margin    = vg.Length(6) // around the canvas, in points
	gap       = vg.Length(6) // between title, legend and plot
	titleSize = vg.Length(12)
	textSize  = vg.Length(10)
	// labelFill is the share of a category's width its label may use.
	labelFill = 0.9
)

// The SVG names the font family; a viewer without Liberation Sans falls
// back to Arial or Helvetica, which have the same metrics, rather than to
// its default serif font.
var (
	svgFamily         = []byte("font-family:Liberation Sans;")
	svgFamilyFallback = []byte("font-family:Liberation Sans,Arial,Helvetica,sans-serif;")
	svgText           = regexp.MustCompile(`<text ([^>]*font-size:([0-9.]+)px">)([^<]*)</text>`)
)

// fixTextWidths names the fallback fonts and gives every string of an SVG
// from vgsvg its width in Liberation Sans as textLength, so that a browser
// that substitutes a wider or narrower font still fits each string where
// the layout measured it. Renderers that ignore textLength (librsvg) have
// report.FontSlack.
func fixTextWidths(svg []byte) []byte {
	svg = bytes.ReplaceAll(svg, svgFamily, svgFamilyFallback)
	return svgText.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := svgText.FindSubmatch(m)
		size, err := strconv.ParseFloat(string(sub[2]), 64)
		if err != nil {
			return m
		}
		sty := style(vg.Length(size))
		w := sty.Width(html.UnescapeString(string(sub[3])))
		return fmt.Appendf(nil, `<text textLength="%.2f" lengthAdjust="spacingAndGlyphs" %s%s</text>`, w, sub[1], sub[3])
	})
}

// SVG renders the chart.
func (c chart) SVG() ([]byte, error) {
	w, h := c.Size()
	cv := vgsvg.New(w, h)
	if err := c.Draw(draw.New(cv)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: render svg: %w", c.Title, err)
	}
	return fixTextWidths(buf.Bytes()), nil
}

// PNG renders the chart as a PNG image at dpi dots per inch, for a person
// to look at (the SVG is what reports embed).
func (c chart) PNG(dpi int) ([]byte, error) {
	w, h := c.Size()
	cv := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))}
	if err := c.Draw(draw.New(cv)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: render png: %w", c.Title, err)
	}
	return buf.Bytes(), nil
}

// Size returns the chart's width and height: the requested size or
// 16 cm × 9 cm, widened only to give every category at least the room of
// one upright line of label text (made taller for that, for report.HBars), and
// made taller until the data area is report.MinDataShare of the height.
func (c chart) Size() (w, h vg.Length) {
	w, h = vg.Length(c.Width), vg.Length(c.Height)
	if w == 0 {
		w = 16 * vg.Centimeter
	}
	if h == 0 {
		h = 9 * vg.Centimeter
	}
	p, legend, err := c.plot()
	if err != nil {
		return w, h
	}
	if c.categoryX() {
		_, _, area := c.frame(blank(w, h), legend)
		n := vg.Length(len(c.Categories))
		slot := p.DataCanvas(area).Size().X / n
		if need := p.X.Tick.Label.Height("X") / labelFill; slot < need {
			w += (need - slot) * n
		}
	}
	if c.Kind == report.HBars {
		// Every category a line of label text high at least, as upright
		// bars' categories are a line wide: the height grows.
		need := p.Y.Tick.Label.Height("X") / labelFill
		for range 3 {
			d, err := c.dataArea(w, h)
			if err != nil {
				break
			}
			n := vg.Length(len(c.Categories))
			slot := d.Size().Y / n
			if slot >= need {
				break
			}
			h += vg.Length(math.Ceil(float64((need - slot) * n)))
		}
	}
	// The text around the data keeps its height as the canvas grows.
	for range 3 {
		d, err := c.dataArea(w, h)
		if err != nil || d.Size().Y >= report.MinDataShare*h {
			break
		}
		h = vg.Length(math.Ceil(float64((h - d.Size().Y) / (1 - report.MinDataShare))))
	}
	return w, h
}

// DataArea is where the chart, at its Size, draws its data: the rectangle
// inside the axes.
func (c chart) DataArea() (vg.Rectangle, error) {
	w, h := c.Size()
	return c.dataArea(w, h)
}

func (c chart) dataArea(w, h vg.Length) (vg.Rectangle, error) {
	l, err := c.layout(blank(w, h))
	if err != nil {
		return vg.Rectangle{}, err
	}
	return l.p.DataCanvas(l.area).Rectangle, nil
}

// blank is a canvas of w × h that draws nothing, for layout.
func blank(w, h vg.Length) draw.Canvas {
	return draw.Canvas{Canvas: newMeasurer(w, h), Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
}

// categoryX reports whether the x axis holds the categories.
func (c chart) categoryX() bool { return c.Kind != report.HBars && !c.numericX() }

// numericX reports whether the x axis is numeric: no categories, and every
// series places its estimates by X.
func (c chart) numericX() bool {
	if len(c.Categories) > 0 || len(c.Series) == 0 {
		return false
	}
	for _, s := range c.Series {
		if s.X == nil {
			return false
		}
	}
	return true
}

// style is the chart's text style at size points.
func style(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.Font{Typeface: "Liberation", Variant: "Sans", Size: size},
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
		Handler: plot.DefaultTextHandler,
	}
}

// layout is where the parts of a chart go on a canvas.
type layout struct {
	p          *plot.Plot
	legend     *plot.Legend
	title      string // wrapped to the canvas
	titleAt    vg.Point
	legendArea draw.Canvas
	area       draw.Canvas // of the plot: axes and data
}

func (c chart) layout(dc draw.Canvas) (layout, error) {
	p, legend, err := c.plot()
	if err != nil {
		return layout{}, err
	}
	l := layout{p: p, legend: legend, title: c.wrappedTitle(dc.Size().X)}
	l.titleAt, l.legendArea, l.area = c.frame(dc, legend)
	if c.categoryX() {
		c.fitLabels(p, l.area)
	}
	l.area = keepInside(p, l.area)
	// Aligned with the data's left edge, above it, never over it.
	l.legendArea.Min.X = p.DataCanvas(l.area).Min.X
	return l, nil
}

// Draw draws the chart on dc, which should be of the chart's Size (for
// other formats than SVG: vgimg, vgpdf).
func (c chart) Draw(dc draw.Canvas) error {
	l, err := c.layout(dc)
	if err != nil {
		return err
	}
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	if l.title != "" {
		ts := style(titleSize)
		ts.XAlign = draw.XLeft
		dc.FillText(ts, l.titleAt, l.title)
	}
	if l.legend != nil {
		l.legend.Draw(l.legendArea)
	}
	l.p.Draw(l.area)
	return nil
}

// wrappedTitle is the title broken at spaces into lines that fit a canvas
// w wide, report.FontSlack wide; a word longer than the line stays whole.
func (c chart) wrappedTitle(w vg.Length) string {
	if c.Title == "" {
		return ""
	}
	sty := style(titleSize)
	room := w - 2*margin
	var lines []string
	line := ""
	for _, word := range strings.Fields(c.Title) {
		if line != "" && report.FontSlack*sty.Width(line+" "+word) > room {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}

// frame splits dc, top to bottom, into the title (the point its top
// left corner is drawn at), the legend's strip and the plot's area.
func (c chart) frame(dc draw.Canvas, legend *plot.Legend) (title vg.Point, legendArea, plotArea draw.Canvas) {
	area := dc
	area.Min.X += margin
	area.Max.X -= margin
	area.Min.Y += margin
	area.Max.Y -= margin
	// Left-aligned: a wider font runs on to the right, into the room
	// the wrapping left for it, instead of off both edges.
	title = vg.Point{X: area.Min.X, Y: area.Max.Y}
	if t := c.wrappedTitle(dc.Size().X); t != "" {
		area.Max.Y -= style(titleSize).Height(t) + gap
	}
	legendArea = area
	if legend != nil {
		lh := legend.Rectangle(area).Size().Y + legend.TextStyle.FontExtents().Descent
		legendArea.Min.Y = area.Max.Y - lh
		area.Max.Y -= lh + gap
	}
	return title, legendArea, area
}

// validate refuses what the chart cannot draw truthfully.
func (c chart) validate() error {
	numeric := c.numericX()
	if len(c.Categories) == 0 && !numeric {
		return fmt.Errorf("chart %q: no categories, and not every series has X", c.Title)
	}
	if c.Kind != report.Dots && numeric {
		return fmt.Errorf("chart %q: a numeric x axis draws Dots", c.Title)
	}
	if c.LogY && c.Kind != report.Dots {
		return fmt.Errorf("chart %q: bars on a log axis: a log axis has no zero to stand them on; draw Dots", c.Title)
	}
	if c.LogX && !numeric {
		return fmt.Errorf("chart %q: LogX needs a numeric x axis (every series with X)", c.Title)
	}
	for i, s := range c.Series {
		want, of := len(c.Categories), "categories"
		if numeric {
			want, of = len(s.X), "x values"
		}
		if len(s.Estimates) != want {
			return fmt.Errorf("chart %q: series %d (%q) has %d estimates for %d %s", c.Title, i, s.Name, len(s.Estimates), want, of)
		}
		if s.X != nil && !numeric {
			return fmt.Errorf("chart %q: series %q has X, but the x axis holds categories (Categories set, or a series without X)", c.Title, s.Name)
		}
		if s.Fit && !numeric {
			return fmt.Errorf("chart %q: series %q: a fit needs a numeric x axis (X on every series, no Categories)", c.Title, s.Name)
		}
		for j, e := range s.Estimates {
			at := fmt.Sprintf("point %d", j)
			if j < len(c.Categories) {
				at = fmt.Sprintf("%q", c.Categories[j])
			}
			if numeric && (math.IsNaN(s.X[j]) || math.IsInf(s.X[j], 0)) {
				return fmt.Errorf("chart %q: series %q, %s: x = %v is not a number on the axis", c.Title, s.Name, at, s.X[j])
			}
			for _, v := range []float64{e.Value, e.Lo, e.Hi} {
				if math.IsInf(v, 0) {
					return fmt.Errorf("chart %q: series %q, %s: %v cannot be drawn (NaN leaves a gap)", c.Title, s.Name, at, v)
				}
			}
			if numeric && c.LogX && !(s.X[j] > 0) {
				return fmt.Errorf("chart %q: log x axis: series %q, %s: x = %v is not positive", c.Title, s.Name, at, s.X[j])
			}
			if c.LogY && !math.IsNaN(e.Value) {
				for _, v := range []float64{e.Value, e.Lo, e.Hi} {
					if !math.IsNaN(v) && !(v > 0) {
						return fmt.Errorf("chart %q: log y axis: series %q, %s: %v is not positive", c.Title, s.Name, at, v)
					}
				}
			}
		}
	}
	for _, r := range c.Refs {
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			return fmt.Errorf("chart %q: reference line %q at %v", c.Title, r.Label, r.Value)
		}
		if c.LogY && !(r.Value > 0) {
			return fmt.Errorf("chart %q: log y axis: reference line %q at %v is not positive", c.Title, r.Label, r.Value)
		}
	}
	for _, r := range c.XRefs {
		switch {
		case !numeric:
			return fmt.Errorf("chart %q: reference line %q on x needs a numeric x axis (every series with X)", c.Title, r.Label)
		case math.IsNaN(r.Value) || math.IsInf(r.Value, 0):
			return fmt.Errorf("chart %q: reference line %q at x = %v", c.Title, r.Label, r.Value)
		case c.LogX && !(r.Value > 0):
			return fmt.Errorf("chart %q: log x axis: reference line %q at x = %v is not positive", c.Title, r.Label, r.Value)
		}
	}
	return nil
}

// plot builds the data part of the chart: axes, grid, estimates. The
// legend is returned apart, for Draw to place outside the data.
func (c chart) plot() (*plot.Plot, *plot.Legend, error) {
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	numeric, horizontal := c.numericX(), c.Kind == report.HBars
	p := plot.New()
	p.BackgroundColor = nil
	for _, f := range []*text.Style{&p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		f.Font.Typeface, f.Font.Variant, f.Font.Size = "Liberation", "Sans", textSize
	}
	val, cat := &p.Y, &p.X // the value axis and the other one
	if horizontal {
		val, cat = &p.X, &p.Y
	}
	val.Label.Text = c.YLabel
	switch {
	case numeric:
		p.X.Label.Text = c.XLabel
	case horizontal:
		// The first category on top.
		labels := slices.Clone(c.Categories)
		slices.Reverse(labels)
		p.NominalY(labels...)
		p.X.Padding = 0
	default:
		nominalX(p, c.Categories)
	}
	grid := plotter.NewGrid()
	switch {
	case horizontal:
		grid.Horizontal.Color = nil
	case !numeric:
		grid.Vertical.Color = nil
	}
	p.Add(grid)

	legend := plot.NewLegend()
	legend.TextStyle = style(textSize)
	legend.TextStyle.XAlign, legend.TextStyle.YAlign = draw.XLeft, draw.YBottom
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(14)
	// gonum spaces entries by their ascent: without this, descenders
	// touch the next entry.
	legend.Padding = legend.TextStyle.FontExtents().Descent + 1

	n, entries, hollow := len(c.Series), 0, false
	group := 0.8 // share of a category's width the series fill
	if c.Kind == report.Dots {
		group = 0.4 // dots of one category side by side, not spread out
	}
	w := group / float64(max(n, 1))
	lo, hi := math.Inf(1), math.Inf(-1)   // of the values
	xlo, xhi := math.Inf(1), math.Inf(-1) // of a numeric x
	seen := func(v float64) { lo, hi = math.Min(lo, v), math.Max(hi, v) }
	for i, s := range c.Series {
		col := palette[i%len(palette)]
		off := (float64(i) - float64(n-1)/2) * w
		var errs errXYs
		var dots, rings plotter.XYs
		var thumb plot.Thumbnailer
		for j, e := range s.Estimates {
			if math.IsNaN(e.Value) {
				continue
			}
			x := float64(j) + off
			switch {
			case numeric:
				x = s.X[j]
				xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			case horizontal:
				x = float64(len(c.Categories)-1-j) - off
			}
			seen(e.Value)
			withCI := !math.IsNaN(e.Lo) && !math.IsNaN(e.Hi)
			if withCI {
				errs = append(errs, errXY{x: x, y: e.Value, lo: e.Value - e.Lo, hi: e.Hi - e.Value})
				seen(e.Lo)
				seen(e.Hi)
			}
			switch c.Kind {
			case report.Bars, report.HBars:
				pts := plotter.XYs{{X: x - w/2, Y: 0}, {X: x + w/2, Y: 0}, {X: x + w/2, Y: e.Value}, {X: x - w/2, Y: e.Value}}
				if horizontal {
					for k := range pts {
						pts[k].X, pts[k].Y = pts[k].Y, pts[k].X
					}
				}
				poly, err := plotter.NewPolygon(pts)
				if err != nil {
					return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
				}
				poly.Color = col
				poly.LineStyle.Width = 0
				p.Add(poly)
				thumb = poly
			case report.Dots:
				if withCI {
					dots = append(dots, plotter.XY{X: x, Y: e.Value})
				} else {
					rings = append(rings, plotter.XY{X: x, Y: e.Value})
				}
			}
		}
		if s.Fit {
			band, line, err := fitCurve(s, c.LogX)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: series %q: %w", c.Title, s.Name, err)
			}
			for _, q := range band {
				seen(q.Y)
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 0x40}
			poly.LineStyle.Width = 0
			l, err := plotter.NewLine(line)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.5)}
			p.Add(poly, l)
		}
		if len(errs) > 0 {
			var eb plot.Plotter
			if horizontal {
				xe := make(xErrs, len(errs))
				for k, e := range errs {
					xe[k] = errXY{x: e.y, y: e.x, lo: e.lo, hi: e.hi}
				}
				b, err := plotter.NewXErrorBars(xe)
				if err != nil {
					return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
				}
				b.CapWidth = vg.Points(4)
				eb = b
			} else {
				b, err := plotter.NewYErrorBars(errs)
				if err != nil {
					return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
				}
				b.CapWidth = vg.Points(4)
				if c.Kind == report.Dots {
					b.LineStyle.Color = col
					b.LineStyle.Width = vg.Points(1.2)
				}
				eb = b
			}
			p.Add(eb)
		}
		for _, pts := range []struct {
			xys   plotter.XYs
			shape draw.GlyphDrawer
		}{{dots, draw.CircleGlyph{}}, {rings, ring{}}} {
			if len(pts.xys) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts.xys)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: pts.shape}
			p.Add(sc)
			// The series' colour, filled: the legend's one ring is the
			// entry for hollow markers.
			thumb = discThumb{col}
		}
		hollow = hollow || len(rings) > 0
		if s.Fit && s.Name != "" {
			thumb = fitThumb{col}
		}
		if thumb != nil && s.Name != "" {
			legend.Add(s.Name, thumb)
			entries++
		}
	}
	if hollow {
		legend.Add("hollow: no interval", ringThumb{})
		entries++
	}
	for _, r := range c.Refs {
		seen(r.Value)
		legend.Add(r.Label, refThumb{refStyle})
		entries++
	}
	for _, r := range c.XRefs {
		xlo, xhi = math.Min(xlo, r.Value), math.Max(xhi, r.Value)
		legend.Add(r.Label, refThumb{xRefStyle})
		entries++
	}
	if !math.IsInf(lo, 0) {
		for _, r := range c.Refs {
			p.Add(refLine{value: r.Value, across: horizontal, style: refStyle})
		}
		for _, r := range c.XRefs {
			p.Add(refLine{value: r.Value, across: true, style: xRefStyle})
		}
	}
	switch {
	case numeric:
		p.X.Min, p.X.Max = padRange(xlo, xhi, c.LogX)
	default:
		cat.Min, cat.Max = -0.5, float64(len(c.Categories))-0.5
	}
	switch {
	case math.IsInf(lo, 0):
		val.Min, val.Max = 0, 1
		if c.LogY {
			val.Min, val.Max = 1, 10
		}
	case c.Kind != report.Dots:
		val.Min, val.Max = math.Min(0, lo*1.05), math.Max(0, hi*1.05)
	default:
		val.Min, val.Max = padRange(lo, hi, c.LogY)
	}
	if c.LogY {
		val.Scale = plot.LogScale{}
		val.Tick.Marker = logTicks{}
	} else {
		val.Tick.Marker = plainTicks{}
	}
	if numeric {
		p.X.Tick.Marker = plainTicks{}
		if c.LogX {
			p.X.Scale = plot.LogScale{}
			p.X.Tick.Marker = logTicks{}
		}
		if c.XTicksAtData {
			p.X.Tick.Marker = dataTicks(c.Series)
		}
	}
	yTickLabels(p)
	if numeric || horizontal {
		// gonum sets numeric x labels a descent into their ticks, and
		// the axis label against them.
		p.X.Tick.Label.Handler = lowered{Handler: p.X.Tick.Label.Handler, by: p.X.Tick.Label.FontExtents().Descent + 1}
		p.X.Label.Padding = p.X.Label.TextStyle.FontExtents().Descent + 2
	}
	if entries == 0 {
		return p, nil, nil
	}
	return p, &legend, nil
}

// padRange is lo to hi with 8 % of their span around, on a log scale in
// ratios.
func padRange(lo, hi float64, log bool) (float64, float64) {
	if log {
		l, h := padRange(math.Log10(lo), math.Log10(hi), false)
		return math.Pow(10, l), math.Pow(10, h)
	}
	pad := 0.08 * (hi - lo)
	if pad == 0 {
		pad = math.Max(math.Abs(hi)*0.01, 1e-9)
	}
	return lo - pad, hi + pad
}

// fitCurve is the power law stats.FitPowerLaw fits to s's points, as a
// line over their x range, and the 95 % confidence band of that line as a
// polygon. The band's half-width at x, in log10 y, is
// t·s·√(1/n + (log x − mean log x)²/Sxx); B's interval is B ± t·s/√Sxx,
// so t·s is half its width times √Sxx.
func fitCurve(s report.Series, logX bool) (band, line plotter.XYs, err error) {
	var xs, ys []float64
	for j, e := range s.Estimates {
		if !math.IsNaN(e.Value) {
			xs, ys = append(xs, s.X[j]), append(ys, e.Value)
		}
	}
	fit := stats.FitPowerLaw(xs, ys, 0.95)
	if math.IsNaN(fit.B) {
		return nil, nil, fmt.Errorf("no power law fits %d points (every x and y must be positive, two x at least different)", len(xs))
	}
	lx := make([]float64, len(xs))
	for i, x := range xs {
		lx[i] = math.Log10(x)
	}
	mx := stats.Mean(lx)
	var sxx float64
	for _, v := range lx {
		sxx += (v - mx) * (v - mx)
	}
	half := (fit.BInterval.Hi - fit.BInterval.Lo) / 2 // NaN below 3 points: no band
	ts := half * math.Sqrt(sxx)
	xlo, xhi := slices.Min(xs), slices.Max(xs)
	const steps = 48
	var lower plotter.XYs
	for k := range steps + 1 {
		f := float64(k) / steps
		x := xlo + f*(xhi-xlo)
		if logX {
			x = math.Pow(10, math.Log10(xlo)+f*(math.Log10(xhi)-math.Log10(xlo)))
		}
		if k == steps {
			x = xhi // not a rounding short of it
		}
		y := fit.At(x)
		line = append(line, plotter.XY{X: x, Y: y})
		if math.IsNaN(half) {
			continue
		}
		d := math.Log10(x) - mx
		h := ts * math.Sqrt(1/float64(fit.N)+d*d/sxx)
		band = append(band, plotter.XY{X: x, Y: y * math.Pow(10, h)})
		lower = append(lower, plotter.XY{X: x, Y: y / math.Pow(10, h)})
	}
	if band == nil {
		// Two points: the line, and no band to draw; a degenerate
		// polygon on the line itself.
		band = slices.Clone(line)
		lower = slices.Clone(line)
	}
	slices.Reverse(lower)
	return append(band, lower...), line, nil
}

// refLine is a line in style across the data at value on the value axis
// (on x if across).
type refLine struct {
	value  float64
	across bool
	style  draw.LineStyle
}

func (r refLine) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	if r.across {
		x := tx(r.value)
		c.StrokeLine2(r.style, x, c.Min.Y, x, c.Max.Y)
		return
	}
	y := ty(r.value)
	c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
}

var (
	refStyle  = draw.LineStyle{Color: color.NRGBA{0x44, 0x44, 0x44, 0xff}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	xRefStyle = draw.LineStyle{Color: color.NRGBA{0x44, 0x44, 0x44, 0xff}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
)

// refThumb is a reference line's legend entry.
type refThumb struct{ style draw.LineStyle }

func (r refThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
}

// ringThumb is the legend's hollow marker, in black: any series' colour.
type ringThumb struct{}

func (ringThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: ring{}}, c.Center())
}

// ring is a hollow marker drawn as boldly as the whiskers (gonum's ring
// is a hairline).
type ring struct{}

func (ring) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.2)})
	var p vg.Path
	r := sty.Radius - vg.Points(0.6)
	p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Arc(pt, r, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}

type discThumb struct{ col color.NRGBA }

func (d discThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle{Color: d.col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}, c.Center())
}

// fitThumb is a fitted series' legend entry: its band and line.
type fitThumb struct{ col color.NRGBA }

func (f fitThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	band := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - vg.Points(3)}, Max: vg.Point{X: c.Max.X, Y: y + vg.Points(3)}}
	c.SetColor(color.NRGBA{R: f.col.R, G: f.col.G, B: f.col.B, A: 0x40})
	c.Fill(band.Path())
	c.StrokeLine2(draw.LineStyle{Color: f.col, Width: vg.Points(1.5)}, c.Min.X, y, c.Max.X, y)
	c.DrawGlyph(draw.GlyphStyle{Color: f.col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}, c.Center())
}

// logLabel writes m·10^k plainly (0.001, 20, 50000) or, if exp, in e
// notation (1e8, 2e8).
func logLabel(m, k int, exp bool) string {
	if exp {
		return strconv.Itoa(m) + "e" + strconv.Itoa(k)
	}
	return strconv.FormatFloat(float64(m)*math.Pow10(k), 'f', max(0, -k), 64)
}

// logTicks label a log axis at powers of ten and, where the axis spans
// less than two and a half decades, at 2 and 5 times them: in plain
// decimals where every label lies from 0.001 to 100000, else all in e
// notation (an axis that reads 10000 then 1e5 reads as two scales).
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	k0, k1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	mults := []int{1}
	if math.Log10(hi/lo) <= 2.5 {
		mults = []int{1, 2, 5}
	}
	type at struct{ i, m, k int }
	var labelled []at
	exp := false
	for k := k0; k <= k1; k++ {
		for m := 1; m < 10; m++ {
			v := float64(m) * math.Pow10(k)
			if v < lo || v > hi {
				continue
			}
			if slices.Contains(mults, m) {
				labelled = append(labelled, at{len(ts), m, k})
				exp = exp || k < -3 || k > 5
			}
			ts = append(ts, plot.Tick{Value: v})
		}
	}
	for _, l := range labelled {
		ts[l.i].Label = logLabel(l.m, l.k, exp)
	}
	return ts
}

// dataTicks labels an x axis at every distinct X of the series, in the
// shortest decimal that is the value.
func dataTicks(series []report.Series) plot.ConstantTicks {
	var xs []float64
	for _, s := range series {
		xs = append(xs, s.X...)
	}
	slices.Sort(xs)
	var ts plot.ConstantTicks
	for _, x := range slices.Compact(xs) {
		ts = append(ts, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'f', -1, 64)})
	}
	return ts
}

// yTickLabels labels the y axis's ticks with no more decimals than the
// values need, and leaves room between each label and its tick for a font
// report.FontSlack wider: gonum right-aligns the labels a space before the
// ticks, and a wider font runs on from where Liberation Sans would start.
func yTickLabels(p *plot.Plot) {
	widest := vg.Length(0)
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		widest = max(widest, p.Y.Tick.Label.Width(t.Label))
	}
	p.Y.Tick.Label.Handler = padded{Handler: p.Y.Tick.Label.Handler, pad: (report.FontSlack - 1) * widest}
}

// plainTicks label a linear axis every 1, 2 or 5 times a power of ten,
// the finest such step that gives at most maxLabels labels, with minor
// ticks between (fifths of a step of 1 or 5, quarters of a step of 2), in
// fixed point with the decimals the step needs: "0", "0.5", "1", "1.5" on
// a speedup axis, so that a reference line at 1× meets a label. gonum's
// default asks for three labels and accepts steps of 3 and 4: 0, 0.9,
// 1.8 or 12, 24, 36.
type plainTicks struct{}

// maxLabels is the most labels plainTicks puts on an axis.
const maxLabels = 6

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	k, m := int(math.Floor(math.Log10(hi-lo)))-2, 0.0
	for m == 0 {
		for _, f := range []float64{1, 2, 5} {
			if s := f * math.Pow10(k); math.Floor(hi/s)-math.Ceil(lo/s)+1 <= maxLabels {
				m = f
				break
			}
		}
		if m == 0 {
			k++
		}
	}
	step := m * math.Pow10(k)
	minors := 5.0
	if m == 2 {
		minors = 4
	}
	prec := max(0, -k)
	var ts []plot.Tick
	for i := math.Ceil(lo / step * minors); i <= math.Floor(hi/step*minors); i++ {
		v := i * step / minors
		if math.Mod(i, minors) != 0 {
			ts = append(ts, plot.Tick{Value: v})
			continue
		}
		v = i / minors * step
		if v == 0 {
			v = 0 // not -0
		}
		label := strconv.FormatFloat(v, 'f', prec, 64)
		if k > 6 || k < -6 {
			label = strconv.FormatFloat(v, 'g', -1, 64)
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
	}
	return ts
}

// padded is a text handler whose unrotated strings take pad more room
// after them than their text: right-aligned, the text ends pad before
// where it is aligned, and a layout that sizes by the text's width (gonum's
// axes) leaves that room.
type padded struct {
	text.Handler
	pad vg.Length
}

func (h padded) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	width, height, depth = h.Handler.Box(txt, fnt)
	return width + h.pad, height, depth
}

func (h padded) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	pt.X += vg.Length(sty.XAlign) * h.pad
	h.Handler.Draw(c, txt, sty, pt)
}

// lowered is a text handler whose strings sit by lower than where they
// are drawn, and take that much more height.
type lowered struct {
	text.Handler
	by vg.Length
}

func (h lowered) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	width, height, depth = h.Handler.Box(txt, fnt)
	return width, height + h.by, depth
}

func (h lowered) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	pt.Y -= h.by
	h.Handler.Draw(c, txt, sty, pt)
}

// fitLabels sets the category labels so that they fit their share of the
// data width in area, as wide as report.FontSlack makes them: as they are,
// wrapped onto up to three lines at spaces and underscores, or turned by
// 45° (or 90° where 45° labels would touch), ending at their category.
func (c chart) fitLabels(p *plot.Plot, area draw.Canvas) {
	sty := p.X.Tick.Label
	width := func(s string) vg.Length { return report.FontSlack * sty.Width(s) }
	slot := p.DataCanvas(area).Size().X / vg.Length(max(len(c.Categories), 1))
	fit := labelFill * slot
	widest := vg.Length(0)
	for _, l := range c.Categories {
		widest = max(widest, width(l))
	}
	if widest <= fit {
		return
	}
	wrapped := make([]string, len(c.Categories))
	ok := true
	for i, l := range c.Categories {
		lines := wrap(l, func(s string) bool { return width(s) <= fit })
		if lines == nil || len(lines) > 3 {
			ok = false
			break
		}
		wrapped[i] = strings.Join(lines, "\n")
	}
	if ok {
		nominalX(p, wrapped)
		return
	}
	theta := math.Pi / 4
	if sty.Height("X") > labelFill*slot*math.Sqrt2/2 {
		theta = math.Pi / 2
	}
	p.X.Tick.Label.Rotation = theta
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	// A turned label ends at its category, its anchor one descent above
	// the axis line (where gonum puts every tick label), and its end
	// corner rises above the anchor, the more so as a wider font runs on
	// towards the data: lift the data by that much, so that the axis's
	// own padding stays the gap between the labels and the data.
	rise := vg.Length(0)
	for _, l := range c.Categories {
		rise = max(rise, reach(p.X.Tick.Label, l))
	}
	p.X.Padding += p.X.Tick.Label.FontExtents().Descent + rise
}

// reach is how far above its anchor s, drawn in sty and report.FontSlack wide,
// extends on the canvas: measured as Check measures it.
func reach(sty text.Style, s string) vg.Length {
	m := newMeasurer(0, 0)
	dc := draw.New(m)
	dc.FillText(sty, vg.Point{}, s)
	top := vg.Length(0)
	for _, t := range m.texts {
		for _, q := range t.box {
			top = max(top, q.Y)
		}
	}
	return top
}

// keepInside returns area narrowed, and the data moved right, by as much
// as the plot's text, report.FontSlack wide, would reach past area's left and
// right edges (turned category labels hang left of their category; the
// plot's own estimate of their extent is short), measuring trial drawings.
func keepInside(p *plot.Plot, area draw.Canvas) draw.Canvas {
	for range 3 {
		m := newMeasurer(area.Max.X+margin, area.Max.Y+margin)
		p.Draw(draw.Canvas{Canvas: m, Rectangle: area.Rectangle})
		left, right := area.Min.X, area.Max.X
		for _, t := range m.texts {
			for _, q := range t.box {
				left, right = min(left, q.X), max(right, q.X)
			}
		}
		if left >= area.Min.X && right <= area.Max.X {
			break
		}
		p.Y.Padding += area.Min.X - left
		area.Max.X -= right - area.Max.X
	}
	return area
}

// nominalX labels the categories. plot.NominalX also pads the y axis by
// half the first label's width, which leaves a gap before the data; the
// plot keeps labels on the canvas without it.
func nominalX(p *plot.Plot, labels []string) {
	p.NominalX(labels...)
	p.Y.Padding = 0
}

// wrap breaks s into lines at spaces (dropped) and after underscores
// (kept), greedily, so that every line fits; nil if a single word does
// not fit.
func wrap(s string, fits func(string) bool) []string {
	var words []string
	for _, f := range strings.Fields(s) {
		for f != "" {
			i := strings.IndexByte(f, '_')
			if i < 0 || i == len(f)-1 {
				words = append(words, f)
				break
			}
			words = append(words, f[:i+1])
			f = f[i+1:]
		}
	}
	var lines []string
	line := ""
	for _, w := range words {
		sep := " "
		if line == "" || strings.HasSuffix(line, "_") {
			sep = ""
		}
		if line != "" && fits(line+sep+w) {
			line += sep + w
			continue
		}
		if !fits(w) {
			return nil
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

type errXY struct{ x, y, lo, hi float64 }

// xErrs are errXYs whose errors lie along x.
type xErrs []errXY

func (e xErrs) Len() int                        { return len(e) }
func (e xErrs) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e xErrs) XError(i int) (float64, float64) { return e[i].lo, e[i].hi }

type errXYs []errXY

func (e errXYs) Len() int                        { return len(e) }
func (e errXYs) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errXYs) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }
