package tr115

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
)

// BenchmarkTR115 runs the study's six TR115_v2 configs on two instances,
// agent A on the first and B on the second, in each of Variants: the ways
// of running the agents in Go, named as the study's runtimes are in the
// baseline (Name).
func BenchmarkTR115(b *testing.B) { harness.Run(b, Report) }

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and every
// TR115_v2 row of PUBLISHED.md (#110–#129): all follow from the
// recomputed legacy efficiency but async-std's minimum (#128: 49.99 %,
// not 50.00 %), and smol's worst run is where the report puts it (#129).
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestStatisticsAreOverThePublishedRuns checks that each runtime has the
// runs the pack's formula says its statistics are over: "(n=30)".
func TestStatisticsAreOverThePublishedRuns(t *testing.T) {
	in := reporttest.Input(t, Report.Spec)
	for _, p := range runtimes {
		m := regexp.MustCompile(`\(n=(\d+)\)`).FindStringSubmatch(in.Published[p.rows[0]].Formula)
		if n := len(report.StudyRuns(in.Study["tr115"], "runtime="+p.runtime)); m == nil || fmt.Sprint(n) != m[1] {
			t.Errorf("%s: %d runs, PUBLISHED.md #%d's statistics are over %v", p.runtime, n, p.rows[0], m)
		}
	}
}
