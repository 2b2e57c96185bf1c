package tr113

import (
	"fmt"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// sets are the study's two halves of the question: TR113's runs on one
// instance (this package's baseline) and TR114_v2's on two (tr114's).
func sets(in report.Input) (one, two *golden.Set, err error) {
	if one, err = in.Set("tr113"); err != nil {
		return nil, nil, err
	}
	if two, err = in.Set("tr114"); err != nil {
		return nil, nil, err
	}
	return one, two, nil
}

// render is the fragment of the study alone (TR113 has no benchmark of
// its own, so a run changes nothing): the claims, one instance against
// two, per test, and the efficiency and throughput charts.
func render(in report.Input) (report.Fragment, error) {
	one, two, err := sets(in)
	if err != nil {
		return report.Fragment{}, err
	}
	return fragment(in.Published, one, two), nil
}

// reportClaims are the seven TR113 rows (#93–#99) recomputed from the
// input's TR113 runs.
func reportClaims(in report.Input) (report.Claims, error) {
	one, err := in.Set("tr113")
	if err != nil {
		return report.Claims{}, err
	}
	return report.Claims{Numbers: claims(in.Published, one)}, nil
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	all := report.StudyRuns(s)
	bvc := report.StudyRuns(s, "scenario=baseline_vs_chimera")
	het := report.StudyRuns(s, "scenario=chimera_hetero")
	peak, bestBvc := all.Peak(), bvc.Peak()
	return report.Cite(pub, []report.Claim{
		{What: "peak efficiency, single run (published: homo 80/1024/0.6)", Row: 93, Unit: "%",
			Recomputed: peak.Legacy.EfficiencyPct, N: len(all), Note: fmt.Sprintf("%s, speedup %s", peak.Keys["dir"], report.F(peak.Legacy.Speedup, 3))},
		{What: fmt.Sprintf("baseline_vs_chimera mean efficiency, %d configs", len(bvc)), Row: 94, Unit: "%",
			Recomputed: stats.Mean(bvc.Eff()), N: len(bvc)},
		{What: "baseline_vs_chimera mean legacy speedup", Row: 95, Unit: "x",
			Recomputed: stats.Mean(bvc.Speedup()), N: len(bvc)},
		{What: "best baseline_vs_chimera config (published: 120/512/0.6)", Row: 96, Unit: "%",
			Recomputed: bestBvc.Legacy.EfficiencyPct, N: len(bvc), Note: bestBvc.Keys["dir"]},
		{What: fmt.Sprintf("chimera_hetero mean efficiency, %d configs", len(het)), Row: 97, Unit: "%",
			Recomputed: stats.Mean(het.Eff()), N: len(het)},
		{What: "chimera_hetero mean legacy speedup", Row: 98, Unit: "x",
			Recomputed: stats.Mean(het.Speedup()), N: len(het)},
		{What: fmt.Sprintf("contended runs (speedup < 1.5), of %d", len(all)), Row: 99, Unit: "runs",
			Recomputed: float64(all.Contended()),
			Reason: func(p float64) string {
				return fmt.Sprintf("%d of the %d runs (%s %%) have speedup < 1.5, not %s (%s %%)", all.Contended(), len(all),
					report.F(100*float64(all.Contended())/float64(len(all)), 0), report.F(p, 0), report.F(100*p/float64(len(all)), 0))
			}},
	})
}

func fragment(pub studydata.Published, one, two *golden.Set) report.Fragment {
	var b strings.Builder
	b.WriteString("### TR113: two agents on ONE Ollama instance (from testdata/baseline.bench)\n\n" +
		"TR113 ran the study's first Rust multi-agent program (v1: one persona call per agent) with both agents on a single " +
		"Ollama instance (OLLAMA_NUM_PARALLEL=1), one run per config. Its baseline is named as the `instances=1` half of " +
		"TR114 (`BenchmarkTR114/scenario=…/test=…/instances=1`): a run carries the TR114_v2 test that sent the same " +
		"num_gpu, num_ctx and temperature, where TR114_v2 ran one. The legacy efficiency (Σ agent time / wall / 2) is " +
		"recomputed with `stats.LegacyEfficiency` from `a-ns`, `b-ns`, `wall-ns`; it agrees with the efficiency the study " +
		"stored in every run. The corrected speedup cannot be computed: no agent ran alone next to these runs.\n\n")
	b.WriteString(report.ClaimsTable(claims(pub, one)).Markdown())

	b.WriteString("\n#### One instance (TR113) against two (TR114_v2)\n\n" +
		"tr114/testdata/baseline.bench is TR114_v2's baseline: the same machine and model, two instances, " +
		"the v2 agents (an analysis and a report call each, no top_p/top_k/repeat_penalty), 5 runs per test. Wall times " +
		"differ by workload, so compare rates: tok/s is the server's decode rate over the run's calls (Σ eval_count / " +
		"Σ eval_duration), agg-tok/s both agents' tokens per wall second, and their ratio Σ decode time / wall, the mean " +
		"number of calls decoding at once.\n\n")
	t := report.Table{
		Header: []string{"scenario", "instances", "runs", "legacy eff-%, mean [95 % CI]", "tok/s per call", "agg-tok/s, both agents", "calls decoding at once", "load time / wall"},
		Align:  "lrrrrrrr",
	}
	eff := report.Chart{Title: "Legacy efficiency, one instance (TR113) vs two (TR114_v2): mean ± 95 % t-CI where n ≥ 3"}
	var effOne, effTwo []report.Estimate
	for _, sub := range report.ScenarioSubsets(one) {
		for i, s := range []*golden.Set{one, two} {
			rs := report.StudyRuns(s, sub.Where...)
			load := "n/a"
			if xs := rs.Values("load-ns"); len(xs) == len(rs) {
				load = report.MeanCI(loadShares(rs), 2, "load-ns")
			}
			t.Rows = append(t.Rows, []string{sub.Name, fmt.Sprint(i + 1), fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 1, "eff-%"),
				report.MeanCI(rs.Values("tok/s"), 1, "tok/s"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s"), report.MeanCI(rs.Concurrency(), 2, "decode-ns"), load})
		}
		eff.Categories = append(eff.Categories, sub.Name)
		effOne = append(effOne, report.MeanEstimate(report.StudyRuns(one, sub.Where...).Eff()))
		effTwo = append(effTwo, report.MeanEstimate(report.StudyRuns(two, sub.Where...).Eff()))
	}
	eff.Series = []report.Series{{Name: "one instance (TR113, 1 run per config)", Estimates: effOne}, {Name: "two instances (TR114_v2)", Estimates: effTwo}}
	b.WriteString(t.Markdown())

	r1, r2 := report.StudyRuns(one), report.StudyRuns(two)
	homo := report.StudyRuns(one, "scenario=chimera_homo")
	fmt.Fprintf(&b, "\nOn one instance the calls decoded one at a time (%s calls at once on average, at most %s) at the full rate "+
		"of one call, %s tok/s. Two agents whose options differ (baseline_vs_chimera, chimera_hetero) also made the instance "+
		"reload the model for each other. Ollama's load_duration runs from a request's arrival to a ready runner, so it "+
		"holds that reload and the wait for the other agent's call, which had to finish first: summed over a run's calls it is "+
		"%s of the wall in those runs and %s in chimera_homo, whose agents share one runner. Two instances let %s calls "+
		"decode at once, but each decoded at %s tok/s, as two decoders sharing one GPU's memory bandwidth would: together %s tokens per "+
		"wall second, %s %% of one instance's best case (chimera_homo, %s). The legacy efficiency rose from %s %% to "+
		"%s %% because the two agents finished closer together, not because more work got done per second.\n",
		report.F(stats.Mean(r1.Concurrency()), 2), report.F(stats.Max(r1.Concurrency()), 2), report.F(stats.Mean(r1.Values("tok/s")), 1),
		loadShare(report.StudyRuns(one, "scenario=baseline_vs_chimera"), report.StudyRuns(one, "scenario=chimera_hetero")), loadShare(homo),
		report.F(stats.Mean(r2.Concurrency()), 2), report.F(stats.Mean(r2.Values("tok/s")), 1), report.F(stats.Mean(r2.Values("agg-tok/s")), 1),
		report.F(100*stats.Mean(r2.Values("agg-tok/s"))/stats.Mean(homo.Values("agg-tok/s")), 0), report.F(stats.Mean(homo.Values("agg-tok/s")), 1),
		report.F(stats.Mean(r1.Eff()), 1), report.F(stats.Mean(r2.Eff()), 1))

	b.WriteString("\n#### Per test, where TR114_v2 ran the same options\n\n")
	pt := report.Table{
		Header: []string{"test", "TR113 config", "instances=1: eff-% / agg-tok/s (1 run)", "instances=2: eff-% / agg-tok/s (mean of runs)"},
		Align:  "llrr",
	}
	for _, r := range r1 {
		test, ok := r.Keys["test"]
		if !ok {
			continue
		}
		rs := report.StudyRuns(two, "test="+test)
		pt.Rows = append(pt.Rows, []string{test, r.Keys["dir"],
			report.F(r.Legacy.EfficiencyPct, 1) + " / " + report.F(r.Values["agg-tok/s"], 1),
			fmt.Sprintf("%s / %s (%d runs)", report.F(stats.Mean(rs.Eff()), 1), report.F(stats.Mean(rs.Values("agg-tok/s")), 1), len(rs))})
	}
	b.WriteString(pt.Markdown())
	fmt.Fprintf(&b, "\n%d of TR113's %d configs have no TR114_v2 test (temperature 0.6 against the baseline agent, and both hetero pairs).\n",
		len(r1)-len(pt.Rows), len(r1))
	b.WriteString("\nSide by side with benchstat (`dir` is TR113's config directory, absent from TR114's names):\n\n" +
		"    go tool benchstat -table '' -col /instances -ignore /dir tr113/testdata/baseline.bench tr114/testdata/baseline.bench\n")

	// One instance against two differ by a factor: bars from zero.
	thr := report.Chart{
		Title:      "One instance (TR113) vs two (TR114_v2), all runs, mean ± 95 % t-CI",
		YLabel:     "tok/s",
		Categories: []string{"decode rate per call", "tokens per wall second, both agents"},
		Series: []report.Series{
			{Name: "one instance (TR113)", Estimates: []report.Estimate{report.MeanEstimate(r1.Values("tok/s")), report.MeanEstimate(r1.Values("agg-tok/s"))}},
			{Name: "two instances (TR114_v2)", Estimates: []report.Estimate{report.MeanEstimate(r2.Values("tok/s")), report.MeanEstimate(r2.Values("agg-tok/s"))}},
		},
	}
	return report.Charted(b.String(),
		report.EfficiencyChart(eff, "The study's legacy efficiency per scenario with both agents on one Ollama instance (TR113) beside two instances (TR114_v2), mean with the 95 % t-interval where n ≥ 3, against the 100 % line where both agents run for the whole wall time: it measures how evenly the agents overlap, not whether a second instance helped."),
		report.NamedChart{Name: "throughput.svg", Chart: thr, Caption: "The study's decode rate per call and both agents' tokens per wall second, one instance (TR113) beside two (TR114_v2), mean with the 95 % t-interval, bars from zero: the ratio of the bars is what the second instance changed."})
}

// loadShare formats the mean share of the wall that the server spent in
// load_duration over the runs of the given groups.
func loadShare(groups ...report.Runs) string {
	var xs []float64
	for _, rs := range groups {
		xs = append(xs, loadShares(rs)...)
	}
	return report.F(100*stats.Mean(xs), 0) + " %"
}

// loadShares is each run's load_duration summed over its calls, as a
// share of its wall time.
func loadShares(rs report.Runs) []float64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, r.Values["load-ns"]/r.Values["wall-ns"])
	}
	return xs
}
