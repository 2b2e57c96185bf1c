package tr111

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"golang.org/x/perf/benchmath"
)

// The published baseline is what TR111_v2 called the Rust baseline: the
// baseline agent of directory baseline_default, its 6 calls.
var publishedBaseline = []string{"dir=baseline_default", "study-agent=baseline"}

// success is TR112_v2's optimisation success rate recomputed three ways:
// directories whose chimera agent beats the baseline agent of the same
// directory by the study's means (a call without tokens as 0 tok/s), by
// the means without those calls, and by our decode rate over warm calls.
type success struct {
	n, wins, winsCorrected, winsOurs int
	lostToZeros                      []string // directories the zeros turned into losses
}

func rptSuccess(s *golden.Set) success {
	var sr success
	for _, d := range s.KeyValues("dir", "agent=chimera") {
		chimera := report.StudyCalls(s, "agent=chimera", "dir="+d)
		base := report.StudyCalls(s, "study-agent=baseline", "dir="+d)
		sr.n++
		study := chimera.StudyMean() > base.StudyMean()
		corrected := stats.Mean(chimera.Rates()) > stats.Mean(base.Rates())
		if study {
			sr.wins++
		}
		if corrected {
			sr.winsCorrected++
		}
		if corrected && !study {
			sr.lostToZeros = append(sr.lostToZeros, d)
		}
		if report.StudyCalls(s, "dir="+d, "study-agent=chimera", "start=warm").DecodeRate() > report.StudyCalls(s, "dir="+d, "study-agent=baseline", "start=warm").DecodeRate() {
			sr.winsOurs++
		}
	}
	return sr
}

// rateOurs is the Chimeraforge column of a throughput claim: the calls'
// decode rate (Σ eval_count / Σ eval_duration) and, where some calls
// returned no tokens, the study's mean without them.
func rateOurs(cs report.Calls) string {
	ours := f2(cs.DecodeRate()) + " tok/s Σ-rate"
	if n := cs.NoTokens(); n > 0 {
		ours = fmt.Sprintf("%s tok/s without %s; %s", f2(stats.Mean(cs.Rates())), noTokenCalls(n), ours)
	}
	return ours
}

// noTokenCalls says "the 1 call that returned no tokens" or "the 2 calls …".
func noTokenCalls(n int) string {
	if n == 1 {
		return "the 1 call that returned no tokens"
	}
	return fmt.Sprintf("the %d calls that returned no tokens", n)
}

// studyMeanNote states the study's definition of a throughput mean and
// whether it matters for these calls.
func studyMeanNote(cs report.Calls) string {
	n := cs.NoTokens()
	if n == 0 {
		return fmt.Sprintf("study: mean of per-call rates over all %d calls, a call that returned no tokens as 0 tok/s (none did here)", len(cs))
	}
	return fmt.Sprintf("study: mean of per-call rates over all %d calls, %s as 0 tok/s", len(cs), noTokenCalls(n))
}

