package tr113_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"golang.org/x/perf/benchfmt"
)

// TestBaseline checks that the committed baselines are exactly what the
// converter makes of the study's CSVs; -update regenerates them.
// instances2.bench is TR114_v2's baseline (tr114/testdata/baseline.bench),
// the two-instance half the fragment compares TR113 with.
func TestBaseline(t *testing.T) {
	for _, f := range []struct {
		golden  string
		convert func(string) ([]benchfmt.Record, error)
	}{
		{"baseline.bench", studydata.TR113Files},
		{"instances2.bench", studydata.TR114Files},
	} {
		studydata.AssertBaseline(t, f.golden, f.convert)
	}
}
