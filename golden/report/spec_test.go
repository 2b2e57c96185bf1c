package report_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
