package chartdraw

import (
	"gonum.org/v1/plot/vg/draw"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

// chart is a report.Chart with the methods that lay it out and draw it.
type chart struct{ report.Chart }

// SVG renders c as SVG: the same chart always gives the same bytes.
func SVG(c report.Chart) ([]byte, error) { return chart{c}.SVG() }

// PNG renders c as a PNG image at dpi dots per inch, for a person to look
// at (the SVG is what reports embed).
func PNG(c report.Chart, dpi int) ([]byte, error) { return chart{c}.PNG(dpi) }

// Size returns c's width and height: the requested size or 16 cm × 9 cm,
// widened only to give every category at least the room of one upright
// line of label text (made taller for that, for HBars), and made taller
// until the data area is report.MinDataShare of the height.
func Size(c report.Chart) (w, h report.Length) {
	vw, vh := chart{c}.Size()
	return report.Length(vw), report.Length(vh)
}

// Draw draws c on dc, which should be of c's Size (for other formats than
// SVG: vgimg, vgpdf).
func Draw(c report.Chart, dc draw.Canvas) error { return chart{c}.Draw(dc) }

// Check draws c on a canvas that measures instead of painting, and
// returns an error naming every string that leaves the canvas, overlaps
// another string or a drawn mark, and an error if the data area is less
// than report.MinDataShare of the height (chart.Check says how).
func Check(c report.Chart) error { return chart{c}.Check() }