func rptClaims(published studydata.Published, s *golden.Set) []report.Claim {
	pub := report.StudyCalls(s, publishedBaseline...)
	studyMean := func(where ...string) float64 { return report.StudyCalls(s, where...).StudyMean() }
	sigmaRate := func(where ...string) float64 { return report.StudyCalls(s, where...).DecodeRate() }
	meanMS := func(unit string) func(where ...string) float64 {
		return func(where ...string) float64 { return stats.Mean(s.Values(unit, where...)) / 1e6 }
	}
	baseByDir := report.PerKey(s, "dir", studyMean, "study-agent=baseline")
	lo, hi := report.Lowest(baseByDir), report.Highest(baseByDir)
	oursByDir := report.PerKey(s, "dir", sigmaRate, "study-agent=baseline")
	oursLo, oursHi := report.Lowest(oursByDir), report.Highest(oursByDir)
	allBase := report.StudyCalls(s, "study-agent=baseline")

	var ttft, warmTTFT []report.Group
	for _, a := range []string{"baseline", "chimera"} {
		for _, g := range report.PerKey(s, "dir", meanMS("ttft-ns"), "study-agent="+a) {
			ttft = append(ttft, report.Group{Key: g.Key + " " + a, Value: g.Value})
		}
		warmTTFT = append(warmTTFT, report.PerKey(s, "dir", meanMS("ttft-ns"), "study-agent="+a, "start=warm")...)
	}
	tlo, thi := report.Lowest(ttft), report.Highest(ttft)

	best := report.StudyCalls(s, "dir=gpu60_ctx256_temp0p6", "study-agent=chimera")

	// TR111_v2's workflow runs: each made an analysis and a report call.
	runsPerDir := report.PerKey(s, "dir", func(where ...string) float64 { return float64(len(s.Rows(where...))) / 2 }, "study-agent=baseline")
	var runs float64
	var perDir []string
	for _, g := range runsPerDir {
		runs += g.Value
		if !slices.Contains(perDir, report.F(g.Value, 0)) {
			perDir = append(perDir, report.F(g.Value, 0))
		}
	}

	sr := rptSuccess(s)

	const rustBest = "gpu80_ctx1024_temp0p6_v2"
	rustBestChimera := report.StudyCalls(s, "dir="+rustBest, "study-agent=chimera")

	return report.Cite(published, []report.Claim{
		{What: "baseline decode throughput (baseline_default, baseline agent, 6 calls)", Row: 80, Unit: "tok/s",
			Recomputed: pub.StudyMean(), N: len(pub), Ours: rateOurs(pub),
			Note: studyMeanNote(pub) + "; ours: Σ eval_count / Σ eval_duration over the same calls"},
		{What: "its coefficient of variation", Row: 89, Unit: "%",
			Recomputed: stats.CV(pub.Rates()), N: len(pub.Rates()), Ours: fmt.Sprintf("%s %% (all %d warm baseline-agent calls)", report.F(stats.CV(s.Values("tok/s", "agent=baseline", "start=warm", "study-agent=baseline")), 1), len(s.Values("tok/s", "agent=baseline", "start=warm", "study-agent=baseline"))),
			Note: "sample SD (n−1) / mean"},
		{What: "baseline TTFT (client, first content chunk)", Row: 81, Unit: "ms",
			Recomputed: meanMS("ttft-ns")(publishedBaseline...), N: len(pub), Ours: "same definition",
			Note: fmt.Sprintf("%d of its %d calls cold", len(s.Values("ttft-ns", append(publishedBaseline, "start=cold")...)), len(pub))},
		{What: "lowest per-directory baseline-agent throughput", Row: 82, Unit: "tok/s",
			Recomputed: lo.Value, Ours: f2(oursLo.Value) + " tok/s Σ-rate (" + oursLo.Key + ")",
			Note: "directory " + lo.Key + "; the §4.1 table lists the baseline agent of each directory, not the swept config; " +
				fmt.Sprintf("no baseline-agent call returned no tokens (%d of %d)", allBase.NoTokens(), len(allBase))},
		{What: "highest per-directory baseline-agent throughput", Row: 83, Unit: "tok/s",
			Recomputed: hi.Value, Ours: f2(oursHi.Value) + " tok/s Σ-rate (" + oursHi.Key + ")", Note: "directory " + hi.Key},
		{What: "lowest per-config mean TTFT", Row: 84, Unit: "ms",
			Recomputed: tlo.Value, Ours: f2(report.Lowest(warmTTFT).Value) + " ms (warm calls)", Note: tlo.Key},
		{What: "highest per-config mean TTFT", Row: 85, Unit: "ms",
			Recomputed: thi.Value, Ours: f2(report.Highest(warmTTFT).Value) + " ms (warm calls)",
			Note: rptColdNote(s, thi.Key)},
		{What: "best config gpu60_ctx256_temp0p6, chimera agent", Row: 86, Unit: "tok/s",
			Recomputed: best.StudyMean(), N: len(best), Ours: rateOurs(best), Note: studyMeanNote(best)},
		{What: "workflow runs of the baseline agent (3 × 19 configs)", Row: 87, Unit: "runs",
			Recomputed: runs,
			Note: fmt.Sprintf("%d baseline-agent calls, 2 per run (analysis, report): %s runs in each of %d directories",
				len(allBase), strings.Join(perDir, ", "), len(runsPerDir))},
		{What: "TR112_v2 Rust optimisation success rate (chimera beats its directory's baseline agent)", Row: 90, Unit: "%",
			Recomputed: 100 * float64(sr.wins) / float64(sr.n),
			Ours:       fmt.Sprintf("%d/%d without the no-token calls; %d/%d warm Σ-rate", sr.winsCorrected, sr.n, sr.winsOurs, sr.n),
			Note: fmt.Sprintf("%d/%d by the study's means, which count the %d calls that returned no tokens as 0 tok/s and so turn %s into losses",
				sr.wins, sr.n, report.StudyCalls(s).NoTokens(), strings.Join(sr.lostToZeros, " and ")),
			Reason: func(p float64) string {
				return fmt.Sprintf("%s %% (%s/%d) came from the v1 single-call sweep, which is not in the data pack", report.F(p, 1), report.F(p*float64(sr.n)/100, 0), sr.n)
			}},
		{What: "TR112_v2 Rust \"best config\" gpu80_ctx1024_temp0p6", Row: 91, Unit: "tok/s",
			Recomputed: studyMean("dir="+rustBest, "study-agent=baseline"),
			Ours:       "the config's chimera agent: " + f2(rustBestChimera.StudyMean()) + " tok/s by the study's mean; " + rateOurs(rustBestChimera),
			Note: f2(studyMean("dir="+rustBest, "study-agent=baseline")) + " is the baseline agent (no options) of directory " + rustBest + ", not the config it is named after; " +
				"the chimera agent's study mean counts " + noTokenCalls(rustBestChimera.NoTokens()) + " as 0 tok/s"},
	})
}

