package tr110

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

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

// fragment is the fragment of the study's runs alone: the published rows
// recomputed, the scenarios, and the efficiency chart.
func fragment(in report.Input, s *golden.Set) report.Fragment {
	r := recompute(in.Published, s)
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

	scenarios, eff := report.ByScenario(r.all, "TR110 legacy efficiency by scenario (mean ± 95 % t-CI)")
	b.WriteString(scenarios)
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
	b.WriteString("\n" + report.Compare{Package: "tr110", Why: report.ConfigLinesDiffer, Benchstat: "-ignore /gomaxprocs,/config"}.Markdown())
	return report.Charted(b.String(), report.EfficiencyChart(eff, "The study's legacy efficiency of two Python agents on two Ollama instances per scenario (mean with the 95 % t-interval) against the 100 % line where both agents run for the whole wall time: the legacy efficiency measures how evenly the agents overlap, not a speedup."))
}
