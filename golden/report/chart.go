package report

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// An Estimate is one value of a chart with an optional interval around
// it; Lo and Hi NaN mean no interval, a NaN Value leaves a gap.
type Estimate struct {
	Value, Lo, Hi float64
}

// A Series is one estimate per category, drawn in one colour.
type Series struct {
	Name      string
	Estimates []Estimate // one per Chart category
}

// A Kind says how a Chart draws its estimates.
type Kind int

const (
	// Bars draws a bar from zero to each value: for quantities whose
	// ratio is the point (one agent's throughput against two agents').
	Bars Kind = iota
	// Dots draws a dot at each value and its interval as a whisker, on an
	// axis fitted to the data: for differences that are small against the
	// values themselves, which bars from zero would hide and bars from an
	// offset would exaggerate.
	Dots
)

// A Chart is a categorical chart of estimates with intervals, one group
// per category and one colour per series, rendered to SVG
// deterministically (Liberation Sans metrics, no timestamps, no embedded
// fonts): the same data always give the same bytes.
//
// Its layout is fitted to its text, with room for a viewer's font up to
// FontSlack wider than Liberation Sans: the canvas is widened to hold the
// title, the legend sits between the title and the data, and category
// labels that would collide are wrapped at spaces and underscores or, if
// still too wide, turned by 45° or 90° and the data lifted clear of them,
// and the y axis's labels have no useless decimals and room before their
// ticks. Check verifies the result.
type Chart struct {
	Title, YLabel string
	Categories    []string
	Series        []Series
	Kind          Kind
	// Width and Height of the SVG; 0 means 16 cm × 9 cm. The width grows
	// when the title or the categories need more.
	Width, Height vg.Length
}

