package tr109

import (
	"fmt"
	"math"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"gonum.org/v1/gonum/stat/distuv"
)

// inputs are the sets the fragment is rendered from: the study's Python
// sweep, TR111_v2's Rust one, and a run of ours (nil: none).
type inputs struct {
	python, rust, ours *golden.Set
}

// inputsOf takes in's sets.
func inputsOf(in report.Input) (inputs, error) {
	python, err := in.Set("tr109")
	if err != nil {
		return inputs{}, err
	}
	rust, err := in.Set("tr111")
	if err != nil {
		return inputs{}, err
	}
	return inputs{python: python, rust: rust, ours: in.Run()}, nil
}

// render is the fragment of the study's two sweeps and, where there is
// one, a run of ours.
func render(in report.Input) (report.Fragment, error) {
	sets, err := inputsOf(in)
	if err != nil {
		return report.Fragment{}, err
	}
	return fragment(in.Published, sets)
}

// The rules that read each input: the study's configs are paired with the
// baseline agent of their own directory; TR111_v2's calls pool over warm
// and cold; our run has one baseline for all.
var (
	pythonRule = Rule{Unit: "tok/s", Pair: "dir"}
	rustRule   = Rule{Unit: "tok/s", Pair: "dir", Pool: []string{"start"}}
	oursRule   = Rule{Unit: "tok/s"}
)

// rustStudyWins is TR112_v2's Rust count: directories whose chimera agent's
// mean of per-call rates, a call without tokens as 0 tok/s, beats the
// baseline agent's.
func rustStudyWins(s *golden.Set) int {
	n := 0
	for _, d := range s.KeyValues("dir", "agent=chimera") {
		if report.StudyCalls(s, "agent=chimera", "dir="+d).StudyMean() > report.StudyCalls(s, "study-agent=baseline", "dir="+d).StudyMean() {
			n++
		}
	}
	return n
}

// dirOf is the study directory of the TR109 config with these options.
func dirOf(s *golden.Set, c harness.AgentConfig) string {
	return s.KeyValues("dir", strings.Split(c.Name(), "/")...)[0]
}

// delta is chimera − baseline tok/s in a TR109 directory.
func delta(s *golden.Set, dir string) float64 {
	return s.Values("tok/s", "dir="+dir, "agent=chimera")[0] - s.Values("tok/s", "dir="+dir, "agent=baseline")[0]
}

// noise is the CV of the TR109 baseline agent over its 18 directories: the
// same agent and options run 18 times, the study's only measure of its
// run-to-run noise.
func noise(s *golden.Set) float64 { return stats.CV(s.Values("tok/s", "agent=baseline")) }

