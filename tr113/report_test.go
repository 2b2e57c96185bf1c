package tr113_test

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

func readSets(t *testing.T) (one, two *golden.Set) {
	t.Helper()
	one, err := golden.ReadFile("testdata/baseline.bench")
	if err != nil {
		t.Fatal(err)
	}
	return one, studydatatest.ReadBaseline(t, "tr114")
}

// TestReportFragment renders the TR113 fragment and its charts from the
// committed .bench files only.
func TestReportFragment(t *testing.T) {
	one, two := readSets(t)
	md, charts := fragment(studydatatest.RequirePublished(t), one, two)
	tgolden.Assert(t, md, "report.md.golden")
	for name, c := range charts {
		reporttest.AssertChart(t, c, name)
	}
}

// TestReportReproducesPublished checks every TR113 row of PUBLISHED.md
// (#93–#99): all follow from the recomputed legacy efficiency except the
// contended count (#99: 13 of 19 runs, not 12). It also checks that the
// runs the report names are the ones the data pick and the run counts.
func TestReportReproducesPublished(t *testing.T) {
	one, _ := readSets(t)
	pub := studydatatest.RequirePublished(t)
	reporttest.AssertClaims(t, claims(pub, one))
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

// concurrency is Σ decode time / wall of each run: agg-tok/s ÷ tok/s, the
// mean number of calls decoding at once.
func concurrency(rs report.Runs) []float64 {
	var xs []float64
	for _, r := range rs {
		if rate, ok := r.Values["tok/s"]; ok {
			xs = append(xs, r.Values["agg-tok/s"]/rate)
		}
	}
	return xs
}

func fragment(pub studydata.Published, one, two *golden.Set) (string, map[string]report.Chart) {
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
	eff := report.Chart{Title: "Legacy efficiency, one instance (TR113) vs two (TR114_v2): mean ± 95 % t-CI where n ≥ 3", YLabel: "%", Kind: report.Dots}
	var effOne, effTwo []report.Estimate
	scenarios := one.KeyValues("scenario")
	slices.Sort(scenarios)
	for _, sc := range append(scenarios, "all") {
		where := []string{"scenario=" + sc}
		if sc == "all" {
			where = nil
		}
		for i, s := range []*golden.Set{one, two} {
			rs := report.StudyRuns(s, where...)
			load := "n/a"
			if xs := rs.Values("load-ns"); len(xs) == len(rs) {
				var share []float64
				for _, r := range rs {
					share = append(share, r.Values["load-ns"]/r.Values["wall-ns"])
				}
				load = report.MeanCI(share, 2, "load-ns")
			}
			t.Rows = append(t.Rows, []string{sc, fmt.Sprint(i + 1), fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 1, "eff-%"),
				report.MeanCI(rs.Values("tok/s"), 1, "tok/s"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s"), report.MeanCI(concurrency(rs), 2, "decode-ns"), load})
		}
		eff.Categories = append(eff.Categories, sc)
		effOne = append(effOne, estimate(report.StudyRuns(one, where...).Eff()))
		effTwo = append(effTwo, estimate(report.StudyRuns(two, where...).Eff()))
	}
	eff.Series = []report.Series{{Name: "one instance (TR113, 1 run per config)", Estimates: effOne}, {Name: "two instances (TR114_v2)", Estimates: effTwo}}
	// Efficiency cannot pass 100 %: say so where a whisker does.
	eff.Title += report.BoundNote("eff-%", eff.Series)
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
		report.F(stats.Mean(concurrency(r1)), 2), report.F(stats.Max(concurrency(r1)), 2), report.F(stats.Mean(r1.Values("tok/s")), 1),
		loadShare(report.StudyRuns(one, "scenario=baseline_vs_chimera"), report.StudyRuns(one, "scenario=chimera_hetero")), loadShare(homo),
		report.F(stats.Mean(concurrency(r2)), 2), report.F(stats.Mean(r2.Values("tok/s")), 1), report.F(stats.Mean(r2.Values("agg-tok/s")), 1),
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
	return b.String(), map[string]report.Chart{"efficiency.svg.golden": eff, "throughput.svg.golden": thr}
}

// estimate is the mean of xs with its 95 % t-interval, without the
// interval below 3 values: two runs give an interval wider than the axis.
func estimate(xs []float64) report.Estimate {
	e := report.MeanEstimate(xs)
	if len(xs) < 3 {
		e.Lo, e.Hi = math.NaN(), math.NaN()
	}
	return e
}

// loadShare formats the mean share of the wall that the server spent in
// load_duration over the runs of the given groups.
func loadShare(groups ...report.Runs) string {
	var xs []float64
	for _, rs := range groups {
		for _, r := range rs {
			xs = append(xs, r.Values["load-ns"]/r.Values["wall-ns"])
		}
	}
	return report.F(100*stats.Mean(xs), 0) + " %"
}
