package tr116

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// verdict says which kinds of published number follow from the data,
// counted from the claims: "The means and legacy speedups follow from the
// data (24 of 24); of the Rust table's peaks 5 of 6 do not, …".
func verdict(rust, python []report.Claim) string {
	kinds := []struct {
		what string
		cs   []report.Claim
	}{
		{"the Rust table's peaks", byWhat(rust, "peak efficiency")},
		{"its SDs", byWhat(rust, "efficiency SD")},
		{"the Python peaks", byWhat(python, "peak efficiency")},
		{fmt.Sprintf("\"never exceeds %s %%\"", report.F(report.ByRow(python, pythonCeilingRow).Published, 0)), byWhat(python, "never exceeds")},
	}
	means := slices.Concat(byWhat(rust, "mean"), byWhat(python, "mean"))
	var not []string
	for _, k := range kinds {
		n := 0
		for _, c := range k.cs {
			if c.Match() == report.Differs {
				n++
			}
		}
		switch {
		case n == 0:
		case n == len(k.cs) && n == 1:
			not = append(not, k.what)
		case n == len(k.cs):
			not = append(not, fmt.Sprintf("%s (all %d)", k.what, n))
		default:
			not = append(not, fmt.Sprintf("%s (%d of %d)", k.what, n, len(k.cs)))
		}
	}
	follow := 0
	for _, c := range means {
		if c.Match() != report.Differs {
			follow++
		}
	}
	v := fmt.Sprintf("Of the means and legacy speedups, %d of %d follow from the data", follow, len(means))
	if len(not) == 0 {
		return v + ", and so do the peaks and SDs."
	}
	return v + "; these do not: " + strings.Join(not, ", ") + "."
}

// byWhat returns the claims whose quantity contains what.
func byWhat(cs []report.Claim, what string) []report.Claim {
	var out []report.Claim
	for _, c := range cs {
		if strings.Contains(c.What, what) {
			out = append(out, c)
		}
	}
	return out
}

