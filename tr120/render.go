package tr120

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// The study's backends and the runs PUBLISHED.md cites.
const (
	eager    = "transformers-gpu"
	compiled = "transformers-gpu-compile"

	unpadded = "20251221_173112" // unpadded, CUDA graphs on
	padded   = "20251221_182658" // padded, CUDA graphs off (two changes at once)
	dynamic  = "20251221_181045" // torch.compile(dynamic=True)
	rerun    = "20251221_191009" // 173112's config again, with CUDA-event times
)

// modeUnit is the unit of a mode's latency in the baseline.
var modeUnit = map[string]string{"prefill": "prefill-ns", "kv_decode": "decode-ns", "e2e_kv": "e2e-ns"}

// latencies are a run's samples of mode and backend on clock, in ms.
func latencies(s *golden.Set, run, mode, backend, clock string) []float64 {
	var ms []float64
	for _, v := range s.Values(modeUnit[mode], "run="+run, "mode="+mode, "backend="+backend, "clock="+clock) {
		ms = append(ms, v/1e6)
	}
	return ms
}

func graphs(s *golden.Set, run, mode string) float64 {
	return stats.Mean(s.Values("graphs", "run="+run, "mode="+mode, "counter=dynamo"))
}

// A tier3File is one TR117 run file's summary: its first call, and the
// mean and median of the calls after it, in ms.
type tier3File struct {
	first, restMean, restMedian float64
	rest                        int // calls after the first
}

// tier3 returns the backend's TR117 run files, in baseline order.
func tier3(s *golden.Set, backend string) []tier3File {
	byFile := map[string]*tier3File{}
	var order []string
	for _, r := range s.Results {
		k := golden.Keys(r.Name)
		if k["source"] != "tr117-tier3" || k["backend"] != backend {
			continue
		}
		f, ok := byFile[k["file"]]
		if !ok {
			f = &tier3File{}
			byFile[k["file"]] = f
			order = append(order, k["file"])
		}
		for _, v := range r.Values {
			ms := v.OrigValue / 1e6
			switch {
			case k["sample"] == "first" && v.OrigUnit == "e2e-ns":
				f.first = ms
			case k["sample"] == "rest" && v.OrigUnit == "e2e-ns":
				f.restMean, f.rest = ms, r.Iters
			case k["sample"] == "rest" && v.OrigUnit == "e2e-p50-ns":
				f.restMedian = ms
			}
		}
	}
	var fs []tier3File
	for _, name := range order {
		fs = append(fs, *byFile[name])
	}
	return fs
}

// tier3Means are the backend's mean latency over every TR117 call, and
// over every call but each file's first (TR120 §A), in ms.
func tier3Means(s *golden.Set, backend string) (all, dropFirst float64) {
	var sumAll, nAll, sumRest, nRest float64
	for _, f := range tier3(s, backend) {
		sumAll += f.first + f.restMean*float64(f.rest)
		nAll += float64(f.rest + 1)
		sumRest += f.restMean * float64(f.rest)
		nRest += float64(f.rest)
	}
	return sumAll / nAll, sumRest / nRest
}

// slowFirst counts the backend's files whose first call took more than
// 3× the median of the rest, and the files.
func slowFirst(s *golden.Set, backend string) (slow, files int) {
	fs := tier3(s, backend)
	for _, f := range fs {
		if f.first > 3*f.restMedian {
			slow++
		}
	}
	return slow, len(fs)
}

// A runStat is one published statistic of a run's samples, and its row.
type runStat struct {
	row                int
	run, mode, backend string
	stat, clock        string // stat: median, p99, max
}

