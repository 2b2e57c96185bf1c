// Package report builds the report fragments of the tr packages
// (trNNN/testdata/*.golden) from committed benchfmt sets: markdown tables,
// published-versus-recomputed claims, SVG charts, and the quantities over
// the study's calls that more than one report needs. It describes charts
// (Chart) and draws none: package chartdraw, the only one that imports
// gonum.org/v1/plot, renders them, so that golden, the gate behind
// cmd/chimeragate, the harness and the report packages link no plotting
// code.
//
// A report is a Spec, declared once in its package's non-test code: its
// study baselines (embedded, each with its converter), its benchmarks and
// units, Render, which turns an Input (PUBLISHED.md, the study's sets and
// a run, if any) into a Fragment of markdown and named charts, and
// Claims. A claim recomputes a published quantity and names its row of
// the data pack's PUBLISHED.md; Cite reads the published number, its
// decimals and the pack's own verdict from that row, and a claim whose
// published number does not follow says why in a Reason computed from the
// data. reporttest.Check is a report's whole test:
//
//	func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }
//
// A summary shows its n; MeanCI gives no interval from fewer than
// MinIntervalN samples and says so when an interval passes what its unit
// can measure (units.PhysicalRange).
//
// go test ./trNNN -update rewrites the fragments (gotest.tools' golden
// flag).
//
// Charts are Chart values: Bars from zero where a ratio is the point, HBars
// (bars on their side) where category labels are long, Dots with
// intervals on a fitted axis where differences are small, hollow where a
// point has no interval (the legend says so). Dots may stand on a numeric
// x axis (Series.X), either axis logarithmic (LogX, LogY), with a
// power-law fit and its 95 % band (Series.Fit, stats.FitPowerLaw) and
// reference lines across either axis (Refs: 1×, 100 %, Δ = 0; XRefs).
// Input a chart cannot draw truthfully (a non-positive value on a log
// axis, a fit without X, bars on a log axis) fails with an error naming
// the point. The width is fixed (16 cm), the height grows until the data
// area is MinDataShare of it. The layout is fitted to the text, and
// chartdraw.Check (run by reporttest.AssertChart) measures every string's extent in the
// font, after rotation, against the canvas, the other strings and the
// data, and the data area against the height, so that a clipped title,
// colliding labels, a legend over the data or a squeezed data area fail
// the test that renders the chart. With CHIMERA_CHART_PNG set to a
// directory, reporttest.AssertChart also writes each chart there as a PNG
// (chartdraw.PNG), for a person to look at:
//
//	CHIMERA_CHART_PNG=/tmp/charts go test ./golden/report/chartdraw ./capacity ./tr1...
//
// A fragment shows the published number, the number recomputed from
// the data with the study's own definition, and Chimeraforge's definition,
// and says where they differ.
package report
