package report

import (
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/golden"
)

// TestInputRunIsNilWithoutResults checks that no run and a run with no
// result both read as none, and a run with one as itself.
func TestInputRunIsNilWithoutResults(t *testing.T) {
	one := &golden.Set{Results: []*benchfmt.Result{{Name: benchfmt.Name("TR120/x"), Iters: 1}}}
	for _, c := range []struct {
		name string
		runs *golden.Set
		want *golden.Set
	}{
		{"nil", nil, nil},
		{"empty", &golden.Set{}, nil},
		{"one result", one, one},
	} {
		if got := (Input{Runs: c.runs}).Run(); got != c.want {
			t.Errorf("%s: Run() = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestRunName checks that a run is named by its file's base name, and a
// run with no file or none at all as "the run".
func TestRunName(t *testing.T) {
	for _, c := range []struct {
		run  *golden.Set
		want string
	}{
		{&golden.Set{File: "tr120/testdata/cpu.bench"}, "cpu.bench"},
		{&golden.Set{File: "new.txt"}, "new.txt"},
		{&golden.Set{}, "the run"},
		{nil, "the run"},
	} {
		if got := RunName(c.run); got != c.want {
			t.Errorf("RunName(%+v) = %q, want %q", c.run, got, c.want)
		}
	}
}

// TestFrom checks the heading's list: the study's files, then the run's
// name where there is one.
func TestFrom(t *testing.T) {
	run := &golden.Set{File: "x/cpu.bench"}
	for _, c := range []struct {
		run   *golden.Set
		study []string
		want  string
	}{
		{nil, []string{"testdata/baseline.bench"}, "testdata/baseline.bench"},
		{run, []string{"testdata/baseline.bench"}, "testdata/baseline.bench and cpu.bench"},
		{nil, []string{"a", "b"}, "a and b"},
		{run, []string{"a", "b"}, "a, b and cpu.bench"},
		{run, nil, "cpu.bench"},
		{nil, nil, ""},
	} {
		if got := From(c.run, c.study...); got != c.want {
			t.Errorf("From(%v, %q) = %q, want %q", c.run, c.study, got, c.want)
		}
	}
}