var runStats = []runStat{
	{248, unpadded, "prefill", eager, "median", "wall"},
	{249, unpadded, "prefill", eager, "p99", "wall"},
	{250, unpadded, "prefill", eager, "max", "wall"},
	{251, unpadded, "prefill", compiled, "median", "wall"},
	{252, unpadded, "prefill", compiled, "p99", "wall"},
	{253, unpadded, "prefill", compiled, "max", "wall"},
	{254, padded, "prefill", eager, "median", "wall"},
	{255, padded, "prefill", eager, "p99", "wall"},
	{256, padded, "prefill", eager, "max", "wall"},
	{257, padded, "prefill", compiled, "median", "wall"},
	{258, padded, "prefill", compiled, "p99", "wall"},
	{259, padded, "prefill", compiled, "max", "wall"},
	{260, dynamic, "prefill", compiled, "median", "wall"},
	{261, dynamic, "prefill", compiled, "p99", "wall"},
	{262, rerun, "prefill", eager, "median", "wall"},
	{263, rerun, "prefill", eager, "median", "cuda-event"},
	{264, rerun, "prefill", compiled, "median", "wall"},
	{265, rerun, "prefill", compiled, "median", "cuda-event"},
	{266, unpadded, "kv_decode", eager, "median", "wall"},
	{267, unpadded, "kv_decode", compiled, "median", "wall"},
	{268, padded, "kv_decode", eager, "median", "wall"},
	{269, padded, "kv_decode", compiled, "median", "wall"},
	{270, unpadded, "e2e_kv", eager, "median", "wall"},
	{271, padded, "e2e_kv", compiled, "median", "wall"},
}

// graphRuns are the runs whose torch._dynamo graph counts TR120
// published, #272–#275.
var graphRuns = []struct {
	row       int
	run, mode string
}{
	{272, unpadded, "prefill"}, {273, padded, "prefill"}, {274, dynamic, "prefill"}, {275, padded, "kv_decode"},
}

func statOf(xs []float64, stat string) float64 {
	switch stat {
	case "median":
		return stats.Median(xs)
	case "p99":
		return stats.Percentile(xs, 99)
	}
	return stats.Max(xs)
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	cAll, cRest := tier3Means(s, compiled)
	eAll, eRest := tier3Means(s, eager)
	cs := []report.Claim{
		{What: "TR117 torch.compile mean latency without each run file's first call (§A)", Row: 244, Unit: "ms",
			Recomputed: cRest, Ours: "with it: " + report.F(cAll, 2) + " ms"},
		{What: "TR117 eager mean latency without each run file's first call (§A)", Row: 246, Unit: "ms",
			Recomputed: eRest, Ours: "with it: " + report.F(eAll, 2) + " ms",
			Note: fmt.Sprintf("with the first calls eager looked %s %% slower than compiled; without them compiled is %s %% slower",
				report.F((eAll/cAll-1)*100, 1), report.F((cRest/eRest-1)*100, 1))},
	}
	for _, p := range runStats {
		xs := latencies(s, p.run, p.mode, p.backend, p.clock)
		what := fmt.Sprintf("run %s %s %s %s", p.run[len("20251221_"):], p.mode, p.backend, p.stat)
		if p.clock != "wall" {
			what += " (CUDA events)"
		}
		cs = append(cs, report.Claim{What: what, Row: p.row, Unit: "ms",
			Recomputed: statOf(xs, p.stat), Ours: fmt.Sprintf("n = %d", len(xs))})
	}
	for _, g := range graphRuns {
		cs = append(cs, report.Claim{What: fmt.Sprintf("run %s %s torch._dynamo unique graphs", g.run[len("20251221_"):], g.mode), Row: g.row,
			Recomputed: graphs(s, g.run, g.mode)})
	}
	return report.Cite(pub, cs)
}

func findings(pub studydata.Published, s *golden.Set) []report.Finding {
	var fs []report.Finding
	for _, f := range []struct {
		row     int
		backend string
	}{{245, compiled}, {247, eager}} {
		slow, files := slowFirst(s, f.backend)
		fs = append(fs, report.Finding{What: fmt.Sprintf("TR117 %s run files whose first call took > 3× the median of the rest", f.backend), Row: f.row,
			Published: pub[f.row].Published, Recomputed: fmt.Sprintf("%d/%d", slow, files),
			Follows: slices.Equal(studydata.Numbers(pub[f.row].Published), []studydata.Number{{Value: float64(slow)}, {Value: float64(files)}})})
	}
	return fs
}

