package chartdraw

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

// Check draws the chart on a canvas that measures instead of painting, and
// returns an error naming every string that leaves the canvas, overlaps
// another string, or overlaps a drawn mark (a bar, a dot, a whisker, a
// grid, axis, reference or fitted line, a band): a title clipped at the
// edge, category labels running into each other, a legend over the data;
// and an error if the data area is less than report.MinDataShare of the height.
// Extents are the font's (the width of the string, its ascent and descent)
// after every rotation and translation the chart applied, each string
// report.FontSlack times as wide as in Liberation Sans from where it starts, as a
// viewer's wider font draws it.
func (c chart) Check() error {
	w, h := c.Size()
	return c.check(w, h)
}

// check is Check at a size of w × h.
func (c chart) check(w, h vg.Length) error {
	m := newMeasurer(w, h)
	if err := c.Draw(draw.New(m)); err != nil {
		return err
	}
	err := m.check()
	d, derr := c.dataArea(w, h)
	if derr != nil {
		return derr
	}
	if d.Size().Y < report.MinDataShare*h {
		err = errors.Join(err, fmt.Errorf("the data area is %.1f pt of the %.1f pt height: %.0f %%, less than %.0f %%",
			d.Size().Y, h, float64(100*d.Size().Y/h), 100*report.MinDataShare))
	}
	return err
}

// A quad is a convex quadrilateral on the canvas, corners in order.
type quad [4]vg.Point

// A placed string is where a string's box landed. Strings of one block
// are the lines of one multi-line text, which the text handler spaces by
// the font size: their boxes overlapping is leading, not a collision. (A
// string drawn right after another, exactly one font size below it with
// the same transform, is taken for its next line.)
type placed struct {
	text  string
	box   quad
	block int
	// where it was drawn, in the canvas's coordinates at the time
	m    affine
	at   vg.Point
	size vg.Length
}

// state is what Push saves and Pop restores.
type state struct {
	m     affine
	width vg.Length
}

// affine is a 2D affine transform: x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

// then is m followed, in the drawing's own coordinates, by n: the
// transform of a canvas on which n was applied after m.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// measurer is a vg.Canvas that records where strings and marks land.
type measurer struct {
	w, h  vg.Length
	m     affine
	width vg.Length // of stroked lines; a stroke of width 0 draws nothing
	stack []state
	texts []placed
	marks []vg.Rectangle // bounding boxes of stroked and filled paths
	// centres of circles: stroked (rings, hollow markers) and filled
	// (discs)
	rings, discs []vg.Point
}

func newMeasurer(w, h vg.Length) *measurer {
	return &measurer{w: w, h: h, m: affine{a: 1, d: 1}, width: 1}
}

func (r *measurer) SetLineWidth(w vg.Length)            { r.width = w }
func (r *measurer) SetLineDash([]vg.Length, vg.Length)  {}
func (r *measurer) SetColor(color.Color)                {}
func (r *measurer) DrawImage(vg.Rectangle, image.Image) {}
func (r *measurer) Size() (w, h vg.Length)              { return r.w, r.h }
func (r *measurer) Push()                               { r.stack = append(r.stack, state{r.m, r.width}) }
func (r *measurer) Pop() {
	st := r.stack[len(r.stack)-1]
	r.m, r.width = st.m, st.width
	r.stack = r.stack[:len(r.stack)-1]
}
func (r *measurer) Rotate(rad float64) {
	sin, cos := math.Sincos(rad)
	r.m = r.m.then(affine{a: cos, b: sin, c: -sin, d: cos})
}
func (r *measurer) Translate(p vg.Point) {
	r.m = r.m.then(affine{a: 1, d: 1, e: float64(p.X), f: float64(p.Y)})
}
func (r *measurer) Scale(x, y float64) { r.m = r.m.then(affine{a: x, d: y}) }
func (r *measurer) Stroke(p vg.Path) {
	if r.width > 0 {
		r.mark(p)
		r.rings = append(r.rings, r.circles(p)...)
	}
}
func (r *measurer) Fill(p vg.Path) {
	r.mark(p)
	r.discs = append(r.discs, r.circles(p)...)
}

