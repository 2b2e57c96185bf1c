package tr116_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// TestBaseline checks that testdata/baseline.bench is exactly what the
// converter makes of the study's CSVs; -update regenerates it.
func TestBaseline(t *testing.T) {
	studydatatest.AssertBaseline(t, "baseline.bench", studydata.TR116Files)
}
