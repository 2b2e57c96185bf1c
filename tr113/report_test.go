package tr113

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens (tr114's
// baseline read where tr114 embeds it), and every TR113 row of
// PUBLISHED.md (#93–#99): all follow from the recomputed legacy
// efficiency except the contended count (#99: 13 of 19 runs, not 12).
func TestReport(t *testing.T) { reporttest.Check(t, Report) }

// TestTheNamedRunsAreTheDatas checks that the runs the published rows name
// are the ones the data pick, and the run counts they are over.
func TestTheNamedRunsAreTheDatas(t *testing.T) {
	in := reporttest.Input(t, Report)
	pub, one := in.Published, in.Study["tr113"]
	all, bvc, het := report.StudyRuns(one), report.StudyRuns(one, "scenario=baseline_vs_chimera"), report.StudyRuns(one, "scenario=chimera_hetero")
	// The pack's formula column names the run a maximum picks ("max(eff)
	// -> homo_gpu80_ctx1024_temp0p6") and the runs a mean is over ("(n=13)");
	// #99 publishes "12/19 (63%)".
	find := func(pattern string, row int) string {
		if m := regexp.MustCompile(pattern).FindStringSubmatch(pub[row].Formula); m != nil {
			return m[1]
		}
		return fmt.Sprintf("nothing: PUBLISHED.md #%d's formula %q lacks %s", row, pub[row].Formula, pattern)
	}
	picked := func(row int) string { return find(`-> (\S+)`, row) }
	count := func(row int) string { return find(`\(n=(\d+)\)`, row) }
	runs, err := pub.Number(99, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"peak run (#93)", all.Peak().Keys["dir"], picked(93)},
		{"best baseline_vs_chimera run (#96)", bvc.Peak().Keys["dir"], picked(96)},
		{"runs (#99)", fmt.Sprint(len(all)), report.F(runs.Value, 0)},
		{"baseline_vs_chimera configs (#94)", fmt.Sprint(len(bvc)), count(94)},
		{"chimera_hetero configs (#97)", fmt.Sprint(len(het)), count(97)},
	} {
		if c.got != c.want {
			t.Errorf("%s: the data give %s, the report %s", c.what, c.got, c.want)
		}
	}
}
