package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// ByScenario groups the runs by their scenario key, sorted, then all of
// them; Concurrency leaves out a run without a decode rate; StudyRender
// and StudyClaims fail on an input without their set.
func TestMultiAgentSummaries(t *testing.T) {
	s, err := golden.Read(strings.NewReader(
		"BenchmarkTR/scenario=y/test=T1 1 40 a-ns 40 b-ns 40 wall-ns 20 agg-tok/s 10 tok/s\n"+
			"BenchmarkTR/scenario=x/test=T2 1 30 a-ns 10 b-ns 40 wall-ns 20 agg-tok/s\n"), "runs")
	if err != nil {
		t.Fatal(err)
	}
	rs := StudyRuns(s)
	if got := rs.Concurrency(); !cmp.Equal(got, []float64{2}) {
		t.Errorf("Concurrency() = %v, want [2]: the run without tok/s left out", got)
	}
	md, c := ByScenario(rs, "TR (mean)")
	if !cmp.Equal(c.Categories, []string{"x", "y", "all"}) {
		t.Errorf("categories %v, want [x y all]", c.Categories)
	}
	for _, want := range []string{"at most 16.667 percentage points", "| x | 1 | 50.00 (n = 1: no interval) | 66.67 (n = 1: no interval) | 1 |", "| all | 2 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	in := Input{Published: studydata.Published{}, Study: map[string]*golden.Set{"tr": s}}
	render := StudyRender("tr", func(_ Input, s *golden.Set) Fragment {
		return Fragment{Markdown: s.Results[0].Name.String()}
	})
	if f, err := render(in); err != nil || f.Markdown != "TR/scenario=y/test=T1" {
		t.Errorf("StudyRender = %q, %v; want the set's first result", f.Markdown, err)
	}
	claims := StudyClaims("other", func(Input, *golden.Set) Claims { return Claims{} })
	if _, err := claims(in); err == nil {
		t.Error("StudyClaims of a set the input lacks did not fail")
	}
}
