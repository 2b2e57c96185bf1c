package tr116_test

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
	"gonum.org/v1/plot/vg"
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

// TestReportFragment renders the TR116 fragment and its charts from the
// committed baseline only.
func TestReportFragment(t *testing.T) {
	md, charts := fragment(studydatatest.RequirePublished(t), readBaseline(t))
	tgolden.Assert(t, md, "report.md.golden")
	for name, c := range charts {
		reporttest.AssertChart(t, c, name)
	}
}

// TestReportReproducesPublished checks every TR116 row of PUBLISHED.md
// (#130–#174). The means and speedups follow; 18 rows do not: every
// "peak" and SD of the Rust table but one peak, every Python peak, and
// "Python never exceeds 86 %", each as the data pack recomputed it. Each
// cell has the runs the pack's formula counts ("(n=5)").
func TestReportReproducesPublished(t *testing.T) {
	s := readBaseline(t)
	pub := studydatatest.RequirePublished(t)
	reporttest.AssertClaims(t, claims(pub, s))
	m := regexp.MustCompile(`\(n=(\d+)\)`).FindStringSubmatch(pub[130].Formula)
	if m == nil {
		t.Fatalf("PUBLISHED.md #130's formula %q gives no run count", pub[130].Formula)
	}
	for _, md := range models {
		for _, sc := range scenarios {
			if n := len(rustRuns(s, md.tag, sc)); fmt.Sprint(n) != m[1] {
				t.Errorf("Rust %s %s: %d runs, want %s", md.tag, sc, n, m[1])
			}
			if n := len(pythonRuns(s, md.tag, sc)); fmt.Sprint(n) != m[1] {
				t.Errorf("Python %s %s: %d runs, want %s", md.tag, sc, n, m[1])
			}
		}
	}
}

// The study's three models and two scenarios, as the baseline names them.
var (
	models = []struct{ tag, short string }{
		{"gemma3:latest", "gemma3"}, {"llama3.1:8b-instruct-q4_0", "llama3.1 8B q4_0"}, {"qwen2.5:7b", "qwen2.5 7B"},
	}
	scenarios = []string{"baseline_vs_chimera", "chimera_homo"}
)

// rustRows are §3.1's and §7.1's PUBLISHED.md rows per model and
// scenario: mean efficiency, mean speedup, peak, SD.
var rustRows = map[string]map[string][4]int{
	"gemma3:latest":             {"baseline_vs_chimera": {130, 131, 132, 133}, "chimera_homo": {134, 135, 136, 137}},
	"llama3.1:8b-instruct-q4_0": {"baseline_vs_chimera": {138, 139, 140, 141}, "chimera_homo": {142, 143, 144, 145}},
	"qwen2.5:7b":                {"baseline_vs_chimera": {146, 147, 148, 149}, "chimera_homo": {150, 151, 152, 153}},
}

// pythonRows are §3.2's rows: mean efficiency, mean speedup, peak, in the
// order PUBLISHED.md lists them (llama3.1 first).
var pythonRows = []struct {
	tag, scenario string
	rows          [3]int
}{
	{"llama3.1:8b-instruct-q4_0", "baseline_vs_chimera", [3]int{154, 155, 156}},
	{"llama3.1:8b-instruct-q4_0", "chimera_homo", [3]int{157, 158, 159}},
	{"gemma3:latest", "baseline_vs_chimera", [3]int{160, 161, 162}},
	{"gemma3:latest", "chimera_homo", [3]int{163, 164, 165}},
	{"qwen2.5:7b", "baseline_vs_chimera", [3]int{166, 167, 168}},
	{"qwen2.5:7b", "chimera_homo", [3]int{169, 170, 171}},
}

// pythonCeilingRow is the executive summary's "Python never exceeds 86 %
// efficiency".
const pythonCeilingRow = 172

const (
	singleDir         = "gpu80_ctx1024_temp08"
	singleModel       = "gemma3:latest"
	singleStudyAgent  = "baseline"
	pythonStudyDefine = "Σ Ollama-internal durations (prompt_eval + eval) / wall / 2"
)

func rustRuns(s *golden.Set, tag, sc string) report.Runs {
	return report.StudyRuns(s, "lang=rust", "model="+tag, "scenario="+sc)
}

func pythonRuns(s *golden.Set, tag, sc string) report.Runs {
	return report.StudyRuns(s, "lang=python", "model="+tag, "scenario="+sc)
}

// pythonEff is the study's Python efficiency of each run (TR116's
// reconstructed code): Σ of both agents' Ollama-internal durations, which
// the baseline keeps as prefill-ns + decode-ns, over the wall, / 2.
func pythonEff(rs report.Runs) []float64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, 100*(r.Values["prefill-ns"]+r.Values["decode-ns"])/r.Values["wall-ns"]/2)
	}
	return xs
}

