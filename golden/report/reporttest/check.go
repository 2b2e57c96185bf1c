package reporttest

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"

	cfgolden "github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// Check is a report's whole test of its declared value, run from its
// package as TestReport (go test ./trNNN -run Report -update regenerates
// what it compares with), as four subtests:
//
//   - Spec: [AssertSpec];
//   - Baseline: every baseline the report owns is exactly what its
//     converter makes of the data pack, and the data the package embeds
//     are that file;
//   - Fragment: Render of the study's sets and the committed run of ours
//     (Spec.Ours) matches testdata/report.md.golden and each chart its
//     testdata/<Name> (the SVG the markdown links), every chart has a
//     caption and the markdown embeds it (NamedChart.Markdown), the run
//     read again as a user's mine.bench is named so (a fragment names the
//     run it is given, never as the committed file), and Render of a
//     report with study data accepts an input with no run (it renders the
//     study alone);
//   - Published: every row of PUBLISHED.md's reports (Spec.Published) that
//     has data is cited, by a claim or a finding, and marked as
//     PUBLISHED.md marks it ([AssertClaims], [AssertFindings]), with the
//     published values read from PUBLISHED.md.
func Check(t *testing.T, s report.Spec) {
	t.Helper()
	t.Run("Spec", func(t *testing.T) { AssertSpec(t, s) })
	t.Run("Baseline", func(t *testing.T) {
		owned := 0
		for _, b := range s.Baselines {
			if b.Report != s.Name {
				continue
			}
			owned++
			studydatatest.AssertBaseline(t, b.File, b.Convert)
			if golden.FlagUpdate() {
				continue // the embedded data are the file as it was
			}
			f, err := os.ReadFile(filepath.Join("testdata", b.File))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f, b.Data) {
				t.Errorf("baseline %s: the embedded data are not testdata/%s", b.Name, b.File)
			}
		}
		if owned == 0 && len(s.Baselines) > 0 {
			t.Logf("%s owns none of its baselines", s.Name)
		}
	})
	in := Input(t, s)
	t.Run("Fragment", func(t *testing.T) {
		f, err := s.Render(in)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, f.Markdown, "report.md.golden")
		for _, c := range f.Charts {
			AssertChart(t, c.Chart, c.Name)
		}
		AssertEmbedded(t, f)
		if in.Runs != nil {
			assertRunNamed(t, s, in, f)
		}
		if in.Runs != nil && len(s.Baselines) > 0 {
			alone := in
			alone.Runs = nil
			if _, err := s.Render(alone); err != nil {
				t.Errorf("Render with no run: %v (a report with study data renders it alone)", err)
			}
		}
	})
	t.Run("Published", func(t *testing.T) {
		cs, err := s.Claims(in)
		if err != nil {
			t.Fatal(err)
		}
		AssertClaims(t, cs.Numbers)
		AssertFindings(t, cs.Findings, report.MarkedNO(in.Published, cs.Findings)...)
		AssertCitedRows(t, in.Published, s.Published, s.Cites, cs)
	})
}

// AssertSpec fails tb unless s is declared in the package under test (its
// Name is the package directory, where its goldens are), names at least
// one benchmark and no unit internal/units does not register, and has a
// Render and a Claims.
func AssertSpec(tb testing.TB, s report.Spec) {
	tb.Helper()
	if wd, err := os.Getwd(); err != nil || filepath.Base(wd) != s.Name {
		tb.Errorf("report %q is checked from %s (%v): its Name must be its package's directory", s.Name, wd, err)
	}
	if len(s.Benchmarks) == 0 {
		tb.Errorf("report %s declares no benchmarks: no run can be found to be one of it", s.Name)
	}
	if err := units.Check(s.Units...); err != nil {
		tb.Errorf("report %s: %v", s.Name, err)
	}
	if s.Render == nil || s.Claims == nil {
		tb.Errorf("report %s: Render or Claims is nil", s.Name)
	}
}