// ours is a statistic of our run's sub-benchmark, the median over its
// runs (-count), in ms; NaN when it did not run.
func ours(s *golden.Set, unit, model string, o Opt, sh Shape, st Start) float64 {
	return stats.Median(oursRuns(s, unit, model, o, sh, st))
}

// oursRuns are the statistic's values, one per run, in ms.
func oursRuns(s *golden.Set, unit, model string, o Opt, sh Shape, st Start) []float64 {
	var ms []float64
	for _, v := range s.Values(unit, "model="+model, "opt="+string(o), "shape="+string(sh), "start="+string(st)) {
		ms = append(ms, v/1e6)
	}
	return ms
}

// spread formats the median of a statistic over runs with its range.
func spread(xs []float64, d int) string {
	return fmt.Sprintf("%s (%s–%s)", report.F(stats.Median(xs), d), report.F(stats.Min(xs), d), report.F(stats.Max(xs), d))
}

// fragment is the TR120 fragment of the study's baseline and in.Runs, a
// run of ours (BenchmarkTR120's sub-benchmarks; the golden's is
// testdata/cpu.bench); with no run, the study's part alone.
func fragment(in report.Input, study *golden.Set) report.Fragment {
	pub, run := in.Published, in.Run()
	var b strings.Builder
	b.WriteString("### TR120: the compile paradox was a cold-start artifact (from " + report.From(run, "testdata/baseline.bench") + ")\n\n" +
		"The study's TR117 found torch.compile faster than eager on mean latency; TR120 looked for the cause in the compiler " +
		"(recompilations on new shapes, CUDA graphs, padding). Every TR120 number PUBLISHED.md lists follows from the samples. " +
		"What they show is that the comparison turned on which samples were counted: TR117's means held each run file's first " +
		"call, and three of eager's first calls were over 3× the rest; without the first calls the order reverses.\n\n")
	b.WriteString(report.RowsTable(claims(pub, study), findings(pub, study)).Markdown())

	// The tail that did not come back.
	ctx := statOf(latencies(study, rerun, "prefill", compiled, "wall"), "p99")
	fmt.Fprintf(&b, "\n#### The tail: shapes, or one run?\n\n"+
		"The report put compiled prefill's p99 of %s ms (run 173112, unpadded, CUDA graphs on) down to recompiling for each new "+
		"prompt length, and its fall to %s ms (182658) to padding. But 182658 also turned CUDA graphs off, and run 191009, "+
		"173112's own configuration again (%s unique graphs), has a compiled p99 of %s ms: the tail does not "+
		"reproduce, so padding is not shown to remove it.\n\n",
		report.F(statOf(latencies(study, unpadded, "prefill", compiled, "wall"), "p99"), 2),
		report.F(statOf(latencies(study, padded, "prefill", compiled, "wall"), "p99"), 2),
		report.F(graphs(study, rerun, "prefill"), 0), report.F(ctx, 2))
	st := report.Table{Header: []string{"run", "configuration", "backend", "median ms", "p99 ms", "max ms", "unique graphs"}, Align: "lllrrrr"}
	studyChart := report.Chart{Title: "TR120 study: prefill median and p99 by run (tiny-gpt2, GPU)", YLabel: "ms"}
	var med, p99 []report.Estimate
	for _, r := range []struct{ id, cfg string }{
		{unpadded, "unpadded, CUDA graphs"}, {rerun, "unpadded, CUDA graphs (rerun)"}, {padded, "padded, no CUDA graphs"}, {dynamic, "dynamic=True"},
	} {
		for _, be := range []string{eager, compiled} {
			xs := latencies(study, r.id, "prefill", be, "wall")
			g := ""
			if be == compiled {
				g = report.F(graphs(study, r.id, "prefill"), 0)
			}
			st.Rows = append(st.Rows, []string{r.id[len("20251221_"):], r.cfg, be, report.F(stats.Median(xs), 2), report.F(statOf(xs, "p99"), 2), report.F(stats.Max(xs), 2), g})
			short := map[string]string{eager: "eager", compiled: "compiled"}[be]
			studyChart.Categories = append(studyChart.Categories, r.id[len("20251221_"):]+" "+short)
			med = append(med, report.Estimate{Value: stats.Median(xs), Lo: math.NaN(), Hi: math.NaN()})
			p99 = append(p99, report.Estimate{Value: statOf(xs, "p99"), Lo: math.NaN(), Hi: math.NaN()})
		}
	}
	studyChart.Series = []report.Series{{Name: "median", Estimates: med}, {Name: "p99", Estimates: p99}}
	b.WriteString(st.Markdown())

	var charts []report.NamedChart
	if run != nil {
		charts = oursSection(&b, run)
	}
	b.WriteString("Compare a run of ours with this one:\n\n" +
		"    go test -run '^$' -bench . -benchtime 200x -count 5 ./tr120 > new.txt\n" +
		"    go tool benchstat -table '' -ignore /gomaxprocs tr120/testdata/cpu.bench new.txt\n")
	charts = append([]report.NamedChart{{Name: "study.svg", Chart: studyChart,
		Caption: "The study's prefill latency of tiny-gpt2 on the GPU per run and backend, eager beside compiled, median and p99 of its calls (one run each, so no interval): the gap between a run's p99 and its median is its tail."}}, charts...)
	b.WriteString(report.ChartSection("####", charts))
	return report.Fragment{Markdown: b.String(), Charts: charts}
}