// rptColdNote says how many calls of "dir agent" were cold and how long
// their reload took.
func rptColdNote(s *golden.Set, dirAgent string) string {
	dir, agent, _ := strings.Cut(dirAgent, " ")
	w := []string{"dir=" + dir, "study-agent=" + agent}
	cold := s.Values("load-ns", append(w, "start=cold")...)
	return fmt.Sprintf("%s: %d of its %d calls reloaded the model (load_duration %s s); the others are warm",
		dirAgent, len(cold), len(s.Values("ttft-ns", w...)), report.F(stats.Max(cold)/1e9, 2))
}

// f2 formats with two decimals, the precision of TR111's tok/s and ms.
func f2(v float64) string { return report.F(v, 2) }

// rptConfigNames lists our benchmark names (without TR111/) in sweep order: the
// baseline agent, then the chimera configs as they appear in the data.
func rptConfigNames(s *golden.Set) []string {
	names := []string{"agent=baseline"}
	seen := map[string]bool{}
	for _, r := range s.Rows("agent=chimera") {
		k := r.Keys
		n := fmt.Sprintf("agent=chimera/num_gpu=%s/num_ctx=%s/temp=%s", k["num_gpu"], k["num_ctx"], k["temp"])
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	// Sweep order: num_gpu, then num_ctx, then temperature, numerically.
	num := func(name, key string) float64 {
		v, _ := strconv.ParseFloat(golden.Keys([]byte("X/" + name))[key], 64)
		return v
	}
	slices.SortStableFunc(names[1:], func(a, b string) int {
		for _, k := range []string{"num_gpu", "num_ctx", "temp"} {
			if c := cmp.Compare(num(a, k), num(b, k)); c != 0 {
				return c
			}
		}
		return 0
	})
	return names
}

// warmCalls is the "warm calls" cell: the calls the decode-rate mean is
// taken over, and those that returned no tokens, which have no rate.
func warmCalls(cs report.Calls) string {
	if n := cs.NoTokens(); n > 0 {
		return fmt.Sprintf("%d (+%d without tokens)", len(cs)-n, n)
	}
	return fmt.Sprint(len(cs))
}

// rptWhere turns a benchmark name suffix into Rows terms.
func rptWhere(name string, more ...string) []string {
	return append(strings.Split(name, "/"), more...)
}

// render is the fragment of the input's TR111_v2 baseline alone
// (rptFragment): a run of ours does not change it.
func render(in report.Input) (report.Fragment, error) {
	s, err := in.Set("tr111")
	if err != nil {
		return report.Fragment{}, err
	}
	return rptFragment(in.Published, s)
}

// rptFragment is the fragment of the baseline s: the claims, the table of
// configurations and the throughput chart.
func rptFragment(published studydata.Published, s *golden.Set) (report.Fragment, error) {
	var b strings.Builder
	b.WriteString("### TR111_v2: one agent, 19 configurations (from testdata/baseline.bench)\n\n")
	b.WriteString("The study's Rust agent ran, per configuration directory and in one process, the baseline agent " +
		"(no options: Ollama's defaults) for 3 workflow runs, then the chimera agent (the swept options) for 3 runs; " +
		"each run is an analysis call and a report call. Changing options reloads the model, so the first call " +
		"after a change paid a reload: those calls (load_duration > 1 s) are `start=cold` here, all others `start=warm`. " +
		"Throughput is Ollama's server-side decode rate, so the client's language cannot change it.\n\n")
	b.WriteString(report.ClaimsTable(rptClaims(published, s)).Markdown())
	b.WriteString("\n")

	t := report.Table{
		Header: []string{"benchmark (TR111/…)", "warm calls", "warm tok/s, mean [95 % CI]", "Σ-rate tok/s", "warm TTFT ms", "cold calls", "cold TTFT ms", "baseline agent, same directory, warm tok/s"},
		Align:  "lrrrrrrr",
	}
	// The configurations differ by a few per cent: dots with intervals on
	// a fitted axis show that; bars from zero would hide it.
	chart := report.Chart{
		Title:  "TR111_v2 decode throughput per configuration (warm calls, mean ± 95 % t-CI)",
		YLabel: "decode rate, tok/s",
		Kind:   report.Dots,
		Height: 11 * report.Centimeter,
	}
	var agentDots, baseDots []report.Estimate
	faster, slower, largest := 0, 0, 0.0
	configs := rptConfigNames(s)
	for _, name := range configs {
		warm := s.Values("tok/s", rptWhere(name, "start=warm")...)
		cold := s.Values("ttft-ns", rptWhere(name, "start=cold")...)
		sameDirBase := math.NaN()
		sameDirDot := report.Estimate{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		label := "baseline (pooled)"
		if name != "agent=baseline" {
			dirs := s.KeyValues("dir", rptWhere(name)...)
			if len(dirs) != 1 {
				return report.Fragment{}, fmt.Errorf("config %s spans directories %v", name, dirs)
			}
			bw := s.Values("tok/s", "dir="+dirs[0], "study-agent=baseline", "start=warm")
			sameDirBase, sameDirDot = stats.Mean(bw), report.MeanEstimate(bw)
			thr := &benchmath.Thresholds{CompareAlpha: 0.05}
			if c := benchmath.AssumeNothing.Compare(benchmath.NewSample(bw, thr), benchmath.NewSample(warm, thr)); c.P <= 0.05 {
				if stats.Mean(warm) > sameDirBase {
					faster++
				} else {
					slower++
				}
			}
			if d := 100 * (stats.Mean(warm)/sameDirBase - 1); math.Abs(d) > math.Abs(largest) {
				largest = d
			}
			k := golden.Keys([]byte("X/" + name))
			label = "g" + k["num_gpu"] + " c" + k["num_ctx"] + " t" + k["temp"]
		}
		t.Rows = append(t.Rows, []string{
			"`" + name + "`",
			warmCalls(report.StudyCalls(s, rptWhere(name, "start=warm")...)),
			report.MeanCI(warm, 2, "tok/s"),
			f2(report.StudyCalls(s, rptWhere(name, "start=warm")...).DecodeRate()),
			report.F(stats.Mean(s.Values("ttft-ns", rptWhere(name, "start=warm")...))/1e6, 0),
			fmt.Sprint(len(cold)),
			report.F(stats.Mean(cold)/1e6, 0),
			f2(sameDirBase),
		})
		chart.Categories = append(chart.Categories, label)
		agentDots = append(agentDots, report.MeanEstimate(warm))
		baseDots = append(baseDots, sameDirDot)
	}
	chart.Series = []report.Series{
		{Name: "the configuration's agent", Estimates: agentDots},
		{Name: "baseline agent, same directory", Estimates: baseDots},
	}
	b.WriteString(t.Markdown())
	b.WriteString("\n`agent=baseline` pools the baseline agent of all 19 directories and the option-less \"chimera\" agent of " +
		"`baseline_default`. ")
	fmt.Fprintf(&b, "%d calls returned no tokens (no server timings): they count in TTFT only.\n\n", report.StudyCalls(s).NoTokens())
	fmt.Fprintf(&b, "Against the baseline agent of its own directory (warm calls, Mann-Whitney U, α 0.05), %d of %d "+
		"configurations decode significantly faster and %d significantly slower; the largest difference of means is %s %%.\n\n",
		faster, len(configs)-1, slower, f2(largest))
	b.WriteString(report.Compare{Package: "tr111", Why: report.StudyKeysIgnored, Benchstat: "-ignore " + studydata.BenchstatIgnore}.Markdown())
	return report.Charted(b.String(), report.NamedChart{Name: "throughput.svg", Chart: chart, Caption: "The study's warm decode rate of each of the 19 configurations (mean with the 95 % t-interval) beside the baseline agent's in the same directory: a configuration differs from the baseline only where their intervals part."}), nil
}