// FontSlack is how much wider than Liberation Sans a viewer's font may be
// and still fit the layout. A viewer without Liberation Sans, Arial or
// Helvetica (the same metrics) draws the SVG's text in its default sans
// serif: DejaVu Sans on most Linux systems, 13–15 % wider. SVG text starts
// where the layout put it and runs as long as the viewer's font makes it,
// so the layout leaves this much room after every string.
const FontSlack = 1.16

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
// FontSlack.
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
func (c Chart) SVG() ([]byte, error) {
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

// Size returns the chart's width and height: the requested size or
// 16 cm × 9 cm, widened to fit the title and to give every category at
// least the room of one upright line of label text.
func (c Chart) Size() (w, h vg.Length) {
	w, h = c.Width, c.Height
	if w == 0 {
		w = 16 * vg.Centimeter
	}
	if h == 0 {
		h = 9 * vg.Centimeter
	}
	w = max(w, FontSlack*style(titleSize).Width(c.Title)+2*margin)
	p, legend, err := c.plot()
	if err != nil {
		return w, h
	}
	_, _, area := c.frame(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}, legend)
	n := vg.Length(len(c.Categories))
	slot := p.DataCanvas(area).Size().X / n
	if need := p.X.Tick.Label.Height("X") / labelFill; slot < need {
		w += (need - slot) * n
	}
	return w, h
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

// Draw draws the chart on dc, which should be of the chart's Size (for
// other formats than SVG: vgimg, vgpdf).
func (c Chart) Draw(dc draw.Canvas) error {
	for i, s := range c.Series {
		if len(s.Estimates) != len(c.Categories) {
			return fmt.Errorf("chart %q: series %d (%q) has %d estimates for %d categories", c.Title, i, s.Name, len(s.Estimates), len(c.Categories))
		}
	}
	p, legend, err := c.plot()
	if err != nil {
		return err
	}
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	title, legendArea, area := c.frame(dc, legend)
	if c.Title != "" {
		ts := style(titleSize)
		ts.XAlign = draw.XLeft
		dc.FillText(ts, title, c.Title)
	}
	c.fitLabels(p, area)
	area = keepInside(p, area)
	if legend != nil {
		// Aligned with the data's left edge, above it, never over it.
		legendArea.Min.X = p.DataCanvas(area).Min.X
		legend.Draw(legendArea)
	}
	p.Draw(area)
	return nil
}

// frame splits dc, top to bottom, into the title (the point its top
// left corner is drawn at), the legend's strip and the plot's area.
func (c Chart) frame(dc draw.Canvas, legend *plot.Legend) (title vg.Point, legendArea, plotArea draw.Canvas) {
	area := dc
	area.Min.X += margin
	area.Max.X -= margin
	area.Min.Y += margin
	area.Max.Y -= margin
	// Left-aligned: a wider font runs on to the right, into the room
	// Size left for it, instead of off both edges.
	title = vg.Point{X: area.Min.X, Y: area.Max.Y}
	if c.Title != "" {
		area.Max.Y -= style(titleSize).Height(c.Title) + gap
	}
	legendArea = area
	if legend != nil {
		lh := legend.Rectangle(area).Size().Y + legend.TextStyle.FontExtents().Descent
		legendArea.Min.Y = area.Max.Y - lh
		area.Max.Y -= lh + gap
	}
	return title, legendArea, area
}

// plot builds the data part of the chart: axes, grid, estimates. The
// legend is returned apart, for Draw to place outside the data.
func (c Chart) plot() (*plot.Plot, *plot.Legend, error) {
	if len(c.Categories) == 0 {
		return nil, nil, fmt.Errorf("chart %q: no categories", c.Title)
	}
	p := plot.New()
	p.BackgroundColor = nil
	for _, f := range []*text.Style{&p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		f.Font.Typeface, f.Font.Variant, f.Font.Size = "Liberation", "Sans", textSize
	}
	p.Y.Label.Text = c.YLabel
	nominalX(p, c.Categories)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid)

	legend := plot.NewLegend()
	legend.TextStyle = style(textSize)
	legend.TextStyle.XAlign, legend.TextStyle.YAlign = draw.XLeft, draw.YBottom
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(14)
	// gonum spaces entries by their ascent: without this, descenders
	// touch the next entry.
	legend.Padding = legend.TextStyle.FontExtents().Descent + 1

	n, entries := len(c.Series), 0
	group := 0.8 // share of a category's width the series fill
	if c.Kind == Dots {
		group = 0.4 // dots of one category side by side, not spread out
	}
	w := group / float64(max(n, 1))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range c.Series {
		col := palette[i%len(palette)]
		off := (float64(i) - float64(n-1)/2) * w
		var errs errXYs
		var dots plotter.XYs
		var thumb plot.Thumbnailer
		for j, e := range s.Estimates {
			if math.IsNaN(e.Value) {
				continue
			}
			x := float64(j) + off
			lo, hi = math.Min(lo, e.Value), math.Max(hi, e.Value)
			if !math.IsNaN(e.Lo) && !math.IsNaN(e.Hi) {
				errs = append(errs, errXY{x: x, y: e.Value, lo: e.Value - e.Lo, hi: e.Hi - e.Value})
				lo, hi = math.Min(lo, e.Lo), math.Max(hi, e.Hi)
			}
			switch c.Kind {
			case Bars:
				poly, err := plotter.NewPolygon(plotter.XYs{{X: x - w/2, Y: 0}, {X: x + w/2, Y: 0}, {X: x + w/2, Y: e.Value}, {X: x - w/2, Y: e.Value}})
				if err != nil {
					return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
				}
				poly.Color = col
				poly.LineStyle.Width = 0
				p.Add(poly)
				thumb = poly
			case Dots:
				dots = append(dots, plotter.XY{X: x, Y: e.Value})
			}
		}
		if len(errs) > 0 {
			eb, err := plotter.NewYErrorBars(errs)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			eb.CapWidth = vg.Points(4)
			if c.Kind == Dots {
				eb.LineStyle.Color = col
				eb.LineStyle.Width = vg.Points(1.2)
			}
			p.Add(eb)
		}
		if len(dots) > 0 {
			sc, err := plotter.NewScatter(dots)
			if err != nil {
				return nil, nil, fmt.Errorf("chart %q: %w", c.Title, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumb = sc
		}
		if thumb != nil && s.Name != "" {
			legend.Add(s.Name, thumb)
			entries++
		}
	}
	p.X.Min, p.X.Max = -0.5, float64(len(c.Categories))-0.5
	switch {
	case math.IsInf(lo, 0):
		p.Y.Min, p.Y.Max = 0, 1
	case c.Kind == Bars:
		p.Y.Min, p.Y.Max = math.Min(0, lo*1.05), math.Max(0, hi*1.05)
	default:
		pad := 0.08 * (hi - lo)
		if pad == 0 {
			pad = math.Max(math.Abs(hi)*0.01, 1e-9)
		}
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
	}
	yTickLabels(p)
	if entries == 0 {
		return p, nil, nil
	}
	return p, &legend, nil
}

// yTickLabels labels the y axis's ticks with no more decimals than the
// values need, and leaves room between each label and its tick for a font
// FontSlack wider: gonum right-aligns the labels a space before the
// ticks, and a wider font runs on from where Liberation Sans would start.
func yTickLabels(p *plot.Plot) {
	p.Y.Tick.Marker = plainTicks{}
	widest := vg.Length(0)
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		widest = max(widest, p.Y.Tick.Label.Width(t.Label))
	}
	p.Y.Tick.Label.Handler = padded{Handler: p.Y.Tick.Label.Handler, pad: (FontSlack - 1) * widest}
}

// plainTicks are gonum's default ticks, their labels written in fixed
// point with the fewest decimals that give every labelled value: "50",
// "75", "100", not "50.00", "75.00", "100.00" (gonum gives two decimals
// whenever its step is 2.5 times a power of ten). Labels gonum writes as
// exponents stay as they are.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	var vs []float64
	for _, t := range ts {
		if t.IsMinor() {
			continue
		}
		if strings.ContainsAny(t.Label, "eE") {
			return ts
		}
		vs = append(vs, t.Value)
	}
	// Within a millionth of the labels' spacing is exact: tick values
	// carry float noise (75.00000000000001).
	tol := math.Abs(hi - lo)
	for i := 1; i < len(vs); i++ {
		tol = min(tol, math.Abs(vs[i]-vs[i-1]))
	}
	tol *= 1e-6
	prec := 0
	for ; prec < 6; prec++ {
		exact := true
		for _, v := range vs {
			if r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', prec, 64), 64); math.Abs(r-v) > tol {
				exact = false
				break
			}
		}
		if exact {
			break
		}
	}
	for i, t := range ts {
		if !t.IsMinor() {
			ts[i].Label = strconv.FormatFloat(t.Value, 'f', prec, 64)
		}
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

// fitLabels sets the category labels so that they fit their share of the
// data width in area, as wide as FontSlack makes them: as they are,
// wrapped onto up to three lines at spaces and underscores, or turned by
// 45° (or 90° where 45° labels would touch), ending at their category.
func (c Chart) fitLabels(p *plot.Plot, area draw.Canvas) {
	sty := p.X.Tick.Label
	width := func(s string) vg.Length { return FontSlack * sty.Width(s) }
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

// reach is how far above its anchor s, drawn in sty and FontSlack wide,
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
// as the plot's text, FontSlack wide, would reach past area's left and
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

type errXYs []errXY

func (e errXYs) Len() int                        { return len(e) }
func (e errXYs) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errXYs) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }
