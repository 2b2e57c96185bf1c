package tr110

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// publishedTest is the test a PUBLISHED.md row names in its claim
// ("peak config efficiency T108 (…)"), or "" if it names none.
func publishedTest(pub studydata.Published, row int) string {
	return testID.FindString(pub[row].Claim)
}

var testID = regexp.MustCompile(`\bT\d{3}\b`)

// publishedRuns is the part-th number of a PUBLISHED.md row's published
// cell as a count, -1 if it has none.
func publishedRuns(pub studydata.Published, row, part int) int {
	n, err := pub.Number(row, part)
	if err != nil {
		return -1
	}
	return int(n.Value)
}

// A pubTest is a row of the §3 table (PUBLISHED.md #44–#73): the test it
// names and the runs it counts ("1.598x / 79.9% / 3/5": 5 runs).
type pubTest struct {
	row  int
	test string
	runs int
}

// tests are the §3 table's rows, as PUBLISHED.md has them.
func (r recomputed) tests() []pubTest {
	var ts []pubTest
	for row := 44; row <= 73; row++ {
		ts = append(ts, pubTest{row, publishedTest(r.pub, row), publishedRuns(r.pub, row, 3)})
	}
	return ts
}

// scenarioContention are the contended-run counts of §4.1 and §4.2
// (PUBLISHED.md #75–#77, #79: contended / runs).
var scenarioContention = []struct {
	row  int
	what string
	of   func(*golden.Set) report.Runs
}{
	{75, "baseline_vs_chimera", scenario("baseline_vs_chimera")},
	{76, "chimera_hetero", scenario("chimera_hetero")},
	{77, "chimera_homo", scenario("chimera_homo")},
	{79, "baseline_vs_chimera with num_gpu 60 (§4.2)", gpu60Bvc},
}

func scenario(sc string) func(*golden.Set) report.Runs {
	return func(s *golden.Set) report.Runs { return report.StudyRuns(s, "scenario="+sc) }
}

// recomputed holds what the fragment derives from the baseline.
type recomputed struct {
	pub                     studydata.Published
	s                       *golden.Set
	all                     report.Runs
	peak, bestBvc, worstBvc report.Group
}

func recompute(pub studydata.Published, s *golden.Set) recomputed {
	meanEff := func(where ...string) float64 { return stats.Mean(report.StudyRuns(s, where...).Eff()) }
	bvc := report.PerKey(s, "test", meanEff, "scenario=baseline_vs_chimera")
	return recomputed{
		pub:      pub,
		s:        s,
		all:      report.StudyRuns(s, "TR110"),
		peak:     report.Highest(report.PerKey(s, "test", meanEff)),
		bestBvc:  report.Highest(bvc),
		worstBvc: report.Lowest(bvc),
	}
}

// gpu60Bvc are the baseline_vs_chimera runs whose chimera agent sent
// num_gpu 60 (§4.2's "GPU=60"): their config starts with gpu60_.
func gpu60Bvc(s *golden.Set) report.Runs {
	var rs report.Runs
	for _, r := range report.StudyRuns(s, "scenario=baseline_vs_chimera") {
		if strings.HasPrefix(r.Keys["config"], "gpu60_") {
			rs = append(rs, r)
		}
	}
	return rs
}

func (r recomputed) runs(where ...string) report.Runs { return report.StudyRuns(r.s, where...) }

// headline are the executive summary's claims, #40–#43.
func (r recomputed) headline() []report.Claim {
	cfg := func(test string) string {
		if rs := r.runs("test=" + test); len(rs) > 0 {
			return rs[0].Keys["scenario"] + " " + rs[0].Keys["config"]
		}
		return "no such test"
	}
	return report.Cite(r.pub, []report.Claim{
		{What: "peak test, mean efficiency (published: " + publishedTest(r.pub, 40) + ")", Row: 40, Unit: "%",
			Recomputed: r.peak.Value, N: len(r.runs("test=" + r.peak.Key)), Note: "test " + r.peak.Key + ", " + cfg(r.peak.Key)},
		{What: "the same test's mean legacy speedup", Row: 41, Unit: "x",
			Recomputed: stats.Mean(r.runs("test=" + r.peak.Key).Speedup()), N: len(r.runs("test=" + r.peak.Key)), Note: "test " + r.peak.Key},
		{What: "best baseline_vs_chimera test (published: " + publishedTest(r.pub, 42) + ")", Row: 42, Unit: "%",
			Recomputed: r.bestBvc.Value, N: len(r.runs("test=" + r.bestBvc.Key)), Note: "test " + r.bestBvc.Key + ", " + cfg(r.bestBvc.Key)},
		{What: "worst baseline_vs_chimera test (published: " + publishedTest(r.pub, 43) + ")", Row: 43, Unit: "%",
			Recomputed: r.worstBvc.Value, N: len(r.runs("test=" + r.worstBvc.Key)), Note: "test " + r.worstBvc.Key + ", " + cfg(r.worstBvc.Key)},
	})
}