// oursSection writes the section on a run of ours to b: per model, the
// factors' table, each factor alone, and the paradox, with a chart.
func oursSection(b *strings.Builder, run *golden.Set) []report.NamedChart {
	b.WriteString("\n#### Each factor on its own, on ONNX Runtime's CPU provider (ours)\n\n" +
		"Our run (" + report.RunName(run) + ") changes one thing at a time: graph optimisation (ONNX Runtime's compile, " +
		"done when a session is made), dynamic or bucketed lengths, and cold (a new session per call) or warm calls. Each cell is " +
		"the median over the run's repetitions (-count) of the sub-benchmark's statistic, in ms; a cold call's session creation is " +
		"apart from its prefill. Where the cores are shared with other jobs (testdata/cpu.bench's two were), a p99 is as much the machine's " +
		"contention as the configuration's, and the ranges over repetitions say how far to trust a difference; the p50s are the " +
		"robust comparison.\n\n")
	var charts []report.NamedChart
	for _, model := range run.KeyValues("model") {
		fmt.Fprintf(b, "**%s**\n\n", model)
		ot := report.Table{Header: []string{"opt", "shape", "warm p50", "warm p99", "warm mean", "cold prefill p50", "cold prefill p99", "cold session creation"}, Align: "llrrrrrr"}
		ch := report.Chart{Title: "TR120 ours: " + model + " prefill on ONNX Runtime CPU (medians over runs)", YLabel: "ms"}
		var wp50, wp99, cp50 []report.Estimate
		for _, o := range Opts() {
			for _, sh := range Shapes() {
				v := func(unit string, st Start) float64 { return ours(run, unit, model, o, sh, st) }
				ot.Rows = append(ot.Rows, []string{string(o), string(sh), report.F(v("prefill-p50-ns", Warm), 3), report.F(v("prefill-p99-ns", Warm), 3), report.F(v("prefill-ns", Warm), 3),
					report.F(v("prefill-p50-ns", Cold), 3), report.F(v("prefill-p99-ns", Cold), 3), report.F(v("build-ns", Cold), 2)})
				ch.Categories = append(ch.Categories, "opt="+string(o)+" "+string(sh))
				wp50 = append(wp50, report.Estimate{Value: v("prefill-p50-ns", Warm), Lo: math.NaN(), Hi: math.NaN()})
				wp99 = append(wp99, report.Estimate{Value: v("prefill-p99-ns", Warm), Lo: math.NaN(), Hi: math.NaN()})
				cp50 = append(cp50, report.Estimate{Value: v("prefill-p50-ns", Cold), Lo: math.NaN(), Hi: math.NaN()})
			}
		}
		ch.Series = []report.Series{{Name: "warm p50", Estimates: wp50}, {Name: "warm p99", Estimates: wp99}, {Name: "cold first call p50", Estimates: cp50}}
		charts = append(charts, report.NamedChart{Name: "ours-" + model + ".svg", Chart: ch,
			Caption: "Our prefill latency of " + model + " on ONNX Runtime's CPU provider per graph optimisation and shape, warm p50 and p99 beside a cold first call's p50 (medians over the run's repetitions, no interval): the cold bar against the warm p50 is what being a session's first call costs a prefill, session creation apart."})
		b.WriteString(ot.Markdown())
		b.WriteString("\n" + factorTable(run, model).Markdown() + "\n")
		b.WriteString(paradox(run, model) + "\n\n")
	}
	return charts
}

