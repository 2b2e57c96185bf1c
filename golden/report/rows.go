package report

import (
	"cmp"
	"slices"
)

// RowsTable renders claims and findings as one ClaimsTable, in the order
// of the PUBLISHED.md rows they cite (claims first on a tie), so that a
// report's fragment reads in the data pack's order.
func RowsTable(claims []Claim, findings []Finding) Table {
	type cited struct {
		row   int
		cells []string
	}
	var all []cited
	t := ClaimsTable(claims)
	for i, c := range claims {
		all = append(all, cited{c.Row, t.Rows[i]})
	}
	for _, f := range findings {
		all = append(all, cited{f.Row, f.Cells()})
	}
	slices.SortStableFunc(all, func(a, b cited) int { return cmp.Compare(a.row, b.row) })
	t.Rows = nil
	for _, c := range all {
		t.Rows = append(t.Rows, c.cells)
	}
	return t
}
