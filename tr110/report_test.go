package tr110_test

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
	tgolden "gotest.tools/v3/golden"
)

func readBaseline(t *testing.T) *golden.Set {
	t.Helper()
	s, err := golden.ReadFile("testdata/baseline.bench")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReportFragment renders the TR110 fragment and its chart from the
// committed baseline only.
func TestReportFragment(t *testing.T) {
	md, charts := fragment(studydatatest.RequirePublished(t), readBaseline(t))
	tgolden.Assert(t, md, "report.md.golden")
	for name, c := range charts {
		reporttest.AssertChart(t, c, name)
	}
}

// TestReportReproducesPublished checks every TR110 row of PUBLISHED.md
// (#40–#79) against the baseline: the published numbers follow from the
// recomputed legacy efficiency except the 95.8 % mean (#74, the data give
// 93.21 %), and the documented TTFT contention rule (#78) is not the rule
// the data were flagged by. It also checks that the tests the report names
// are the ones the data pick and that each count has the published
// denominator.
func TestReportReproducesPublished(t *testing.T) {
	s := readBaseline(t)
	pub := studydatatest.RequirePublished(t)
	r := recompute(pub, s)
	reporttest.AssertClaims(t, r.claims())
	fs := []report.Finding{r.contentionRule()}
	reporttest.AssertFindings(t, fs, report.MarkedNO(pub, fs)...)
	for _, c := range []struct {
		what, got string
		row       int
	}{
		{"peak test", r.peak.Key, 40},
		{"best baseline_vs_chimera test", r.bestBvc.Key, 42},
		{"worst baseline_vs_chimera test", r.worstBvc.Key, 43},
	} {
		if want := publishedTest(pub, c.row); c.got != want {
			t.Errorf("%s: the data pick %s, the report names %s (PUBLISHED.md #%d)", c.what, c.got, want, c.row)
		}
	}
	for _, p := range r.tests() {
		if n := len(report.StudyRuns(s, "test="+p.test)); n != p.runs {
			t.Errorf("test %q: %d runs, PUBLISHED.md #%d counts %d", p.test, n, p.row, p.runs)
		}
	}
	for _, p := range scenarioContention {
		if n, want := len(p.of(s)), publishedRuns(pub, p.row, 1); n != want {
			t.Errorf("%s: %d runs, PUBLISHED.md #%d counts %d", p.what, n, p.row, want)
		}
	}
}

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

// claimCell formats the claims of one row, published or recomputed, joined
// by " / ".
func claimCell(cs []report.Claim, published bool, runs int) string {
	var parts []string
	for i, c := range cs {
		v, d := c.Recomputed, c.Decimals+1
		if published {
			v, d = c.Published, c.Decimals
		}
		if c.Decimals == 0 {
			d = 0
		}
		s := report.F(v, d)
		switch i {
		case 0:
			s += "x"
		case 1:
			s += " %"
		case 2:
			s += fmt.Sprintf("/%d", runs)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " / ")
}

func fragment(pub studydata.Published, s *golden.Set) (string, map[string]report.Chart) {
	r := recompute(pub, s)
	var b strings.Builder
	b.WriteString("### TR110: two Python agents on two Ollama instances (from testdata/baseline.bench)\n\n" +
		"Each run starts two of the study's Python agents together (asyncio), each on its own Ollama instance on the one GPU, " +
		"and times each agent inside the run. The study never stored TR110's efficiency; the report's is the legacy one, " +
		"Σ agent time / wall / 2, recomputed here with `stats.LegacyEfficiency` from the per-agent and wall times " +
		"(`a-ns`, `b-ns`, `wall-ns`). Since the agents start together, wall ≈ the slower agent's time: the legacy " +
		"efficiency is the balance bound Σ t_i / (N · max t_i) and says how evenly the agents finished, not whether running " +
		"them together helped. The corrected speedup (Σ time alone / wall) cannot be computed from this data: no agent ran " +
		"alone next to these runs, and the lost harness saved no per-call decode times, so there is no decode rate either.\n\n")

	b.WriteString("#### Executive summary\n\n")
	b.WriteString(report.ClaimsTable(r.headline()).Markdown())

	b.WriteString("\n#### §3: per test, mean legacy speedup / mean efficiency / contended runs\n\n")
	t := report.Table{
		Header: []string{"test", "config", "published", "recomputed from baseline.bench", "follows from the data?", "balance bound %"},
		Align:  "llrrlr",
	}
	for i, cs := range r.perTest() {
		p := r.tests()[i]
		rs := r.runs("test=" + p.test)
		match := "yes"
		for _, c := range cs {
			if c.Match() == report.Differs {
				match = "**NO**"
			}
		}
		if len(rs) != p.runs {
			match = "**NO**"
		}
		cfg := ""
		if len(rs) > 0 {
			cfg = rs[0].Keys["scenario"] + " " + rs[0].Keys["config"]
		}
		t.Rows = append(t.Rows, []string{p.test, cfg,
			claimCell(cs[:], true, p.runs) + fmt.Sprintf(" (PUBLISHED.md #%d)", p.row),
			claimCell(cs[:], false, len(rs)), match, report.F(stats.Mean(rs.Balance()), 2)})
	}
	b.WriteString(t.Markdown())

	b.WriteString("\n#### All runs and scenarios\n\n")
	ct := report.ClaimsTable(r.aggregate())
	// #78 sits between #77 and #79, as in PUBLISHED.md.
	i := slices.IndexFunc(ct.Rows, func(row []string) bool { return strings.Contains(row[1], "#79)") })
	ct.Rows = slices.Insert(ct.Rows, i, r.contentionRule().Cells())
	b.WriteString(ct.Markdown())

	var maxGap float64
	for _, run := range r.all {
		maxGap = math.Max(maxGap, math.Abs(run.Legacy.EfficiencyPct-run.Balance))
	}
	fmt.Fprintf(&b, "\nLegacy efficiency and balance bound differ by at most %s percentage points in any run.\n\n", report.F(maxGap, 3))

	st := report.Table{
		Header: []string{"scenario", "runs", "legacy eff-%, mean [95 % CI]", "balance bound %", "contended", "overhead ms (wall − max t_i)", "agg-tok/s (both agents)"},
		Align:  "lrrrrrr",
	}
	// Scenarios differ by a few points of efficiency: dots on a fitted axis.
	eff := report.Chart{Title: "TR110 legacy efficiency by scenario (mean ± 95 % t-CI)", YLabel: "%", Kind: report.Dots}
	var legacyDots, balanceDots []report.Estimate
	scenarios := s.KeyValues("scenario")
	slices.Sort(scenarios)
	for _, sc := range append(scenarios, "all") {
		rs := r.all
		if sc != "all" {
			rs = r.runs("scenario=" + sc)
		}
		var over []float64
		for _, v := range rs.Values("overhead-ns") {
			over = append(over, v/1e6)
		}
		st.Rows = append(st.Rows, []string{sc, fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 2, "eff-%"), report.MeanCI(rs.Balance(), 2, "balance-%"),
			fmt.Sprint(rs.Contended()), report.MeanCI(over, 1, "overhead-ns"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s")})
		eff.Categories = append(eff.Categories, sc)
		legacyDots = append(legacyDots, report.MeanEstimate(rs.Eff()))
		balanceDots = append(balanceDots, report.MeanEstimate(rs.Balance()))
	}
	eff.Series = []report.Series{{Name: "legacy efficiency (eff-%)", Estimates: legacyDots}, {Name: "balance bound", Estimates: balanceDots}}
	// Efficiency and the balance bound cannot pass 100 %: say so where a
	// whisker does.
	eff.Title = strings.TrimSuffix(eff.Title, ")") + report.BoundNote("eff-%", eff.Series) + ")"
	b.WriteString(st.Markdown())
	var slowFlagged, other []float64
	slowOther := 0
	for _, run := range r.all {
		ttft := run.Values["study-ttft-ns"] / 1e9
		switch {
		case run.Legacy.Contended:
			slowFlagged = append(slowFlagged, ttft)
		case ttft > 10:
			slowOther++
			fallthrough
		default:
			other = append(other, ttft)
		}
	}
	fmt.Fprintf(&b, "\nIn the %d contended runs the slower agent's mean time to first token (the study's TTFT, `study-ttft-ns`) "+
		"is %s–%s s; %d of the %d runs that were not flagged have one above 10 s too (up to %s s). A long wait for the first "+
		"token goes with contention here but does not define it. agg-tok/s is both agents' tokens per wall second.\n",
		len(slowFlagged), report.F(stats.Min(slowFlagged), 1), report.F(stats.Max(slowFlagged), 1),
		slowOther, len(other), report.F(stats.Max(other), 1))
	fmt.Fprintf(&b, "\nCompare a run of ours with this baseline (one table although the config lines differ):\n\n"+
		"    go test -run '^$' -bench . -count 10 ./tr110 > new.txt\n"+
		"    go tool benchstat -table '' -ignore /gomaxprocs,/config tr110/testdata/baseline.bench new.txt\n")
	return b.String(), map[string]report.Chart{"efficiency.svg.golden": eff}
}