func claims(pub studydata.Published, in inputs) ([]report.Claim, error) {
	s := in.python
	py, err := SuccessRate(s, pythonRule)
	if err != nil {
		return nil, err
	}
	rs, err := SuccessRate(in.rust, rustRule)
	if err != nil {
		return nil, err
	}
	const best = "run_gpu60_ctx512_temp0p8"
	bestDelta := delta(s, best)
	vsNoise := func(d float64, dir string) string {
		return fmt.Sprintf("%+.2f %% of the baseline; the baseline agent's CV over the 18 directories is %s %%",
			100*d/s.Values("tok/s", "dir="+dir, "agent=baseline")[0], report.F(noise(s), 1))
	}
	untested := func(r Rate, what string) string {
		return fmt.Sprintf("%d of %d testable (%s; ≥ %d a side needed)", r.Tested(), r.Configs(), what, MinSamples)
	}
	appA := func(row int, dir string) report.Claim {
		d := delta(s, dir)
		return report.Claim{What: "App. A throughput delta " + dir, Row: row, Unit: "tok/s",
			Recomputed: d, Ours: vsNoise(d, dir), Note: "chimera − baseline, one run each",
			Reason: func(float64) string {
				return fmt.Sprintf("the stored runs: chimera %s − baseline %s tok/s", report.F(s.Values("tok/s", "dir="+dir, "agent=chimera")[0], 2),
					report.F(s.Values("tok/s", "dir="+dir, "agent=baseline")[0], 2))
			}}
	}
	ttft := func(agent string) float64 { return s.Values("study-ttft-ns", "dir="+best, "agent="+agent)[0] / 1e6 }
	return report.Cite(pub, []report.Claim{
		{What: "best config 60/512/0.8: chimera throughput", Row: 28, Unit: "tok/s",
			Recomputed: s.Values("tok/s", "dir="+best, "agent=chimera")[0], Note: "one run: the mean of its two calls' rates"},
		{What: "best config 60/512/0.8: baseline throughput", Row: 29, Unit: "tok/s",
			Recomputed: s.Values("tok/s", "dir="+best, "agent=baseline")[0], Note: "the baseline agent of the same directory, run after the chimera agent"},
		{What: "best config throughput delta", Row: 30, Unit: "tok/s",
			Recomputed: bestDelta, Ours: vsNoise(bestDelta, best)},
		{What: "best config TTFT delta", Row: 31, Unit: "ms",
			Recomputed: ttft("chimera") - ttft("baseline"),
			Note:       fmt.Sprintf("chimera %s ms − baseline %s ms, means of 2 calls; per-call data were not saved, so a reload cannot be told apart", report.F(ttft("chimera"), 0), report.F(ttft("baseline"), 0))},
		appA(32, "run_gpu120_ctx512_temp0p8"),
		appA(33, "run_gpu80_ctx512_temp0p6"),
		appA(34, "run_gpu80_ctx1024_temp0p8"),
		appA(35, "run_gpu60_ctx256_temp0p8"),
		appA(36, "run_gpu120_ctx256_temp0p6"),
		{What: "App. A: configs with a positive throughput delta (of 18)", Row: 37, Unit: "configs",
			Recomputed: float64(py.StudyWins()), Ours: "significantly better: " + untested(py, "1 run a side"),
			Note: "chimera > baseline of the same directory, one run each",
			Reason: func(p float64) string {
				return fmt.Sprintf("%d of the %d directories' stored chimera runs beat their baseline, not %s", py.StudyWins(), py.Configs(), report.F(p, 0))
			}},
		{What: "TR112_v2 Python optimisation success rate", Row: 88, Unit: "%",
			Recomputed: py.Pct(py.StudyWins()), Ours: untested(py, "1 run a side"),
			Note: fmt.Sprintf("= %d/%d, the same count as #37", py.StudyWins(), py.Configs())},
		{What: "TR112_v2 Rust optimisation success rate (TR111_v2 data)", Row: 90, Unit: "%",
			Recomputed: 100 * float64(rustStudyWins(in.rust)) / float64(rs.Configs()),
			Ours: fmt.Sprintf("%d/%d without the calls that returned no tokens; %s", rs.StudyWins(), rs.Configs(),
				untested(rs, "6 calls a side, warm and cold")),
			Note: fmt.Sprintf("%d/%d by the study's means (a call without tokens as 0 tok/s)", rustStudyWins(in.rust), rs.Configs()),
			Reason: func(p float64) string {
				return fmt.Sprintf("the published %s/%d came from the v1 single-call sweep, which is not in the data pack",
					report.F(p*float64(rs.Configs())/100, 0), rs.Configs())
			}},
	}), nil
}

// signed formats a difference in per cent with its sign, "n/a" for NaN.
func signed(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f", v)
}

// welchDeltaPct is the 95 % Welch interval of mean(xs) − mean(base), in
// per cent of mean(base): the whisker of a difference of means whose two
// sides vary differently (NaN with fewer than two samples a side).
func welchDeltaPct(xs, base []float64) (lo, hi float64) {
	n, m := float64(len(xs)), float64(len(base))
	if n < 2 || m < 2 {
		return math.NaN(), math.NaN()
	}
	a, b := stats.SD(xs)*stats.SD(xs)/n, stats.SD(base)*stats.SD(base)/m
	df := (a + b) * (a + b) / (a*a/(n-1) + b*b/(m-1))
	half := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975) * math.Sqrt(a+b)
	d, mb := stats.Mean(xs)-stats.Mean(base), stats.Mean(base)
	return 100 * (d - half) / mb, 100 * (d + half) / mb
}

// configLabel is "g60 c256 t0.6", short enough for a chart.
func configLabel(c harness.AgentConfig) string {
	return fmt.Sprintf("g%d c%d t%s", c.NumGPU, c.NumCtx, report.F(c.Temperature, 1))
}

// find returns the outcome of the config whose name ends in c's name (and,
// in the study's data, whose directory is dir).
func find(r Rate, c harness.AgentConfig, dir string) (Outcome, bool) {
	for _, o := range r.Outcomes {
		if strings.Contains(o.Config+"/", "/"+c.Name()+"/") && (dir == "" || strings.Contains(o.Config, "/dir="+dir+"/")) {
			return o, true
		}
	}
	return Outcome{}, false
}

// machine describes the run a .bench file came from, from its config lines.
func machine(s *golden.Set) string {
	r := s.Results[0]
	model := r.GetConfig("model")
	if r.GetConfig("model-synthetic") == "true" {
		model += " (synthetic)"
	}
	return fmt.Sprintf("%s, num_thread %s, GPU %s, Ollama %s (%s), model %s, %s tokens per call",
		r.GetConfig("cpu"), r.GetConfig("num-thread"), r.GetConfig("gpu"), r.GetConfig("ollama-version"), r.GetConfig("ollama-source"), model, r.GetConfig("num-predict"))
}

