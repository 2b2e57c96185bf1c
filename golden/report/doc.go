// Package report builds the report fragments of the tr packages
// (trNNN/testdata/*.golden) from committed benchfmt sets: markdown tables,
// published-versus-recomputed claims, SVG charts, and the quantities over
// the study's calls that more than one report needs. It is the only package
// that imports gonum.org/v1/plot, so that golden and the gate behind
// cmd/chimeragate link no plotting code.
//
// A tr package's report test reads its .bench files with golden.ReadFile,
// quotes each published number from the data pack's PUBLISHED.md as a
// constant with its row, recomputes it into a Claim, renders the claims,
// its own tables and charts, and checks them:
//
//	report.AssertClaims(t, claims, map[int]float64{90: 83.3}) // rows PUBLISHED.md marks NO
//	tgolden.Assert(t, md, "report.md.golden")
//	report.AssertChart(t, chart, "throughput.svg.golden")
//
// go test ./trNNN -update rewrites the fragments (gotest.tools' golden
// flag).
//
// Charts are Chart values: Bars from zero where a ratio is the point, Dots
// with intervals on a fitted axis where differences are small. Their
// layout is fitted to their text, and Check (run by AssertChart) measures
// every string's extent in the font, after rotation, against the canvas,
// the other strings and the data, so that a clipped title, colliding
// labels or a legend over the data fail the test that renders the chart. A fragment shows the published number, the number recomputed from
// the data with the study's own definition, and Chimeraforge's definition,
// and says where they differ.
package report