// factorTable puts each factor's effect alone against the reference, the
// study's compiled, unpadded, steady state: opt=all, dynamic, warm.
func factorTable(run *golden.Set, model string) report.Table {
	ref := func(unit string) float64 { return ours(run, unit, model, OptAll, Dynamic, Warm) }
	t := report.Table{Header: []string{"changed alone (from opt=all, dynamic, warm)", "p50 ms (range over runs)", "× reference", "p99 ms (range over runs)", "× reference"}, Align: "lrrrr"}
	for _, c := range []struct {
		name string
		o    Opt
		sh   Shape
		st   Start
	}{
		{"nothing (reference)", OptAll, Dynamic, Warm},
		{"graph optimisation off", OptNone, Dynamic, Warm},
		{"lengths bucketed", OptAll, Bucketed, Warm},
		{"cold: first call of a new session (creation apart)", OptAll, Dynamic, Cold},
	} {
		p50, p99 := oursRuns(run, "prefill-p50-ns", model, c.o, c.sh, c.st), oursRuns(run, "prefill-p99-ns", model, c.o, c.sh, c.st)
		t.Rows = append(t.Rows, []string{c.name, spread(p50, 3), report.F(stats.Median(p50)/ref("prefill-p50-ns"), 2) + "×",
			spread(p99, 3), report.F(stats.Median(p99)/ref("prefill-p99-ns"), 2) + "×"})
	}
	return t
}

// tr117Calls is a TR117 run file's size: its first call and 13 more.
const tr117Calls = 14

// paradox says, for the model, which optimisation setting a TR117-style
// mean (a fresh session's first tr117Calls calls, the first one paying
// for the session) calls faster, and which the warm calls alone do.
func paradox(run *golden.Set, model string) string {
	mean := func(o Opt, withCold bool) float64 {
		warm := ours(run, "prefill-ns", model, o, Dynamic, Warm)
		if !withCold {
			return warm
		}
		cold := ours(run, "build-ns", model, o, Dynamic, Cold) + ours(run, "prefill-ns", model, o, Dynamic, Cold)
		return (cold + (tr117Calls-1)*warm) / tr117Calls
	}
	faster := func(withCold bool) string {
		if mean(OptAll, withCold) < mean(OptNone, withCold) {
			return "optimised"
		}
		return "unoptimised"
	}
	verdict := "the same setting wins either way: here the cold start does not flip the comparison"
	if faster(true) != faster(false) {
		verdict = "the cold start flips the comparison, as it did in the study"
	}
	return fmt.Sprintf("A TR117-style mean over a fresh session's first %d calls (the first paying for the session): optimised %s ms, "+
		"unoptimised %s ms, so the %s graph looks faster; over warm calls alone: optimised %s ms, unoptimised %s ms, so the %s "+
		"one is; %s.",
		tr117Calls, report.F(mean(OptAll, true), 3), report.F(mean(OptNone, true), 3), faster(true),
		report.F(mean(OptAll, false), 3), report.F(mean(OptNone, false), 3), faster(false), verdict)
}
