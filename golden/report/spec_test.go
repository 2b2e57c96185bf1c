package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// TestAssertCited checks that a report must cite every row of its
// PUBLISHED.md reports that has data, by a claim or a finding, and no row
// of another report.
func TestAssertCited(t *testing.T) {
	pub, err := studydata.ParsePublished(strings.NewReader(publishedSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		reports []string
		rows    []int
		cs      report.Claims
		want    []string // substrings of the errors, in order
	}{
		{"all cited", []string{"TR112_v2"}, nil, report.Claims{Numbers: []report.Claim{{Row: 2}}, Findings: []report.Finding{{Row: 3}}}, nil},
		{"a finding missing", []string{"TR112_v2"}, nil, report.Claims{Numbers: []report.Claim{{Row: 2}}}, []string{"#3 (TR112_v2: a statement) is cited by no claim or finding"}},
		{"another report's row", []string{"TR111_v2"}, nil, report.Claims{Numbers: []report.Claim{{Row: 1}, {Row: 2}}}, []string{"#2 is TR112_v2's"}},
		{"a row of a shared report", []string{"TR111_v2"}, []int{2}, report.Claims{Numbers: []report.Claim{{Row: 1}, {Row: 2}}}, nil},
		{"a shared row missing", []string{"TR111_v2"}, []int{2}, report.Claims{Numbers: []report.Claim{{Row: 1}}}, []string{"#2 (TR112_v2: success) is cited by no claim or finding"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordTB{TB: t}
			reporttest.AssertCitedRows(rec, pub, tc.reports, tc.rows, tc.cs)
			if len(rec.errs) != len(tc.want) {
				t.Fatalf("errors %q, want %d", rec.errs, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(rec.errs[i], w) {
					t.Errorf("error %q lacks %q", rec.errs[i], w)
				}
			}
		})
	}
}

// TestSpecInput checks that a Spec's input holds each embedded baseline
// by name, and that a baseline with no data, or a set the input lacks, is
// an error naming it rather than a nil set.
func TestSpecInput(t *testing.T) {
	data := []byte("BenchmarkX/k=a 1 2 ns/op\n")
	s := report.Spec{Name: "trX", Baselines: []report.Baseline{{Name: "trX", Report: "trX", File: "baseline.bench", Data: data}}}
	in, err := s.Input(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := in.Set("trX")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{2}, set.Values("ns/op", "k=a")); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if _, err := in.Set("trY"); err == nil || !strings.Contains(err.Error(), `"trY"`) {
		t.Errorf("Set(trY) error %v, want one naming trY", err)
	}
	s.Baselines = append(s.Baselines, report.Baseline{Name: "trY", Report: "trY", File: "baseline.bench"})
	if _, err := s.Input(nil, nil); err == nil || !strings.Contains(err.Error(), "trY/testdata/baseline.bench") {
		t.Errorf("a baseline with no data: error %v, want one naming its file", err)
	}
}

// TestScenarioEfficiency checks the multi-agent scenario summary
// (ByScenario): scenarios sorted, then all runs; each row's count and
// contended runs; the chart's categories in the same order; and the gap
// sentence.
func TestScenarioEfficiency(t *testing.T) {
	const bench = "BenchmarkTR1/scenario=b/test=T1 1 2e9 a-ns 2e9 b-ns 2e9 wall-ns 10 agg-tok/s 0 overhead-ns\n" + // speedup 2
		"BenchmarkTR1/scenario=a/test=T2 1 1e9 a-ns 1e9 b-ns 2e9 wall-ns 10 agg-tok/s 1e6 overhead-ns\n" + // speedup 1: contended
		"BenchmarkTR1/scenario=b/test=T3 1 2e9 a-ns 1e9 b-ns 2e9 wall-ns 10 agg-tok/s 0 overhead-ns\n"
	s, err := golden.Read(strings.NewReader(bench), "runs.bench")
	if err != nil {
		t.Fatal(err)
	}
	md, chart := report.ByScenario(report.StudyRuns(s, "TR1"), "efficiency (mean)")
	var got [][]string
	for _, line := range strings.Split(md, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 7 || strings.HasPrefix(strings.TrimSpace(cells[0]), "scenario") || strings.HasPrefix(strings.TrimSpace(cells[0]), "-") || strings.HasPrefix(strings.TrimSpace(cells[0]), ":") {
			continue
		}
		got = append(got, []string{strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[4])})
	}
	if diff := cmp.Diff([][]string{{"a", "1", "1"}, {"b", "2", "0"}, {"all", "3", "1"}}, got); diff != "" {
		t.Errorf("scenario, runs, contended (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b", "all"}, chart.Categories); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	// T2's agents ran one after the other (wall = a + b): legacy 50 %,
	// balance 100 %; the others started together and agree.
	if !strings.Contains(md, "at most 50.000 percentage points") {
		t.Errorf("gap sentence missing T2's 50 points in:\n%s", md)
	}
}

// TestClaimsOf checks that a Claims built by ClaimsOf reads its set, adds
// findings only where it has a function for them, and says which set an
// input lacks.
func TestClaimsOf(t *testing.T) {
	s, err := golden.Read(strings.NewReader("BenchmarkX 1 3 ns/op\n"), "x.bench")
	if err != nil {
		t.Fatal(err)
	}
	numbers := func(_ studydata.Published, s *golden.Set) []report.Claim {
		return []report.Claim{{What: "ns", Recomputed: s.Values("ns/op")[0]}}
	}
	findings := func(_ studydata.Published, s *golden.Set) []report.Finding {
		return []report.Finding{{What: "ns", Recomputed: fmt.Sprint(s.Values("ns/op")[0])}}
	}
	in := report.Input{Study: map[string]*golden.Set{"trX": s}}
	for _, tc := range []struct {
		name         string
		findings     func(studydata.Published, *golden.Set) []report.Finding
		wantFindings int
	}{
		{"numbers", nil, 0},
		{"numbers and findings", findings, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := report.ClaimsOf("trX", numbers, tc.findings)
			cs, err := claims(in)
			if err != nil || len(cs.Numbers) != 1 || cs.Numbers[0].Recomputed != 3 {
				t.Errorf("numbers = %+v, %v; want the one claim of trX's set", cs.Numbers, err)
			}
			if len(cs.Findings) != tc.wantFindings || tc.wantFindings == 1 && cs.Findings[0].Recomputed != "3" {
				t.Errorf("findings = %+v, want %d from trX's set", cs.Findings, tc.wantFindings)
			}
			if _, err := claims(report.Input{}); err == nil || !strings.Contains(err.Error(), `"trX"`) {
				t.Errorf("an input without trX: error %v, want one naming it", err)
			}
		})
	}
}