func pythonSpeedup(rs report.Runs) []float64 {
	xs := pythonEff(rs)
	for i := range xs {
		xs[i] /= 50
	}
	return xs
}

// roundsTo is the reason a published extreme of runs does not follow: the
// extreme the runs have, and what it rounds to.
func roundsTo(what string, v float64, n int) func(float64) string {
	return func(p float64) string {
		return fmt.Sprintf("the %s of the %d runs is %s %%, which rounds to %s, not %s", what, n, report.F(v, 2), report.F(v, 1), report.F(p, 1))
	}
}

func rustClaims(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	for _, m := range models {
		for _, sc := range scenarios {
			row := rustRows[m.tag][sc]
			rs := rustRuns(s, m.tag, sc)
			eff := rs.Eff()
			what := "Rust " + m.short + ", " + sc + ": "
			spread := fmt.Sprintf("runs %s–%s %%", report.F(stats.Min(eff), 1), report.F(stats.Max(eff), 1))
			cs = append(cs,
				report.Claim{What: what + "mean efficiency (§3.1)", Row: row[0], Unit: "%", Recomputed: stats.Mean(eff), N: len(eff),
					Ours: "balance bound " + report.F(stats.Mean(rs.Balance()), 1) + " %"},
				report.Claim{What: what + "mean legacy speedup", Row: row[1], Unit: "x", Recomputed: stats.Mean(rs.Speedup()), N: len(eff)},
				report.Claim{What: what + "peak efficiency", Row: row[2], Unit: "%", Recomputed: stats.Max(eff), N: len(eff), Note: spread,
					Reason: roundsTo("highest", stats.Max(eff), len(eff))},
				report.Claim{What: what + "efficiency SD (n−1, §7.1)", Row: row[3], Unit: "pp", Recomputed: stats.SD(eff), N: len(eff), Note: spread,
					Reason: func(float64) string { return report.SDs(eff, 2, "runs") }},
			)
		}
	}
	return report.Cite(pub, cs)
}

func pythonClaims(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	var all []float64
	for _, p := range pythonRows {
		rs := pythonRuns(s, p.tag, p.scenario)
		eff := pythonEff(rs)
		all = append(all, eff...)
		short := p.tag
		for _, m := range models {
			if m.tag == p.tag {
				short = m.short
			}
		}
		what := "Python " + short + ", " + p.scenario + ": "
		cs = append(cs,
			report.Claim{What: what + "mean efficiency (§3.2)", Row: p.rows[0], Unit: "%", Recomputed: stats.Mean(eff), N: len(eff),
				Ours: "client wall clocks: " + report.F(stats.Mean(rs.Eff()), 1) + " %", Note: "the study's Python definition: " + pythonStudyDefine},
			report.Claim{What: what + "mean legacy speedup", Row: p.rows[1], Unit: "x", Recomputed: stats.Mean(pythonSpeedup(rs)), N: len(eff)},
			report.Claim{What: what + "peak efficiency", Row: p.rows[2], Unit: "%", Recomputed: stats.Max(eff), N: len(eff),
				Note:   fmt.Sprintf("runs %s–%s %%", report.F(stats.Min(eff), 1), report.F(stats.Max(eff), 1)),
				Reason: roundsTo("highest", stats.Max(eff), len(eff))},
		)
	}
	var means []float64
	for _, p := range pythonRows {
		means = append(means, stats.Mean(pythonEff(pythonRuns(s, p.tag, p.scenario))))
	}
	ceiling := math.NaN()
	if n, err := pub.Number(pythonCeilingRow, 0); err == nil {
		ceiling = n.Value
	}
	above := 0
	for _, x := range all {
		if x > ceiling {
			above++
		}
	}
	return report.Cite(pub, append(cs, report.Claim{
		What: fmt.Sprintf("\"Python never exceeds %s %% efficiency\" (exec summary): highest of its %d runs", report.F(ceiling, 0), len(all)),
		Row:  pythonCeilingRow, Unit: "%", Recomputed: stats.Max(all),
		Note: "true of the model-and-scenario means (highest " + report.F(stats.Max(means), 1) + " %), not of the runs",
		Reason: func(p float64) string {
			return fmt.Sprintf("%d of the %d runs exceed %s %%", above, len(all), report.F(p, 0))
		}}))
}

