// Package studydatatest holds the test helpers over internal/studydata: the
// assertions and readers that need testing.TB, kept out of the converters so
// that what links them links no testing.
package studydatatest

import (
	"testing"

	"gotest.tools/v3/golden"

	cfgolden "github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"golang.org/x/perf/benchfmt"
)

// ReadBaseline reads report's committed study baseline
// (<report>/testdata/baseline.bench, see [studydata.BaselineFile]) from the
// package that owns it, failing the test if it cannot be read. A report
// that compares with another's baseline reads it here, never from a copy.
func ReadBaseline(tb testing.TB, report string) *cfgolden.Set {
	tb.Helper()
	p, err := studydata.BaselineFile(report)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := cfgolden.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Require returns [studydata.Dir], or fails the test: the data pack is part of the
// repository, so an absent one (or a $CHIMERA_STUDY_DIR that points at
// nothing) is a broken checkout, and go test -update must not pass as a
// no-op.
func Require(tb testing.TB) string {
	tb.Helper()
	d, err := studydata.Dir()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// AssertBaseline checks that testdata/<goldenFile> is exactly what convert
// makes of the data pack (failing, as [Require] does, where the pack is
// absent); go test -update rewrites it. Every report's baseline test is
// this one call.
func AssertBaseline(tb testing.TB, goldenFile string, convert func(dir string) ([]benchfmt.Record, error)) {
	tb.Helper()
	recs, err := convert(Require(tb))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := studydata.Bytes(recs)
	if err != nil {
		tb.Fatal(err)
	}
	golden.Assert(tb, string(b), goldenFile)
}

// RequirePublished reads PUBLISHED.md from the data pack ([Require]),
// failing the test if it does not parse.
func RequirePublished(tb testing.TB) studydata.Published {
	tb.Helper()
	p, err := studydata.ReadPublished(Require(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
