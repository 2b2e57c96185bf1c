package tr114

import (
	"fmt"
	"math"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// legacyEff is the recomputed legacy efficiency of the study's runs
// matching where.
func legacyEff(s *golden.Set, where ...string) []float64 {
	return report.StudyRuns(s, append([]string{"TR114"}, where...)...).Eff()
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	rs := report.StudyRuns(s, "TR114")
	effs, balance, contended := rs.Eff(), rs.Balance(), rs.Contended()
	peak, peakName := math.Inf(-1), ""
	for _, r := range rs {
		if r.Legacy.EfficiencyPct > peak {
			peak, peakName = r.Legacy.EfficiencyPct, r.Name
		}
	}
	meanEff := func(where ...string) float64 { return stats.Mean(legacyEff(s, where...)) }
	best := report.Highest(report.PerKey(s, "test", meanEff))
	noAlone := "true efficiency not measured: no agent ran alone"
	return report.Cite(pub, []report.Claim{
		{What: fmt.Sprintf("mean legacy efficiency, %d runs", len(effs)), Row: 100, Unit: "%",
			Recomputed: stats.Mean(effs), Ours: fmt.Sprintf("balance bound %s %%", report.F(stats.Mean(balance), 3)), Note: noAlone},
		{What: "best test, mean over its runs", Row: 101, Unit: "%",
			Recomputed: best.Value, N: len(legacyEff(s, "test="+best.Key)), Note: "test " + best.Key},
		{What: "peak single run", Row: 102, Unit: "%",
			Recomputed: peak, N: len(effs), Note: peakName + " (the executive summary attributes it to test004/test006)"},
		{What: "contended runs (speedup < 1.5)", Row: 103, Unit: "%",
			Recomputed: 100 * float64(contended) / float64(len(rs)), Note: fmt.Sprintf("%d of %d runs", contended, len(rs))},
		{What: "minimum efficiency", Row: 104, Unit: "%", Recomputed: stats.Min(effs), N: len(effs)},
		{What: "median efficiency", Row: 105, Unit: "%", Recomputed: stats.Median(effs), N: len(effs),
			Reason: func(p float64) string {
				return fmt.Sprintf("%s %% lies %s; the median is %s", report.F(p, 1), report.Place(p, effs, 2, "runs"), report.MedianRank(len(effs)))
			}},
		{What: "efficiency standard deviation", Row: 106, Unit: "pp", Recomputed: stats.SD(effs), N: len(effs),
			Reason: func(float64) string { return report.SDs(effs, 2, "runs") + ": neither rounds to it" }},
		{What: "scenario baseline_vs_chimera, mean", Row: 107, Unit: "%", Recomputed: meanEff("scenario=baseline_vs_chimera"), N: len(legacyEff(s, "scenario=baseline_vs_chimera"))},
		{What: "scenario chimera_hetero, mean", Row: 108, Unit: "%", Recomputed: meanEff("scenario=chimera_hetero"), N: len(legacyEff(s, "scenario=chimera_hetero"))},
		{What: "test T004, mean", Row: 109, Unit: "%", Recomputed: meanEff("test=T004"), N: len(legacyEff(s, "test=T004"))},
	})
}

// render is the fragment of the study's runs (tr114) against one agent
// alone (tr111's warm calls).
func render(in report.Input) (report.Fragment, error) {
	runs, err := in.Set("tr114")
	if err != nil {
		return report.Fragment{}, err
	}
	alone, err := in.Set("tr111")
	if err != nil {
		return report.Fragment{}, err
	}
	frag := reportFragment(in.Published, runs, alone)
	if in.Runs != nil && len(in.Runs.Rows("TR114")) > 0 {
		// A run of ours (a user's, through chimerareport) comes first: it
		// answers the question on the reader's machine.
		md, headline := runReport(runs, in.Runs)
		frag.Markdown = md + "\n" + frag.Markdown
		frag.Charts = append(frag.Charts, headline)
	}
	return frag, nil
}

func reportFragment(pub studydata.Published, runs, alone *golden.Set) report.Fragment {
	var b strings.Builder
	b.WriteString("### TR114_v2: two agents on two Ollama instances (from testdata/baseline.bench)\n\n")
	b.WriteString("Each run starts two agents together, each on its own Ollama instance on the one GPU, and times each agent " +
		"inside the run. The study's efficiency is Σ agent time / wall / 2: since the agents start together, wall ≈ the slower " +
		"agent's time, so it equals the balance bound Σ t_i / (N · max t_i) and measures how evenly the agents finished, " +
		"not whether running them together helped. Every number below is recomputed with `stats.LegacyEfficiency` from the " +
		"per-agent and wall times (`a-ns`, `b-ns`, `wall-ns`); it agrees with the efficiency the study stored in every run.\n\n")
	b.WriteString(report.ClaimsTable(claims(pub, runs)).Markdown())

	scenarios, eff := report.ByScenario(report.StudyRuns(runs, "TR114"), "TR114_v2 efficiency by scenario (mean ± 95 % t-CI)")
	b.WriteString(scenarios)

	// Two agents versus one: one agent alone is the warm TR111_v2 calls.
	// A call that returned no tokens has no decode rate, but its wall
	// time was spent (as in a TR114 run's wall): 0 tokens per wall second.
	calls := report.StudyCalls(alone, "start=warm")
	decode := calls.Rates()
	var wall []float64
	var tokens, wallNS float64
	for _, c := range calls {
		wall = append(wall, c.Tokens/(c.E2ENS/1e9))
		tokens += c.Tokens
		wallNS += c.E2ENS
	}
	aloneDecode := calls.DecodeRate()
	var concTokens, concWall float64
	for _, r := range runs.Rows("TR114") {
		concTokens += r.Values["agg-tok/s"] * r.Values["wall-ns"] / 1e9
		concWall += r.Values["wall-ns"] / 1e9
	}
	concAgg := concTokens / concWall
	aloneWall := tokens / (wallNS / 1e9)
	verdict := "running them together on one GPU produced fewer tokens per second in total than one agent alone, not more"
	if concAgg > aloneWall {
		verdict = "running them together produced more tokens per second in total than one agent alone"
	}
	b.WriteString("\n#### Two agents together against one agent alone\n\n" +
		"One agent alone is the study's own single-agent data of the same day, machine and model: the TR111_v2 calls " +
		"(tr111/testdata/baseline.bench), warm calls only. Per-call wall time there is the streamed request; in TR114 the wall is the whole run " +
		"(ingest, which takes milliseconds, and both calls of both agents). ")
	fmt.Fprintf(&b, "Of its %d warm calls, %d returned no tokens: they have no decode rate, but their wall time counts, "+
		"as it does in a TR114 run's wall.\n\n", len(calls), calls.NoTokens())
	tt := report.Table{
		Header: []string{"", "one agent alone (TR111_v2)", "two agents together (TR114_v2)"},
		Align:  "lrr",
		Rows: [][]string{
			{"n: calls alone (with tokens) / runs together", fmt.Sprintf("%d (%d)", len(calls), len(decode)), fmt.Sprint(len(runs.Values("agg-tok/s")))},
			{"decode rate per agent, tok/s: mean of per-call / per-run rates [95 % CI]", report.MeanCI(decode, 2, "tok/s"), report.MeanCI(runs.Values("tok/s"), 2, "tok/s")},
			{"tokens per wall second, all agents: mean [95 % CI]", report.MeanCI(wall, 2, "agg-tok/s"), report.MeanCI(runs.Values("agg-tok/s"), 2, "agg-tok/s")},
			{"tokens per wall second, all agents: Σ tokens / Σ wall", report.F(aloneWall, 2), report.F(concAgg, 2)},
			{"decode rate, Σ tokens / Σ decode time", report.F(aloneDecode, 2), "n/a"},
		},
	}
	b.WriteString(tt.Markdown())
	fmt.Fprintf(&b, "\nTwo agents at a legacy \"efficiency\" of %s %% together produce %s tokens per wall second: %s %% of what "+
		"one agent alone produced (%s), and %s %% of one agent's decode rate (%s tok/s): %s. The corrected speedup needs each "+
		"agent's time alone in the same benchmark, which the study never measured.\n",
		report.F(stats.Mean(legacyEff(runs)), 1), report.F(concAgg, 1), report.F(100*concAgg/aloneWall, 0), report.F(aloneWall, 1),
		report.F(100*concAgg/aloneDecode, 0), report.F(aloneDecode, 1), verdict)
	b.WriteString("\n" + report.Compare{Package: "tr114", Why: report.ConfigLinesDiffer, Benchstat: "-filter /instances:2 -ignore /gomaxprocs,/parallel"}.Markdown())

	// Two agents against one differ by a factor: bars from zero.
	thr := report.Chart{
		Title:      "Two agents together vs one alone (study data, mean ± 95 % t-CI)",
		YLabel:     "tok/s",
		Categories: []string{"decode rate per agent", "tokens per wall second, all agents"},
		Series: []report.Series{
			{Name: "one agent alone (TR111_v2)", Estimates: []report.Estimate{report.MeanEstimate(decode), report.MeanEstimate(wall)}},
			{Name: "two agents together (TR114_v2)", Estimates: []report.Estimate{report.MeanEstimate(runs.Values("tok/s")), report.MeanEstimate(runs.Values("agg-tok/s"))}},
		},
	}
	return report.Charted(b.String(),
		report.EfficiencyChart(eff, "The study's legacy efficiency and balance bound per scenario of two agents on two Ollama instances (TR114_v2), mean with the 95 % t-interval, against the 100 % line where both agents run for the whole wall time: it measures how evenly the agents overlap, not a speedup."),
		report.NamedChart{Name: "throughput.svg", Chart: thr, Caption: "The study's decode rate per agent and tokens per wall second of all agents, one agent alone (TR111_v2's warm calls) beside two together (TR114_v2), mean with the 95 % t-interval, bars from zero: the ratio of the right-hand bars is what running two agents at once gave."})
}