func singleClaims(pub studydata.Published, s *golden.Set) []report.Claim {
	where := []string{"model=" + singleModel, "dir=" + singleDir, "study-agent=" + singleStudyAgent}
	py := s.Values("tok/s", append([]string{"lang=python"}, where...)...)
	rust := report.StudyCalls(s, append([]string{"lang=rust"}, where...)...)
	// TR112_v2's Rust-over-Python advantage (PUBLISHED.md #92), which
	// compared runs of different days.
	rustFaster := "n/a"
	if n, err := pub.Number(92, 0); err == nil {
		rustFaster = report.F(n.Value, n.Decimals)
	}
	return report.Cite(pub, []report.Claim{
		{What: fmt.Sprintf("single agent, gemma3 gpu80/ctx1024 dir, baseline agent: Python, mean of %d runs", len(py)), Row: 173,
			Unit: "tok/s", Recomputed: stats.Mean(py),
			Note: "each run's figure is the mean of its two calls' decode rates (no per-call data); this \"baseline\" agent sent num_gpu 80, num_ctx 1024, temperature 0.8"},
		{What: fmt.Sprintf("the same, Rust, mean of %d calls", len(rust)), Row: 174,
			Unit: "tok/s", Recomputed: rust.StudyMean(),
			Ours: report.F(rust.DecodeRate(), 2) + " tok/s (Σ/Σ)",
			Note: fmt.Sprintf("same day: Python %s %% faster than Rust, not TR112_v2's \"Rust %s %% faster\"",
				report.F(stats.ThroughputImprovementPct(rust.StudyMean(), stats.Mean(py)), 1), rustFaster)},
	})
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	return append(append(rustClaims(pub, s), pythonClaims(pub, s)...), singleClaims(pub, s)...)
}

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

func fragment(pub studydata.Published, s *golden.Set) (string, map[string]report.Chart) {
	rustCs, pythonCs := rustClaims(pub, s), pythonClaims(pub, s)
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
	b.WriteString(report.ClaimsTable(singleClaims(pub, s)).Markdown())

	b.WriteString("\n#### Two Rust agents together against one alone, per model\n\n" +
		"One agent alone is TR116's own Rust single-agent data of the same models (warm calls, every config): the decode " +
		"rate per call and tokens per wall second of one call. Two together are the Rust multi-agent runs: tok/s is the decode " +
		"rate over a run's calls, agg-tok/s both agents' tokens per wall second, and their ratio Σ decode time / wall the " +
		"mean number of calls decoding at once.\n\n")
	t := report.Table{
		Header: []string{"model", "alone: calls", "alone: tok/s per call", "alone: tokens per wall second", "together: runs", "together: tok/s per call", "together: agg-tok/s", "calls decoding at once", "together / alone, tokens per wall second"},
		Align:  "lrrrrrrrr",
	}
	thr := report.Chart{Title: "TR116 Rust: one agent alone vs two together, tokens per wall second (mean ± 95 % t-CI)", YLabel: "tok/s"}
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
		inFlight = append(inFlight, stats.Mean(concurrency(rs)))
		rateShare = append(rateShare, 100*stats.Mean(rs.Values("tok/s"))/stats.Mean(calls.Rates()))
		legacy = append(legacy, stats.Mean(rs.Eff()))
		ratios = append(ratios, m.short+" "+report.F(100*ratio, 0)+" %")
		aloneN := fmt.Sprint(len(calls))
		if r := len(calls.Rates()); r != len(calls) {
			aloneN += fmt.Sprintf(" (%d with tokens)", r)
		}
		t.Rows = append(t.Rows, []string{m.tag, aloneN, report.MeanCI(calls.Rates(), 1, "tok/s"), report.MeanCI(wall, 1, "agg-tok/s"),
			fmt.Sprint(len(rs)), report.MeanCI(rs.Values("tok/s"), 1, "tok/s"), report.MeanCI(rs.Values("agg-tok/s"), 1, "agg-tok/s"), report.MeanCI(concurrency(rs), 2, "decode-ns"),
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

	// Legacy efficiencies differ by points between definitions: dots.
	eff := report.Chart{Title: "TR116 legacy efficiency by model and scenario (mean ± 95 % t-CI, 5 runs)", YLabel: "%", Kind: report.Dots,
		Height: 12 * vg.Centimeter}
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
	// Efficiency and the balance bound cannot pass 100 %: say so where a
	// whisker does.
	eff.Title = strings.TrimSuffix(eff.Title, ")") + report.BoundNote("eff-%", eff.Series) + ")"
	b.WriteString("\nCompare a run of ours with this baseline (one table although the config lines differ):\n\n" +
		"    go test -run '^$' -bench . -count 10 ./tr116 > new.txt\n" +
		"    go tool benchstat -table '' -ignore /gomaxprocs,/dir,/study-agent tr116/testdata/baseline.bench new.txt\n")
	return b.String(), map[string]report.Chart{"efficiency.svg.golden": eff, "throughput.svg.golden": thr}
}