// TestAssertSpec checks the declaration checks: the package directory, the
// benchmarks, the units and the functions.
func TestAssertSpec(t *testing.T) {
	render := func(report.Input) (report.Fragment, error) { return report.Fragment{}, nil }
	claims := func(report.Input) (report.Claims, error) { return report.Claims{}, nil }
	good := report.Spec{Name: "report", Benchmarks: []string{"X"}, Units: []string{"ns/op", "tok/s"}, Render: render, Claims: claims}
	for _, tc := range []struct {
		name string
		edit func(*report.Spec)
		want string
	}{
		{"declared", func(*report.Spec) {}, ""},
		{"another package's name", func(s *report.Spec) { s.Name = "tr999" }, "its Name must be its package's directory"},
		{"no benchmarks", func(s *report.Spec) { s.Benchmarks = nil }, "declares no benchmarks"},
		{"an unregistered unit", func(s *report.Spec) { s.Units = append(s.Units, "furlongs/s") }, "furlongs/s"},
		{"no Render", func(s *report.Spec) { s.Render = nil }, "Render or Claims is nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good
			tc.edit(&s)
			rec := &recordTB{TB: t}
			reporttest.AssertSpec(rec, s)
			switch {
			case tc.want == "" && len(rec.errs) > 0:
				t.Errorf("errors %q, want none", rec.errs)
			case tc.want != "" && (len(rec.errs) != 1 || !strings.Contains(rec.errs[0], tc.want)):
				t.Errorf("errors %q, want one containing %q", rec.errs, tc.want)
			}
		})
	}
}