// perTest are the §3 table's claims, three per PUBLISHED.md row.
func (r recomputed) perTest() [][3]report.Claim {
	var out [][3]report.Claim
	for _, p := range r.tests() {
		rs := r.runs("test=" + p.test)
		out = append(out, [3]report.Claim(report.Cite(r.pub, []report.Claim{
			{What: p.test + " speedup", Row: p.row, Part: 0, Recomputed: stats.Mean(rs.Speedup())},
			{What: p.test + " efficiency", Row: p.row, Part: 1, Recomputed: stats.Mean(rs.Eff())},
			{What: p.test + " contended runs", Row: p.row, Part: 2, Recomputed: float64(rs.Contended())},
		})))
	}
	return out
}

// aggregate are the claims over all runs and scenarios, #74–#77 and #79.
func (r recomputed) aggregate() []report.Claim {
	homo := stats.Mean(r.runs("scenario=chimera_homo").Eff())
	var notBvc []float64
	for _, sc := range []string{"chimera_hetero", "chimera_homo"} {
		notBvc = append(notBvc, r.runs("scenario="+sc).Eff()...)
	}
	cs := []report.Claim{{
		What: fmt.Sprintf("mean legacy efficiency, all %d runs (quoted as the Python baseline by TR114_v2, TR115_v2)", len(r.all)),
		Row:  74, Unit: "%", Recomputed: stats.Mean(r.all.Eff()),
		Ours: fmt.Sprintf("balance bound %s %%", report.F(stats.Mean(r.all.Balance()), 2)),
		Reason: func(p float64) string {
			return fmt.Sprintf("%s %% is no mean of these runs: chimera_homo alone gives %s %%, all but baseline_vs_chimera %s %%",
				report.F(p, 1), report.F(homo, 2), report.F(stats.Mean(notBvc), 2))
		},
	}}
	for _, p := range scenarioContention {
		rs := p.of(r.s)
		cs = append(cs, report.Claim{What: fmt.Sprintf("contended runs (speedup < 1.5), %s, of %d", p.what, len(rs)), Row: p.row,
			Unit: "runs", Recomputed: float64(rs.Contended())})
	}
	return report.Cite(r.pub, cs)
}

func (r recomputed) claims() []report.Claim {
	cs := append(r.headline(), r.aggregate()...)
	for _, t := range r.perTest() {
		cs = append(cs, t[:]...)
	}
	return cs
}

// claims are TR110's published rows recomputed from its runs: the
// numbers, and #78's contention rule as a finding.
func claims(in report.Input, s *golden.Set) report.Claims {
	r := recompute(in.Published, s)
	return report.Claims{Numbers: r.claims(), Findings: []report.Finding{r.contentionRule()}}
}

// appendixBRule is #78's statement, as the report's Appendix B words it
// (PUBLISHED.md's cell abbreviates it to "TTFT rule").
const appendixBRule = "contention = TTFT more than 10 s above baseline (Appendix B)"

// contentionRule is #78: Appendix B defines contention by TTFT; the data
// say which rule flagged the runs. A TTFT rule would flag a run in which
// an agent's TTFT exceeded 10 s; study-ttft-ns is the slower agent's.
func (r recomputed) contentionRule() report.Finding {
	sameAsSpeedup, flagged, slowTTFT, slowAndFlagged := 0, 0, 0, 0
	for _, run := range r.all {
		f := run.Values["contention-%"] == 100
		if f == run.Legacy.Contended {
			sameAsSpeedup++
		}
		slow := run.Values["study-ttft-ns"] > 10e9
		if f {
			flagged++
		}
		if slow {
			slowTTFT++
		}
		if f && slow {
			slowAndFlagged++
		}
	}
	return report.Finding{
		What: "contention rule", Row: 78, Published: appendixBRule,
		Recomputed: fmt.Sprintf("stored flag = legacy speedup < 1.5 in %d of %d runs (%d flagged)", sameAsSpeedup, len(r.all), flagged),
		Follows:    slowTTFT == flagged && slowAndFlagged == flagged,
		Note: fmt.Sprintf("an agent's mean TTFT exceeds 10 s in %d runs, %d of them flagged: a TTFT rule would flag %d runs, not %d",
			slowTTFT, slowAndFlagged, slowTTFT, flagged),
	}
}
