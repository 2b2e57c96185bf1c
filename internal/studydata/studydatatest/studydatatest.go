// Package studydatatest holds the test helpers over internal/studydata: the
// assertions and readers that need testing.TB, kept out of the converters so
// that what links them links no testing.
package studydatatest

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// ReadBaseline reads report's committed study baseline
// (<report>/testdata/baseline.bench, see [studydata.BaselineFile]) from the
// package that owns it, failing the test if it cannot be read. A report
// that compares with another's baseline reads it here, never from a copy.
func ReadBaseline(tb testing.TB, report string) *golden.Set {
	tb.Helper()
	p, err := studydata.BaselineFile(report)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := golden.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
