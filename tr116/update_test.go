package tr116_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
	tgolden "gotest.tools/v3/golden"
)

// TestBaseline checks that testdata/baseline.bench is exactly what the
// converter makes of the study's CSVs; -update regenerates it.
func TestBaseline(t *testing.T) {
	recs, err := studydata.TR116Files(studydata.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := studydata.Bytes(recs)
	if err != nil {
		t.Fatal(err)
	}
	tgolden.Assert(t, string(b), "baseline.bench")
}
