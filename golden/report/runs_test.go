package report

import (
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestStudyRuns checks the recomputed legacy figures against hand-worked
// runs: a balanced one, one whose agents finished 3:1 (efficiency 66.7 %,
// flagged) and a row without agent times, which is no run.
func TestStudyRuns(t *testing.T) {
	s, err := golden.Read(strings.NewReader(
		"BenchmarkTR/scenario=x/test=T1 1 40 a-ns 40 b-ns 40 wall-ns\n"+
			"BenchmarkTR/scenario=x/test=T2 1 30 a-ns 10 b-ns 30 wall-ns\n"+
			"BenchmarkTR/scenario=y/test=T3 1 100 tok/s\n"), "runs")
	if err != nil {
		t.Fatal(err)
	}
	rs := StudyRuns(s)
	type got struct {
		Eff, Speedup, Balance []float64
		Contended             int
		Peak, Worst           string
	}
	want := got{
		Eff:       []float64{100, 200.0 / 3},
		Speedup:   []float64{2, 4.0 / 3},
		Balance:   []float64{100, 200.0 / 3},
		Contended: 1,
		Peak:      "TR/scenario=x/test=T1",
		Worst:     "TR/scenario=x/test=T2",
	}
	g := got{rs.Eff(), rs.Speedup(), rs.Balance(), rs.Contended(), rs.Peak().Name, rs.Worst().Name}
	if diff := cmp.Diff(want, g, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("runs mismatch (-want +got):\n%s", diff)
	}
	if n := len(StudyRuns(s, "scenario=y")); n != 0 {
		t.Errorf("a row without a-ns, b-ns and wall-ns counted as %d run(s)", n)
	}
	if got := StudyRuns(s).Values("a-ns"); !cmp.Equal(got, []float64{40, 30}) {
		t.Errorf("Values(a-ns) = %v, want [40 30]", got)
	}
}

func TestFindingCells(t *testing.T) {
	f := Finding{What: "contention rule", Row: 78, Published: "TTFT > 10 s", Recomputed: "speedup < 1.5", Note: "n"}
	want := []string{"contention rule", "TTFT > 10 s (PUBLISHED.md #78)", "speedup < 1.5", "**NO**", "", "n"}
	if diff := cmp.Diff(want, f.Cells()); diff != "" {
		t.Errorf("cells mismatch (-want +got):\n%s", diff)
	}
	f.Follows = true
	if got := f.Cells()[3]; got != "yes" {
		t.Errorf("a finding that follows renders %q, want yes", got)
	}
}