// runsASide is how many tok/s samples each configuration of the run s has:
// "10", or "3–10" where they differ.
func runsASide(s *golden.Set) string {
	lo, hi := math.MaxInt, 0
	for _, c := range harness.AgentConfigs() {
		n := len(s.Values("tok/s", strings.Split(c.Name(), "/")...))
		if n == 0 {
			continue
		}
		lo, hi = min(lo, n), max(hi, n)
	}
	if lo == hi || hi == 0 {
		return fmt.Sprint(hi)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// fragment is the fragment of in: the claims, the table of configurations
// and the chart of their differences from the baseline.
func fragment(pub studydata.Published, in inputs) (report.Fragment, error) {
	var chart report.Chart
	cs, err := claims(pub, in)
	if err != nil {
		return report.Fragment{}, err
	}
	var b strings.Builder
	hasOurs := in.ours != nil && len(in.ours.Rows()) > 0
	fmt.Fprintf(&b, "### TR109: one agent, 18 configurations against the baseline (from %s)\n\n", report.From(in.ours, "testdata/baseline.bench", "tr111/testdata/baseline.bench"))
	b.WriteString("The study's Python agent ran, in each of 18 configuration directories, the chimera agent (the swept options, " +
		"plus top_p 0.9, top_k 40, repeat_penalty 1.1) for one workflow run, then the baseline agent (no options) for one; each " +
		"run is an analysis call and a report call, and only the runs' means survive. TR112_v2 compared the resulting " +
		"\"success rate\" with that of TR111_v2's Rust agent.\n\n")
	b.WriteString(report.ClaimsTable(cs).Markdown())

	type sweep struct {
		name, input string
		s           *golden.Set
		rule        Rule
	}
	rates := []sweep{
		{"TR109, Python, 1 run a side", "baseline.bench", in.python, pythonRule},
		{"TR111_v2, Rust, 3 runs (6 calls) a side", "tr111/testdata/baseline.bench", in.rust, rustRule},
	}
	if hasOurs {
		rates = append(rates, sweep{"Chimeraforge, Go agent, " + runsASide(in.ours) + " runs a side", report.RunName(in.ours), in.ours, oursRule})
	}
	var rs []Rate
	t := report.Table{
		Header: []string{"sweep (testdata/…)", "configs", "study's form: mean beats the baseline", "ours: significantly better", "significantly worse", "testable (≥ 10 a side)"},
		Align:  "lrrrrr",
	}
	pct := func(r Rate, n int) string { return fmt.Sprintf("%d (%s %%)", n, report.F(r.Pct(n), 1)) }
	for _, x := range rates {
		r, err := SuccessRate(x.s, x.rule)
		if err != nil {
			return report.Fragment{}, err
		}
		rs = append(rs, r)
		study := pct(r, r.StudyWins())
		if x.s == in.rust {
			study = fmt.Sprintf("%s; %s with no-token calls as 0 tok/s", study, pct(r, rustStudyWins(in.rust)))
		}
		better, worse := pct(r, r.Better()), pct(r, r.Worse())
		if r.Tested() == 0 {
			better, worse = "not testable", "not testable"
		}
		t.Rows = append(t.Rows, []string{x.name + " (`" + x.input + "`)", fmt.Sprint(r.Configs()), study, better, worse, fmt.Sprint(r.Tested())})
	}
	b.WriteString("\n#### The optimisation success rate, three ways\n\n")
	fmt.Fprintf(&b, "The study's form counts a configuration whose mean decode rate beats its baseline's; ours counts one only "+
		"when benchmath's Mann-Whitney U test (benchstat's) finds the difference significant at α = %s over at least %d samples a "+
		"side (`tr109.SuccessRate`), and counts the significantly worse too. The published figures are %s/18 (#37) and "+
		"%s %% (#88) for TR109 and %s %% (#90) for TR111_v2.\n\n",
		report.F(Alpha, 2), MinSamples, report.F(report.ByRow(cs, 37).Published, 0), report.F(report.ByRow(cs, 88).Published, 1), report.F(report.ByRow(cs, 90).Published, 1))
	b.WriteString(t.Markdown())
	if !hasOurs {
		b.WriteString("\nNo run of ours: `go test -run '^$' -bench . -count 10 ./tr109` makes one.\n\n")
	} else {
		base := in.ours.Values("tok/s", "agent=baseline")
		fmt.Fprintf(&b, "\nOur run (`%s`): %s; `go test -run '^$' -bench . -count 10 ./tr109`. "+
			"Each configuration's runs followed each other, the baseline's first, and the baseline's own %d vary by CV %s %%: "+
			"a drift of the machine between the baseline's runs and a configuration's counts as a difference, so on a machine "+
			"shared with other work \"significantly better or worse\" says as much about the machine as about "+
			"the options.\n\n", report.RunName(in.ours), machine(in.ours), len(base), report.F(stats.CV(base), 1))
	}

	t = report.Table{
		Header: []string{"config", "TR109 Δ %, 1 run", "TR111_v2 Δ %, study means", "ours: Δ mean %", "Δ median %", "p", "verdict"},
		Align:  "lrrrrrl",
	}
	chart = report.Chart{
		Title:  "Decode rate of each configuration against its baseline (difference of means; ours ± 95 % Welch CI)",
		YLabel: "Δ mean vs baseline, %",
		Kind:   report.Dots,
		Height: 10 * report.Centimeter,
		Refs:   []report.Ref{{Value: 0, Label: "Δ = 0: as fast as the baseline"}},
	}
	var pyDots, rustDots, ourDots []report.Estimate
	dot := func(deltaPct float64) report.Estimate {
		return report.Estimate{Value: deltaPct, Lo: math.NaN(), Hi: math.NaN()}
	}
	for _, c := range harness.AgentConfigs()[1:] {
		dir := dirOf(in.python, c)
		py, ok1 := find(rs[0], c, dir)
		o, ok2 := Outcome{}, true
		if hasOurs {
			o, ok2 = find(rs[2], c, "")
		}
		rdir := in.rust.KeyValues("dir", strings.Split(c.Name(), "/")...)
		if !ok1 || !ok2 || len(rdir) != 1 {
			return report.Fragment{}, fmt.Errorf("config %s: missing from an input (python %v, ours %v, rust dirs %v)", c.Name(), ok1, ok2, rdir)
		}
		rustChimera := report.StudyCalls(in.rust, "agent=chimera", "dir="+rdir[0]).StudyMean()
		rustBase := report.StudyCalls(in.rust, "study-agent=baseline", "dir="+rdir[0]).StudyMean()
		rustDelta := 100 * (rustChimera/rustBase - 1)
		verdict := "~"
		switch {
		case !hasOurs:
			verdict = "no run of ours"
			o.MeanDeltaPct, o.MedianDeltaPct, o.P = math.NaN(), math.NaN(), math.NaN()
		case !o.Tested:
			verdict = "not testable"
		case o.Better:
			verdict = "better"
		case o.Worse:
			verdict = "worse"
		}
		t.Rows = append(t.Rows, []string{
			"`" + c.Name() + "`",
			fmt.Sprintf("%+.2f", py.MeanDeltaPct),
			fmt.Sprintf("%+.2f", rustDelta),
			signed(o.MeanDeltaPct),
			signed(o.MedianDeltaPct),
			report.F(o.P, 3),
			verdict,
		})
		chart.Categories = append(chart.Categories, configLabel(c))
		pyDots = append(pyDots, dot(py.MeanDeltaPct))
		rustDots = append(rustDots, dot(rustDelta))
		if hasOurs {
			lo, hi := welchDeltaPct(in.ours.Values("tok/s", strings.Split(c.Name(), "/")...), in.ours.Values("tok/s", "agent=baseline"))
			ourDots = append(ourDots, report.Estimate{Value: o.MeanDeltaPct, Lo: lo, Hi: hi})
		}
	}
	chart.Series = []report.Series{
		{Name: "TR109 Python, 1 run a side", Estimates: pyDots},
		{Name: "TR111_v2 Rust, study means", Estimates: rustDots},
	}
	if hasOurs {
		chart.Series = append(chart.Series, report.Series{Name: "ours, " + runsASide(in.ours) + " runs a side, 95 % Welch CI", Estimates: ourDots})
	}
	b.WriteString("Per configuration, the difference from its baseline (TR109 and TR111_v2: the baseline agent of the same " +
		"directory; ours: the one baseline), and our test:\n\n")
	b.WriteString(t.Markdown())
	within := 0
	for _, o := range rs[0].Outcomes {
		if math.Abs(o.MeanDeltaPct) < noise(in.python) {
			within++
		}
	}
	fmt.Fprintf(&b, "\nThe TR109 baseline agent itself varies by CV %s %% over its 18 directories; %d of the %d TR109 differences "+
		"are smaller than that.\n\n", report.F(noise(in.python), 1), within, rs[0].Configs())
	b.WriteString(report.Compare{Package: "tr109", Why: report.StudyKeysIgnored, Benchstat: "-ignore " + studydata.BenchstatIgnore}.Markdown())
	return report.Charted(b.String(), report.NamedChart{Name: "delta.svg", Chart: chart, Caption: "Each configuration's decode rate against its baseline's, as the difference of means in per cent, for TR109's single runs, TR111_v2's study means and our run (with its 95 % Welch interval where there is one): a point above the Δ = 0 line is faster than the baseline, and an interval across it is no difference."}), nil
}