// fragment is the fragment of the study's runs and calls alone: the
// published rows recomputed, two Rust agents together against one alone,
// and the throughput and efficiency charts.
func fragment(in report.Input, s *golden.Set) report.Fragment {
	rustCs, pythonCs := rustClaims(in.Published, s), pythonClaims(in.Published, s)
	var b strings.Builder
	b.WriteString("### TR116: two agents at once across three models, Rust and Python (from testdata/baseline.bench)\n\n" +
		"TR116 ran two agents at once, each on its own Ollama instance, with gemma3:latest, llama3.1:8b-instruct-q4_0 and " +
		"qwen2.5:7b, 5 runs per model and scenario, in two programs: the Rust agents of TR114_v2 (an analysis and a report " +
		"call each; chimera options 80/512/1.0) and reconstructed Python agents (one persona call each; chimera num_ctx 2048). " +
		"Rust's legacy efficiency is Σ agent time / wall / 2, recomputed with `stats.LegacyEfficiency` from `a-ns`, `b-ns`, " +
		"`wall-ns`. The study's Python code used " + pythonStudyDefine + " instead, recomputed from `prefill-ns` + `decode-ns` " +
		"(both agents' sums) and `wall-ns`; beside it, the legacy figure from the agents' client wall clocks. The corrected " +
		"speedup cannot be computed: no agent ran alone next to these runs. " + verdict(rustCs, pythonCs) + "\n\n")
	b.WriteString("#### Rust (§3.1, §7.1)\n\n")
	b.WriteString(report.ClaimsTable(rustCs).Markdown())
	b.WriteString("\n#### Python (§3.2) and the executive summary\n\n")
	b.WriteString(report.ClaimsTable(pythonCs).Markdown())
	b.WriteString("\n#### Single agent, same day (results/single/…/comparison_report.md)\n\n")
	b.WriteString(report.ClaimsTable(singleClaims(in.Published, s)).Markdown())

	b.WriteString("\n#### Two Rust agents together against one alone, per model\n\n" +
		"One agent alone is TR116's own Rust single-agent data of the same models (warm calls, every config): the decode " +
		"rate per call and tokens per wall second of one call. Two together are the Rust multi-agent runs: tok/s is the decode " +
		"rate over a run's calls, agg-tok/s both agents' tokens per wall second, and their ratio Σ decode time / wall the " +
		"mean number of calls decoding at once.\n\n")
	t := report.Table{
		Header: []string{"model", "alone: calls", "alone: tok/s per call", "alone: tokens per wall second", "together: runs", "together: tok/s per call", "together: agg-tok/s", "calls decoding at once", "together / alone, tokens per wall second"},
		Align:  "lrrrrrrrr",
	}
	thr := report.Chart{Title: "TR116 Rust: one agent alone vs two together, tokens per wall second (mean ± 95 % t-CI)", YLabel: "tok/s", Kind: report.HBars}
	var aloneBars, togetherBars []report.Estimate
	var ratios []string
	var inFlight, rateShare, legacy []float64
	for _, m := range models {
		calls := report.StudyCalls(s, "lang=rust", "model="+m.tag, "start=warm")
		var wall []float64
		for _, c := range calls {
			wall = append(wall, c.Tokens/(c.E2ENS/1e9))
		}
		var rs report.Runs
		for _, sc := range scenarios {
			rs = append(rs, rustRuns(s, m.tag, sc)...)
		}
		ratio := stats.Mean(rs.Values("agg-tok/s")) / stats.Mean(wall)
		inFlight = append(inFlight, stats.Mean(rs.Concurrency()))
		rateShare = append(rateShare, 100*stats.Mean(rs.Values("tok/s"))/stats.Mean(calls.Rates()))
		legacy = append(legacy, stats.Mean(rs.Eff()))
		ratios = append(ratios, m.short+" "+report.F(100*ratio, 0)+" %")
		aloneN := fmt.Sprint(len(calls))
		if r := len(calls.Rates()); r != len(calls) {
			aloneN += fmt.Sprintf(" (%d with tokens)", r)
		}
		t.Rows = append(t.Rows, []string{m.tag, aloneN, report.MeanCI(calls.Rates(), 1, "tok/s"), report.MeanCI(wall, 1, "agg-tok/s"),
			fmt.Sprint(len(rs)), report.MeanCI(rs.Values("tok/s"), 1, "tok/s"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s"), report.MeanCI(rs.Concurrency(), 2, "decode-ns"),
			report.F(ratio, 2)})
		thr.Categories = append(thr.Categories, m.tag)
		aloneBars = append(aloneBars, report.MeanEstimate(wall))
		togetherBars = append(togetherBars, report.MeanEstimate(rs.Values("agg-tok/s")))
	}
	thr.Series = []report.Series{{Name: "one agent alone (Rust single-agent calls)", Estimates: aloneBars}, {Name: "two agents together (Rust multi-agent runs)", Estimates: togetherBars}}
	b.WriteString(t.Markdown())
	fmt.Fprintf(&b, "\nOn every model two agents at once kept %s–%s calls decoding at once, each at %s–%s %% of the rate "+
		"of one call alone, so together they produced fewer tokens per wall second than one agent alone: %s of it. "+
		"A legacy efficiency of %s–%s %% (the models' means) says only that the two finished together.\n",
		report.F(stats.Min(inFlight), 2), report.F(stats.Max(inFlight), 2), report.F(stats.Min(rateShare), 0), report.F(stats.Max(rateShare), 0),
		strings.Join(ratios, ", "), report.F(stats.Min(legacy), 1), report.F(stats.Max(legacy), 1))

	eff := report.Chart{Title: "TR116 legacy efficiency by model and scenario (mean ± 95 % t-CI, 5 runs)", Height: 12 * report.Centimeter}
	var rust, pyStudy, pyWall []report.Estimate
	for _, m := range models {
		for _, sc := range scenarios {
			eff.Categories = append(eff.Categories, m.short+" "+sc)
			rust = append(rust, report.MeanEstimate(rustRuns(s, m.tag, sc).Eff()))
			pr := pythonRuns(s, m.tag, sc)
			pyStudy = append(pyStudy, report.MeanEstimate(pythonEff(pr)))
			pyWall = append(pyWall, report.MeanEstimate(pr.Eff()))
		}
	}
	eff.Series = []report.Series{
		{Name: "Rust (agent times inside the run)", Estimates: rust},
		{Name: "Python, the study's (Ollama-internal durations)", Estimates: pyStudy},
		{Name: "Python, client wall clocks", Estimates: pyWall},
	}
	b.WriteString("\n" + report.Compare{Package: "tr116", Why: report.ConfigLinesDiffer, Benchstat: "-ignore /gomaxprocs,/dir,/study-agent"}.Markdown())
	return report.Charted(b.String(),
		report.EfficiencyChart(eff, "The legacy efficiency per model and scenario (mean of 5 runs with the 95 % t-interval) by three definitions, Rust's and Python's two, against the 100 % line where both agents run for the whole wall time: the definitions differ by points, and none says whether two agents beat one."),
		report.NamedChart{Name: "throughput.svg", Chart: thr, Caption: "The study's Rust tokens per wall second per model, one agent alone beside two together (mean with the 95 % t-interval), bars from zero: where the together bar is shorter, two agents at once produced less than one alone."})
}
