// Package chartdraw draws the charts that package report describes
// (report.Chart): SVG for the reports to embed, PNG for a person to look
// at, and Check, which measures the drawn layout. It is the only package
// that imports gonum.org/v1/plot, so that report, the harness and the
// report packages' non-test code link no plotting code; the tests that
// render charts (reporttest.AssertChart) and cmd/chimerareport, which
// writes them, import it.
//
// The SVG is deterministic (Liberation Sans metrics, no timestamps, no
// embedded fonts): the same chart always gives the same bytes. Input a
// chart cannot draw truthfully (a non-positive value on a log axis, a fit
// without X, bars on a log axis) fails with an error naming the point.
// The layout is fitted to the text, with room for a viewer's font up to
// report.FontSlack wider than Liberation Sans, and Check measures every
// string's extent in the font, after rotation, against the canvas, the
// other strings and the data, and the data area against the height, so
// that a clipped title, colliding labels, a legend over the data or a
// squeezed data area fail the test that renders the chart.
//
// testdata/*.svg are the charts of TestChartGolden, one per kind of
// axis and mark: go test ./golden/report/chartdraw -update rewrites them.
package chartdraw
