package tr115_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// TestBaseline checks that testdata/baseline.bench is exactly what the
// converter makes of the study's CSVs; -update regenerates it.
func TestBaseline(t *testing.T) {
	studydata.AssertBaseline(t, "baseline.bench", studydata.TR115Files)
}
