package measure

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPick(t *testing.T) {
	v := map[string]float64{"tok/s": 10, "e2e-ns": 2e6, "invalid-calls": 0}
	cases := []struct {
		name  string
		units []string
		want  map[string]float64
	}{
		{"keeps the named units, a 0 included", []string{"tok/s", "invalid-calls"}, map[string]float64{"tok/s": 10, "invalid-calls": 0}},
		{"a unit not measured stays absent, never 0", []string{"tok/s", "ttft-ns"}, map[string]float64{"tok/s": 10}},
		{"no units, nothing", nil, map[string]float64{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Pick(v, c.units)); diff != "" {
				t.Errorf("Pick mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