// circles are the centres of p's arcs, on the canvas.
func (r *measurer) circles(p vg.Path) []vg.Point {
	var cs []vg.Point
	for _, c := range p {
		if c.Type == vg.ArcComp {
			cs = append(cs, r.m.apply(c.Pos))
		}
	}
	return cs
}

func (r *measurer) FillString(f font.Face, p vg.Point, s string) {
	e := f.Extents()
	wd := report.FontSlack * f.Width(s)
	box := quad{
		{X: p.X, Y: p.Y - e.Descent}, {X: p.X + wd, Y: p.Y - e.Descent},
		{X: p.X + wd, Y: p.Y + e.Ascent}, {X: p.X, Y: p.Y + e.Ascent},
	}
	for i := range box {
		box[i] = r.m.apply(box[i])
	}
	t := placed{text: s, box: box, block: len(r.texts), m: r.m, at: p, size: f.Font.Size}
	if n := len(r.texts); n > 0 {
		prev := r.texts[n-1]
		if prev.m == t.m && prev.size == t.size && math.Abs(float64(prev.at.Y-t.size-t.at.Y)) < 1e-9 {
			t.block = prev.block
		}
	}
	r.texts = append(r.texts, t)
}

// mark records the bounding box of a path, arcs as their whole circle.
func (r *measurer) mark(p vg.Path) {
	lo := vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))}
	hi := vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))}
	add := func(q vg.Point) {
		q = r.m.apply(q)
		lo.X, lo.Y = min(lo.X, q.X), min(lo.Y, q.Y)
		hi.X, hi.Y = max(hi.X, q.X), max(hi.Y, q.Y)
	}
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			add(c.Pos)
		case vg.ArcComp:
			add(c.Pos.Add(vg.Point{X: -c.Radius, Y: -c.Radius}))
			add(c.Pos.Add(vg.Point{X: c.Radius, Y: c.Radius}))
		case vg.CurveComp:
			add(c.Pos)
			for _, q := range c.Control {
				add(q)
			}
		}
	}
	if lo.X > hi.X {
		return
	}
	// The background fills the whole canvas; text may lie on it.
	if lo.X <= 0 && lo.Y <= 0 && hi.X >= r.w && hi.Y >= r.h {
		return
	}
	r.marks = append(r.marks, vg.Rectangle{Min: lo, Max: hi})
}

// slack is how far, in points, a string may touch something: rounding in
// the SVG's coordinates, not a visible overlap.
const slack = 0.05

func (r *measurer) check() error {
	var errs []error
	for i, t := range r.texts {
		for _, p := range t.box {
			if p.X < -slack || p.Y < -slack || p.X > r.w+slack || p.Y > r.h+slack {
				errs = append(errs, fmt.Errorf("%q reaches (%.1f, %.1f), outside the %.1f × %.1f pt canvas", t.text, p.X, p.Y, r.w, r.h))
				break
			}
		}
		for _, u := range r.texts[i+1:] {
			if u.block != t.block && overlap(t.box, u.box) {
				errs = append(errs, fmt.Errorf("%q overlaps %q", t.text, u.text))
			}
		}
		for _, m := range r.marks {
			if overlap(t.box, rectQuad(m)) {
				errs = append(errs, fmt.Errorf("%q overlaps a mark at (%.1f, %.1f)–(%.1f, %.1f)", t.text, m.Min.X, m.Min.Y, m.Max.X, m.Max.Y))
				break
			}
		}
	}
	return errors.Join(errs...)
}

func rectQuad(r vg.Rectangle) quad {
	return quad{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
}

// overlap reports whether two convex quads overlap by more than slack
// (separating axis theorem: they are disjoint if their projections on the
// normal of some edge are).
func overlap(p, q quad) bool {
	for _, poly := range []quad{p, q} {
		for i := range poly {
			a, b := poly[i], poly[(i+1)%len(poly)]
			nx, ny := float64(-(b.Y - a.Y)), float64(b.X-a.X)
			l := math.Hypot(nx, ny)
			if l == 0 {
				continue
			}
			nx, ny = nx/l, ny/l
			pmin, pmax := project(p, nx, ny)
			qmin, qmax := project(q, nx, ny)
			if pmax <= qmin+slack || qmax <= pmin+slack {
				return false
			}
		}
	}
	return true
}

func project(q quad, nx, ny float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range q {
		v := float64(p.X)*nx + float64(p.Y)*ny
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