// Input returns the input s's golden fragment renders: PUBLISHED.md, the
// study's sets from the embedded baselines, and testdata/<Spec.Ours>, if
// set, as the run.
func Input(tb testing.TB, s report.Spec) report.Input {
	tb.Helper()
	var runs *cfgolden.Set
	if s.Ours != "" {
		var err error
		if runs, err = cfgolden.ReadFile(filepath.Join("testdata", s.Ours)); err != nil {
			tb.Fatal(err)
		}
	}
	in, err := s.Input(studydatatest.RequirePublished(tb), runs)
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

// AssertCited fails tb for every row of pub's reports that has data (marked
// yes or NO) and that no claim or finding of cs cites, and for every claim
// or finding that cites a row of another report.
func AssertCited(tb testing.TB, pub studydata.Published, reports []string, cs report.Claims) {
	tb.Helper()
	AssertCitedRows(tb, pub, reports, nil, cs)
}

// AssertCitedRows is [AssertCited] where rows, further rows of other
// reports (Spec.Cites), must be cited too and may be.
func AssertCitedRows(tb testing.TB, pub studydata.Published, reports []string, rows []int, cs report.Claims) {
	tb.Helper()
	cited := map[int]bool{}
	for _, c := range cs.Numbers {
		cited[c.Row] = true
	}
	for _, f := range cs.Findings {
		cited[f.Row] = true
	}
	for row := range cited {
		if r, ok := pub[row]; ok && !slices.Contains(reports, r.Report) && !slices.Contains(rows, row) {
			tb.Errorf("PUBLISHED.md #%d is %s's, not one of %v nor a row the report cites (%v)", row, r.Report, reports, rows)
		}
	}
	for _, row := range slices.Sorted(maps.Keys(pub)) {
		r := pub[row]
		if (slices.Contains(reports, r.Report) || slices.Contains(rows, row)) && (r.Match == "yes" || r.Match == "NO") && !cited[row] {
			tb.Errorf("PUBLISHED.md #%d (%s: %s) is cited by no claim or finding", row, r.Report, r.Claim)
		}
	}
}

// AssertEmbedded fails tb for every chart of f without a one-sentence
// caption, or that f's markdown does not embed as NamedChart.Markdown
// writes it, so that a reader of the report sees each chart and what it
// shows.
func AssertEmbedded(tb testing.TB, f report.Fragment) {
	tb.Helper()
	for _, c := range f.Charts {
		if c.Caption == "" || !strings.HasSuffix(c.Caption, ".") || strings.ContainsAny(c.Caption, "[]\n*") {
			tb.Errorf("chart %s: caption %q is not one sentence ending in a full stop, without brackets, asterisks or line breaks", c.Name, c.Caption)
			continue
		}
		if !strings.Contains(f.Markdown, c.Markdown()) {
			tb.Errorf("chart %s: the markdown does not embed it (want %q)", c.Name, c.Markdown())
		}
	}
}

// assertRunNamed fails t unless s's fragment of the committed run in, read
// again as a user's elsewhere/mine.bench, names it "mine.bench", names the
// committed file only as testdata/<Spec.Ours>, and differs from f, the
// fragment of the committed run, by that name alone: a fragment names
// whatever run it is given by its file (report.RunName), never as the
// committed one.
func assertRunNamed(t *testing.T, s report.Spec, in report.Input, f report.Fragment) {
	t.Helper()
	const mine = "mine.bench"
	run := *in.Runs
	run.File = filepath.Join("elsewhere", mine)
	in.Runs = &run
	g, err := s.Render(in)
	if err != nil {
		t.Fatalf("Render of the run as %s: %v", run.File, err)
	}
	if !strings.Contains(g.Markdown, mine) {
		t.Errorf("the fragment of the run read from %s never names it %s", run.File, mine)
	}
	if strings.Contains(strings.ReplaceAll(g.Markdown, "testdata/"+s.Ours, ""), s.Ours) {
		t.Errorf("the fragment of the run read from %s names it %s: only testdata/%s may be named, as the committed run", run.File, s.Ours, s.Ours)
	}
	if got := strings.ReplaceAll(g.Markdown, mine, s.Ours); got != f.Markdown {
		t.Errorf("the fragments of the run as %s and as testdata/%s differ beyond its name:\n%s", mine, s.Ours, cmp.Diff(f.Markdown, got))
	}
}
