package tr114

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// A runSetup is one setup of a run of BenchmarkTR114 (instances × slots)
// with its samples' values by unit.
type runSetup struct {
	instances, parallel string
	values              map[string][]float64
}

// label names the setup in words, as chimerareport does.
func (s runSetup) label() string {
	words := map[string]string{"1": "one", "2": "two", "3": "three", "4": "four"}
	w := func(n string) string {
		if v, ok := words[n]; ok {
			return v
		}
		return n
	}
	l := w(s.instances) + " instance"
	if s.instances != "1" {
		l += "s"
	}
	if s.parallel == "" {
		return l
	}
	l += ", " + w(s.parallel) + " slot"
	if s.parallel != "1" {
		l += "s"
	}
	if s.instances != "1" {
		l += " each"
	}
	return l
}

// runSetups groups the TR114 results of a run by setup, in order of first
// appearance.
func runSetups(run *golden.Set) []runSetup {
	var out []runSetup
	for _, r := range run.Rows("TR114") {
		i := slices.IndexFunc(out, func(s runSetup) bool {
			return s.instances == r.Keys["instances"] && s.parallel == r.Keys["parallel"]
		})
		if i < 0 {
			out = append(out, runSetup{instances: r.Keys["instances"], parallel: r.Keys["parallel"], values: map[string][]float64{}})
			i = len(out) - 1
		}
		for u, v := range r.Values {
			out[i].values[u] = append(out[i].values[u], v)
		}
	}
	return out
}

// studyRuns returns the study's runs (testdata/baseline.bench) of the run's
// tests: those whose scenario and test a run's result has, else every run,
// with a phrase that says which.
func studyRuns(study, run *golden.Set) (report.Runs, string) {
	var picked report.Runs
	var tests []string
	for _, r := range run.Rows("TR114") {
		sc, t := r.Keys["scenario"], r.Keys["test"]
		if sc == "" || t == "" || slices.Contains(tests, sc+"/"+t) {
			continue
		}
		tests = append(tests, sc+"/"+t)
		picked = append(picked, report.StudyRuns(study, "TR114", "scenario="+sc, "test="+t)...)
	}
	if len(picked) > 0 {
		return picked, fmt.Sprintf("its runs of the same test (%s)", strings.Join(tests, ", "))
	}
	return report.StudyRuns(study, "TR114"), "all its runs (no run of the same test)"
}

// runReport renders what a run of ours adds to the TR114 report: for each
// setup, the corrected speedup-x and the legacy eff-%, this run's beside
// the study's, with a verdict from speedup-x's interval, and the headline
// chart (speedup-x per setup, the legacy figure beside it as the speedup
// it claims, the study's and the run's). study is testdata/baseline.bench.
func runReport(study, run *golden.Set) (string, report.NamedChart) {
	setups := runSetups(run)
	sruns, which := studyRuns(study, run)
	var b strings.Builder
	b.WriteString("### Your run: does a second instance or a second slot help?\n\n" +
		"For each setup, `speedup-x` is the time the two agents' workloads took alone over the time they took together " +
		"(above 1×: running them together helped); `eff-%` is the study's legacy \"efficiency\", which measures how evenly " +
		"the two agents finished, whether or not running them together helped. ")
	fmt.Fprintf(&b, "The study ran only two instances, one agent each, and never ran an agent alone, so it has no `speedup-x`; "+
		"its `eff-%%` here is from %s, recomputed from its agent and wall times.\n\n", which)
	t := report.Table{
		Header: []string{"setup", "this run: speedup-x [95 % CI]", "this run: eff-% (legacy)", "n", "the study: speedup-x", "the study: eff-% (legacy)", "n", "verdict (this run)"},
		Align:  "lrrrrrrl",
	}
	ch := report.Chart{
		Title:  "Two agents together: speedup per setup (mean ± 95 % t-CI)",
		YLabel: "× (speedup)",
		Kind:   report.Bars,
		Refs:   []report.Ref{{Value: 1, Label: "1× (no gain)"}},
	}
	var ours, oursLegacy, theirsLegacy []report.Estimate
	for _, s := range setups {
		sp, eff := s.values["speedup-x"], s.values["eff-%"]
		studyCell, studyEff, studyN := "not measured: no agent ran alone", "not run in this setup", "0"
		theirs := report.Estimate{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		if s.instances == "2" && (s.parallel == "" || s.parallel == "1") && len(sruns) > 0 {
			studyEff = report.MeanCI(sruns.Eff(), 2, "eff-%")
			studyCell = "not measured (no agent ran alone); its legacy speedup " + report.MeanCI(sruns.Speedup(), 3, "legacy-speedup-x")
			studyN = strconv.Itoa(len(sruns))
			theirs = report.MeanEstimate(sruns.Speedup())
		} else {
			studyCell = "not run in this setup"
		}
		t.Rows = append(t.Rows, []string{s.label(), cell(sp, 3, "speedup-x"), cell(eff, 2, "eff-%"), strconv.Itoa(len(sp)),
			studyCell, studyEff, studyN, verdict(sp)})
		ch.Categories = append(ch.Categories, s.label())
		ours = append(ours, report.MeanEstimate(sp))
		legacy := make([]float64, len(eff))
		for i, e := range eff {
			legacy[i] = e * 2 / 100
		}
		oursLegacy = append(oursLegacy, report.MeanEstimate(legacy))
		theirsLegacy = append(theirsLegacy, theirs)
	}
	b.WriteString(t.Markdown())
	ch.Series = []report.Series{
		{Name: "this run: speedup-x (time alone / together)", Estimates: ours},
		{Name: "this run: legacy eff-% × 2 / 100 (the speedup it implies)", Estimates: oursLegacy},
		{Name: "the study: legacy eff-% × 2 / 100", Estimates: theirsLegacy},
	}
	b.WriteString("\nA setup helps where its `speedup-x` interval lies above 1×. The legacy figure compares each agent's time " +
		"with the other's inside the same run, not with its time alone, so it can read near 2× (100 %) where running " +
		"the agents together did not help.\n\n")
	headline := report.NamedChart{Name: "headline.svg", Chart: ch, Caption: "The headline chart: this run's speedup-x per setup (time alone over time together, mean with its 95 % t-interval) beside the legacy eff-% read as the speedup it implies, this run's and the study's (only the setup it ran), against the 1× line of no gain: a setup helps where its speedup-x interval lies above the line."}
	b.WriteString(headline.Markdown())
	return b.String(), headline
}

// cell is the mean of xs with its interval, or what is missing.
func cell(xs []float64, d int, unit string) string {
	if len(xs) == 0 {
		return "not reported by this run"
	}
	return report.MeanCI(xs, d, unit)
}

// verdict answers the question from speedup-x's 95 % interval.
func verdict(sp []float64) string {
	switch {
	case len(sp) == 0:
		return "no speedup-x in this run"
	case len(sp) < report.MinIntervalN:
		return fmt.Sprintf("too few samples to say (n = %d; run with -count 6)", len(sp))
	}
	iv := stats.TInterval(sp, 0.95)
	switch {
	case iv.Lo > 1:
		return "helped: the interval lies above 1×"
	case iv.Hi < 1:
		return "hurt: the interval lies below 1×"
	}
	return "no clear difference: the interval spans 1×"
}
