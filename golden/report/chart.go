package report

// A Length is a length on a chart's canvas in points (1/72 inch), as
// gonum.org/v1/plot/vg measures it, so that a chart's size is described
// without linking the plotting code.
type Length float64

// Centimeter is one centimetre: charts are sized as 16 * Centimeter.
const Centimeter Length = 72 / 2.54

// An Estimate is one value of a chart with an optional interval around
// it; Lo and Hi NaN mean no interval, a NaN Value leaves a gap.
type Estimate struct {
	Value, Lo, Hi float64
}

// A Series is one estimate per category, or per point of a numeric x axis,
// drawn in one colour.
type Series struct {
	Name      string
	Estimates []Estimate // one per Chart category, or one per X
	// X places each estimate on a numeric x axis (the chart then has no
	// Categories); nil on a category axis.
	X []float64
	// Fit draws the power law y = A·x^B fitted to the series' points by
	// stats.FitPowerLaw, over their x range, with the 95 % confidence band
	// of the fitted line (from B's interval): only with X, and only where
	// x and y are positive.
	Fit bool
}

// A Ref is a reference line across the data at one value of the value
// axis (1×, 100 %, Δ = 0, a target), dashed, named in the legend.
type Ref struct {
	Value float64
	Label string
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
	// offset would exaggerate. A point without an interval is hollow, and
	// the legend says so. Dots is the kind of a numeric x axis.
	Dots
	// HBars is Bars laid on their side, categories down the left: for
	// category labels too long to stand under upright bars.
	HBars
)

// A Chart is a chart of estimates with intervals, described: package
// chartdraw renders it to SVG deterministically (Liberation Sans metrics,
// no timestamps, no embedded fonts), so that the same data always give
// the same bytes, and report itself links no plotting code. Its x axis holds
// categories (one group per category, one colour per series) or, where
// every series has X, numbers; either value axis may be logarithmic.
//
// Its width is fixed (Width, 16 cm by default) and its layout fitted to
// its text, with room for a viewer's font up to FontSlack wider than
// Liberation Sans: the title wraps to the width, the legend sits between
// the title and the data, category labels that would collide are wrapped
// at spaces and underscores or, if still too wide, turned by 45° or 90°
// and the data lifted clear of them (only labels that cannot stand upright
// widen the canvas), and the y axis's labels have no useless decimals and
// room before their ticks. The height grows until the data area is at
// least MinDataShare of it. chartdraw.Check verifies the result.
type Chart struct {
	Title, YLabel string
	Categories    []string
	Series        []Series
	Kind          Kind
	// Width and Height of the SVG; 0 means 16 cm × 9 cm. The height grows
	// to keep the data area MinDataShare of it.
	Width, Height Length
	// XLabel names a numeric x axis.
	XLabel string
	// LogX and LogY make an axis logarithmic: every value on it must be
	// positive. LogY is the value axis (drawn across for HBars); bars
	// cannot stand on a log axis, which has no zero.
	LogX, LogY bool
	// XTicksAtData labels a numeric x axis at the series' X values and
	// nowhere else: for a sweep's few measured points (agents 1, 2, 4, 8),
	// which a log axis's 1, 2, 5 labels would leave unnamed.
	XTicksAtData bool
	// Refs are reference lines across the value axis.
	Refs []Ref
	// XRefs are reference lines across a numeric x axis (where a fit
	// crosses a Ref, a model size), dotted to tell them from Refs.
	XRefs []Ref
}

// MinDataShare is the least share of a chart's height its data area takes.
const MinDataShare = 0.6

// FontSlack is how much wider than Liberation Sans a viewer's font may be
// and still fit the layout. A viewer without Liberation Sans, Arial or
// Helvetica (the same metrics) draws the SVG's text in its default sans
// serif: DejaVu Sans on most Linux systems, 13–15 % wider. SVG text starts
// where the layout put it and runs as long as the viewer's font makes it,
// so the layout leaves this much room after every string.
const FontSlack = 1.16
