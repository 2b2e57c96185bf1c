package studydata

import "testing"

// requireDir is studydatatest.Require for this package's own tests, which
// cannot import studydatatest (it imports this package).
func requireDir(tb testing.TB) string {
	tb.Helper()
	d, err := Dir()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
