package tr113_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// TestBaseline checks that the committed baselines are exactly what the
// converter makes of the study's CSVs; -update regenerates them.
func TestBaseline(t *testing.T) {
	studydatatest.AssertBaseline(t, "baseline.bench", studydata.TR113Files)
}
