package tr115

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

func secs(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x / 1e9
	}
	return out
}

// fragment is the fragment of the study's runs alone: the published rows
// recomputed, what the runtimes did, and the efficiency and throughput
// charts.
func fragment(in report.Input, s *golden.Set) report.Fragment {
	var b strings.Builder
	b.WriteString("### TR115_v2: the TR114_v2 agents on five Rust async runtimes (from testdata/baseline.bench)\n\n" +
		"The same two-agent program (an analysis and a report call per agent, two Ollama instances) was built for five " +
		"async runtimes and run in 6 configs × 5 runs each, every run its own process. The report's statistics are over " +
		"the 30 runs of a runtime, of the legacy efficiency Σ agent time / wall / 2, recomputed here with " +
		"`stats.LegacyEfficiency` from `a-ns`, `b-ns`, `wall-ns`; it agrees with the efficiency the study stored in every " +
		"run. The corrected speedup cannot be computed: no agent ran alone next to these runs.\n\n")
	t := report.ClaimsTable(numbers(in.Published, s))
	t.Rows = append(t.Rows, smolWorst(in.Published, s).Cells())
	b.WriteString(t.Markdown())

	runtimes := s.KeyValues("runtime")
	slices.Sort(runtimes)
	b.WriteString("\n#### What the runtimes did\n\n" +
		"tok/s is the server's decode rate over a run's calls (Σ eval_count / Σ eval_duration), agg-tok/s both agents' " +
		"tokens per wall second, and their ratio Σ decode time / wall the mean number of calls decoding at once.\n\n")
	rt := report.Table{
		Header: []string{"runtime", "runs", "legacy eff-%, mean [95 % CI]", "balance bound %", "calls decoding at once", "tok/s per call", "agg-tok/s, both agents", "wall s"},
		Align:  "lrrrrrrr",
	}
	eff := report.Chart{Title: "TR115_v2 legacy efficiency by runtime (mean ± 95 % t-CI, 30 runs each)"}
	thr := report.Chart{Title: "TR115_v2 by runtime: one call's decode rate and both agents' tokens per wall second (mean ± 95 % t-CI)", YLabel: "tok/s"}
	var effDots, balDots, rateBars, aggBars []report.Estimate
	for _, rtm := range runtimes {
		rs := report.StudyRuns(s, "runtime="+rtm)
		rt.Rows = append(rt.Rows, []string{rtm, fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 2, "eff-%"), report.MeanCI(rs.Balance(), 2, "balance-%"),
			report.MeanCI(rs.Concurrency(), 2, "decode-ns"), report.MeanCI(rs.Values("tok/s"), 1, "tok/s"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s"),
			report.MeanCI(secs(rs.Values("wall-ns")), 1, "wall-ns")})
		eff.Categories = append(eff.Categories, rtm)
		thr.Categories = append(thr.Categories, rtm)
		effDots = append(effDots, report.MeanEstimate(rs.Eff()))
		balDots = append(balDots, report.MeanEstimate(rs.Balance()))
		rateBars = append(rateBars, report.MeanEstimate(rs.Values("tok/s")))
		aggBars = append(aggBars, report.MeanEstimate(rs.Values("agg-tok/s")))
	}
	eff.Series = []report.Series{{Name: "legacy efficiency (eff-%)", Estimates: effDots}, {Name: "balance bound", Estimates: balDots}}
	thr.Series = []report.Series{{Name: "decode rate per call (tok/s)", Estimates: rateBars}, {Name: "tokens per wall second, both agents (agg-tok/s)", Estimates: aggBars}}
	b.WriteString(rt.Markdown())

	b.WriteString("\nPer config: mean wall time in s (mean tok/s per call), 5 runs each. The last column takes async-std's " +
		"serial run as the two agents' time alone and divides it by tokio-default's wall: the corrected speedup-x " +
		"(Σ time alone / wall together) as far as two different programs' runs can stand in for it.\n\n")
	ct := report.Table{Header: append(append([]string{"config"}, runtimes...), "tokio-default speedup-x vs async-std's serial wall")}
	ct.Align = "l" + strings.Repeat("r", len(runtimes)+1)
	faster, configs := 0, 0
	var proxy []float64
	var slower []string
	for _, sc := range s.KeyValues("scenario") {
		for _, cfg := range s.KeyValues("config", "scenario="+sc) {
			row := []string{sc + "_" + cfg}
			wall := map[string]float64{}
			for _, rtm := range runtimes {
				rs := report.StudyRuns(s, "runtime="+rtm, "scenario="+sc, "config="+cfg)
				wall[rtm] = stats.Mean(secs(rs.Values("wall-ns")))
				row = append(row, fmt.Sprintf("%s (%s)", report.F(wall[rtm], 1), report.F(stats.Mean(rs.Values("tok/s")), 1)))
			}
			p := wall["async-std"] / wall["tokio-default"]
			proxy = append(proxy, p)
			ct.Rows = append(ct.Rows, append(row, report.F(p, 2)))
			configs++
			if wall["async-std"] < wall["tokio-default"] {
				faster++
			} else {
				rs := report.StudyRuns(s, "runtime=async-std", "scenario="+sc, "config="+cfg)
				slower = append(slower, fmt.Sprintf("%s_%s (its calls decoding at %s tok/s)", sc, cfg, report.F(stats.Mean(rs.Values("tok/s")), 1)))
			}
		}
	}
	b.WriteString(ct.Markdown())
	as, td := report.StudyRuns(s, "runtime=async-std"), report.StudyRuns(s, "runtime=tokio-default")
	fmt.Fprintf(&b, "\nasync-std scores %s %% because its agents ran strictly one after the other (%s calls decoding at once, at "+
		"most %s; the data pack's README: its coordinator is a mutex) and each agent's time covers only its own turn, "+
		"so a + b = wall and (a + b) / wall / 2 = 50 %% by construction. Each call then had the GPU to itself and decoded at "+
		"%s tok/s, against %s tok/s when tokio-default ran two at once (%s calls decoding at once). In %d of the %d configs "+
		"the serialised async-std finished the same work sooner than tokio-default at its %s %%: the legacy efficiency "+
		"ranks them backwards. Both agents' tokens per wall second, %s against %s, and the speedup against the serial "+
		"wall, %s in the median config, answer whether running two agents at once paid: in most configs it did not. "+
		"async-std was slower in %s. Its balance bound (%s %%) is no guide either: its wall is a + b, not max(a, b).\n",
		report.F(stats.Mean(as.Eff()), 2), report.F(stats.Mean(as.Concurrency()), 2), report.F(stats.Max(as.Concurrency()), 2),
		report.F(stats.Mean(as.Values("tok/s")), 1), report.F(stats.Mean(td.Values("tok/s")), 1), report.F(stats.Mean(td.Concurrency()), 2),
		faster, configs, report.F(stats.Mean(td.Eff()), 2),
		report.F(stats.Mean(as.Values("agg-tok/s")), 1), report.F(stats.Mean(td.Values("agg-tok/s")), 1),
		report.F(stats.Median(proxy), 2), strings.Join(slower, " and "), report.F(stats.Mean(as.Balance()), 2))
	b.WriteString("\n" + report.Compare{Package: "tr115", Why: report.ConfigLinesDiffer, Benchstat: "-ignore /gomaxprocs"}.Markdown())
	return report.Charted(b.String(),
		report.EfficiencyChart(eff, "The study's legacy efficiency and balance bound per Rust async runtime (mean of 30 runs with the 95 % t-interval) against the 100 % line where both agents run for the whole wall time: async-std's 50 % is its agents taking turns, which the definition scores low although it finished sooner in some configs."),
		report.NamedChart{Name: "throughput.svg", Chart: thr, Caption: "The study's decode rate per call and both agents' tokens per wall second per Rust async runtime (mean with the 95 % t-interval), bars from zero: the tokens per wall second, not the efficiency, say which runtime got more work done."})
}
