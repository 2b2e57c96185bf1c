package tr116

import (
	"fmt"
	"math"
	"slices"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

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

// claims are TR116's published rows recomputed from its runs and calls.
func claims(in report.Input, s *golden.Set) report.Claims {
	return report.Claims{Numbers: slices.Concat(rustClaims(in.Published, s), pythonClaims(in.Published, s), singleClaims(in.Published, s))}
}
