package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/internal/units"
)

// A refusal is one case of a converter's error test: an input the
// converter must refuse, and what its error must contain (file:line:
// column, or the reason).
type refusal[In any] struct {
	name string
	in   In
	want string
}

// assertRefuses runs convert on each case's input, as a subtest, and
// checks that it fails with an error containing the case's want.
func assertRefuses[In any](t *testing.T, convert func(In) error, cases []refusal[In]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := convert(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// replaced is s with its first old replaced by new, failing t where s has
// no old: a case that changed nothing would test the sample itself.
func replaced(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q is not in the sample", old)
	}
	return strings.Replace(s, old, new, 1)
}

// replacedIn is files with file i replaced (see [replaced]).
func replacedIn(t *testing.T, files [5]string, i int, old, new string) [5]string {
	t.Helper()
	files[i] = replaced(t, files[i], old, new)
	return files
}

// assertPack converts the data pack's files with convert, checks the
// count of its results in each class (classify names a result's class,
// "" for none) and that they read back as written, and returns them.
func assertPack(t *testing.T, convert func(dir string) ([]benchfmt.Record, error), classify func(name string) string, want map[string]int) []benchfmt.Record {
	t.Helper()
	recs, err := convert(requireDir(t))
	if err != nil {
		t.Fatal(err)
	}
	names, _ := results(recs)
	count := map[string]int{}
	for _, n := range names {
		if c := classify(n); c != "" {
			count[c]++
		}
	}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Errorf("results per class mismatch (-want +got):\n%s", diff)
	}
	assertReadsBack(t, recs)
	return recs
}

// each is the class of every result: assertPack then counts them all.
func each(string) string { return "results" }

// assertUnitLines checks that recs begin with a Unit line pair for every
// unit of list, with the direction internal/units registers.
func assertUnitLines(t *testing.T, list []string) {
	t.Helper()
	recs, err := unitRecords(list)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range recs {
		m := r.(*benchfmt.UnitMetadata)
		got = append(got, m.OrigUnit+" "+m.Key+"="+m.Value)
	}
	for _, n := range list {
		u, _ := units.Lookup(n)
		if u.Better != units.Neither {
			want = append(want, n+" better="+u.Better.String())
		}
		want = append(want, n+" assume=nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unit lines mismatch (-want +got):\n%s", diff)
	}
}
