package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRowsTableOrdersByPublishedRow(t *testing.T) {
	claims := []Claim{
		{What: "c12", Row: 12, Published: 1, Recomputed: 1},
		{What: "c10", Row: 10, Published: 1, Recomputed: 1},
	}
	findings := []Finding{{What: "f11", Row: 11, Follows: true}, {What: "f12", Row: 12, Follows: false}}
	var got []string
	for _, r := range RowsTable(claims, findings).Rows {
		got = append(got, r[0])
	}
	if diff := cmp.Diff([]string{"c10", "f11", "c12", "f12"}, got); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}
