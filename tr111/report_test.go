package tr111

import (
	"fmt"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
)

// TestReport checks the declared report: the baseline against its
// converter, the fragment and chart against their goldens, the published
// TR111_v2 numbers against the baseline, and TR112_v2's success rate
// (#90) not: the data give 15/18, as the data pack recomputed.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// BenchmarkTR111 reproduces TR111_v2: one Go agent, the 2-call workflow,
// the baseline agent and the 18-config sweep, each warm (model loaded with
// the config's options by an excluded warm-up run) and cold (the model is
// unloaded, and /api/ps confirms it, before every run). The baseline also
// runs fresh: a new server process before every run (the study's
// "process isolation"; needs a server the harness started).
func BenchmarkTR111(b *testing.B) { harness.Run(b, Report) }

// TestSuccessRateDiscrepancy pins down why TR112_v2's 72.2 % (#90) is not
// in the TR111_v2 data: by the study's means chimera beats its directory's
// baseline agent in 15 of 18 directories; two of the three losses are the
// directories where one chimera call returned no tokens and counted as
// 0 tok/s. Without those calls 17/18 win, and on our decode rate (warm
// calls) all 18. The published 13/18 came from a sweep the pack lacks.
func TestSuccessRateDiscrepancy(t *testing.T) {
	in := reporttest.Input(t, Report.Spec)
	sr := rptSuccess(in.Study["tr111"])
	got := fmt.Sprintf("study %d/%d, without no-token calls %d/%d, Σ-rate warm %d/%d; lost by the zeros: %v",
		sr.wins, sr.n, sr.winsCorrected, sr.n, sr.winsOurs, sr.n, sr.lostToZeros)
	want := "study 15/18, without no-token calls 17/18, Σ-rate warm 18/18; lost by the zeros: [gpu60_ctx512_temp0p6 gpu80_ctx1024_temp0p6_v2]"
	if got != want {
		t.Errorf("success rate:\n got %s\nwant %s", got, want)
	}
	published := report.ByRow(rptClaims(in.Published, in.Study["tr111"]), 90).Published
	if pct := 100 * float64(sr.wins) / float64(sr.n); report.F(pct, 1) == report.F(published, 1) {
		t.Errorf("success rate %v %% reproduces the published %v %%: update PUBLISHED.md #90's note", pct, published)
	}
}
