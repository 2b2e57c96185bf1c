package tr117

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

// sets are the fragment's inputs: the study's baseline and chunks, a run
// of ours (nil: none) and PUBLISHED.md.
type sets struct {
	base, chunks, ours *golden.Set
	pub                studydata.Published
}

// readSets takes in's sets: the study's baseline and chunks, and in.Run().
func readSets(in report.Input) (sets, error) {
	s := sets{pub: in.Published, ours: in.Run()}
	var err error
	if s.base, err = in.Set("tr117"); err != nil {
		return s, err
	}
	if s.chunks, err = in.Set("tr117-chunks"); err != nil {
		return s, err
	}
	return s, nil
}

// render is the fragment of the study's baseline and chunks and of
// in.Runs, a run of ours (the golden's is testdata/ours.bench); with no
// run, the study's part alone.
func render(in report.Input) (report.Fragment, error) {
	s, err := readSets(in)
	if err != nil {
		return report.Fragment{}, err
	}
	md, charts := fragment(s)
	return report.Fragment{Markdown: md, Charts: charts}, nil
}

// claims are every TR117 and TR117_multi_agent row of PUBLISHED.md that
// has data (#175–#177, #179–#189; #178 has none).
func claims(in report.Input) (report.Claims, error) {
	s, err := readSets(in)
	if err != nil {
		return report.Claims{}, err
	}
	return report.Claims{
		Numbers:  slices.Concat(tier3Claims(s.pub, s.base), multiClaims(s.pub, s.base, s.chunks)),
		Findings: findings(s.pub, s.base),
	}, nil
}

// e2eValues returns, for every TR117 tier-3 run file of backend, the
// statistic stat in ms and the file's sample count.
func e2eValues(s *golden.Set, backend, stat string) (ms, n []float64) {
	for _, r := range s.Results {
		keys := golden.Keys(r.Name)
		if string(r.Name.Base()) != "TR117" || keys["backend"] != backend || keys["stat"] != stat {
			continue
		}
		for _, v := range r.Values {
			if v.OrigUnit == "e2e-ns" {
				ms, n = append(ms, v.OrigValue/1e6), append(n, float64(r.Iters))
			}
		}
	}
	return ms, n
}

// weightedMean is Σ x·w / Σ w: the mean over all samples of files whose
// means and sample counts are x and w.
func weightedMean(x, w []float64) float64 {
	var sx, sw float64
	for i := range x {
		sx += x[i] * w[i]
		sw += w[i]
	}
	return sx / sw
}

func tier3Claims(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	for _, c := range []struct {
		backend string
		row     int
	}{{"transformers-gpu-compile", 175}, {"transformers-gpu", 176}} {
		means, n := e2eValues(s, c.backend, "mean")
		cs = append(cs, report.Claim{What: fmt.Sprintf("%s mean latency over all samples (§4): Σ mean·n / Σ n over %d run files", c.backend, len(means)),
			Row: c.row, Unit: "ms", Recomputed: weightedMean(means, n), Note: fmt.Sprintf("%.0f samples", stats.Sum(n))})
	}
	maxes, _ := e2eValues(s, "transformers-gpu", "max")
	return report.Cite(pub, append(cs, report.Claim{What: "transformers-gpu max latency (§4)", Row: 177, Unit: "ms", Recomputed: stats.Max(maxes)}))
}

// lagMS returns the loop-lag samples of condition c in ms: each
// iteration's time less the 100 ms asked for.
func lagMS(s *golden.Set, c string) []float64 {
	var xs []float64
	for _, v := range s.Values("ns/op", "TR117Agents", "lang=python", "op=sleep-100ms", "condition="+c) {
		xs = append(xs, (v-studydata.TR117LoopSleep)/1e6)
	}
	return xs
}

// gapMS returns the chunk gaps of condition c in ms.
func gapMS(s *golden.Set, c string) []float64 {
	var xs []float64
	for _, v := range s.Values("itl-ns", "TR117Chunks", "condition="+c) {
		xs = append(xs, v/1e6)
	}
	return xs
}

func pythonPairs(s *golden.Set, where ...string) report.Runs {
	return report.StudyRuns(s, append([]string{"TR117Agents", "lang=python"}, where...)...)
}

func multiClaims(pub studydata.Published, s, chunks *golden.Set) []report.Claim {
	lag, gaps := lagMS(s, "default"), gapMS(chunks, "default")
	def, thr := pythonPairs(s, "condition=default"), pythonPairs(s, "condition=60tps")
	effNote := "(a + b) / wall / 2 from the agents' client wall clocks; balance bound "
	return report.Cite(pub, []report.Claim{
		{What: fmt.Sprintf("loop lag mean, default buffer (%d samples)", len(lag)), Row: 179, Unit: "ms", Recomputed: stats.Mean(lag),
			Note: "oversleep of asyncio.sleep(0.1), sampled through the five runs and the gaps between them"},
		{What: "loop lag p99, default buffer", Row: 180, Unit: "ms", Recomputed: stats.Percentile(lag, 99), N: len(lag)},
		{What: "loop lag max, default buffer", Row: 181, Unit: "ms", Recomputed: stats.Max(lag), N: len(lag)},
		{What: "loop lag p99 \"under load\" (§3.1, the 40 ms cycle argument)", Row: 182, Unit: "ms", Recomputed: stats.Percentile(lag, 99), N: len(lag),
			Note: "the data define no under-load subset; §3.1's mean 7.77 and max 24.30 ms are not in the data either",
			Reason: func(p float64) string {
				return fmt.Sprintf("all %d samples give p99 %s ms, not %s", len(lag), report.F(stats.Percentile(lag, 99), 2), report.F(p, 2))
			}},
		{What: "chunks read, default buffer (\"~5.2k\")", Row: 183, Unit: "thousand", Recomputed: float64(len(gaps)) / 1e3,
			Note: fmt.Sprintf("%d; buf8192 read %d and buf65536 %d, yet the loop lag did not change", len(gaps), len(gapMS(chunks, "buf8192")), len(gapMS(chunks, "buf65536")))},
		{What: "mean inter-chunk gap, default buffer", Row: 184, Unit: "ms", Recomputed: stats.Mean(gaps), N: len(gaps),
			Note: "all rows (an agent's first chunk counts 0)",
			Reason: func(p float64) string {
				return fmt.Sprintf("the %d gaps average %s ms; collector %s ms, insight %s ms: neither agent's gaps give %s", len(gaps), report.F(stats.Mean(gaps), 2),
					report.F(stats.Mean(chunkGaps(chunks, "collector")), 2), report.F(stats.Mean(chunkGaps(chunks, "insight")), 2), report.F(p, 2))
			}},
		{What: "inter-chunk gap p99 (\"~30 ms\")", Row: 185, Unit: "ms", Recomputed: stats.Percentile(gaps, 99), N: len(gaps)},
		{What: fmt.Sprintf("efficiency, default buffer (%d pairs)", len(def)), Row: 186, Unit: "%", Recomputed: stats.Mean(def.Eff()),
			Note: effNote + report.F(stats.Mean(def.Balance()), 2) + " %"},
		{What: fmt.Sprintf("efficiency, throttled to 60 tok/s (%d pairs)", len(thr)), Row: 187, Unit: "%", Recomputed: stats.Mean(thr.Eff()),
			Note: effNote + report.F(stats.Mean(thr.Balance()), 2) + " %"},
		{What: "throttled mean efficiency (§5 table)", Row: 188, Unit: "%", Recomputed: stats.Mean(thr.Values("eff-%")), N: len(thr.Values("eff-%")),
			Note: "the efficiency the study stored for the five throttled pairs; §3.5's and §5's 86.84 %, r = −0.94 and \"15 instrumented runs\" are not in the data",
			Reason: func(p float64) string {
				stored := thr.Values("eff-%")
				return fmt.Sprintf("the %d throttled pairs' stored efficiencies (%s–%s %%) average %s %%, not %s", len(stored),
					report.F(stats.Min(stored), 2), report.F(stats.Max(stored), 2), report.F(stats.Mean(stored), 2), report.F(p, 2))
			}},
	})
}

// chunkGaps returns the default buffer's chunk gaps of one agent, in ms.
func chunkGaps(s *golden.Set, agent string) []float64 {
	var xs []float64
	for _, v := range s.Values("itl-ns", "TR117Chunks", "condition=default", "agent="+agent) {
		xs = append(xs, v/1e6)
	}
	return xs
}

// findings is #189: the study blamed the Python pairs' lost efficiency on
// event-loop saturation. Efficiency below 100 % splits into two losses:
// imbalance, 100 − the balance bound (one agent finished first), and
// overhead, the balance bound − efficiency (wall beyond the slower agent,
// where a saturated loop would show). The published cause follows only if
// overhead, not imbalance, is most of the loss.
func findings(pub studydata.Published, s *golden.Set) []report.Finding {
	rs := pythonPairs(s)
	var gap, imbalance, overhead float64
	for _, r := range rs {
		gap = math.Max(gap, math.Abs(r.Legacy.EfficiencyPct-r.Balance))
		imbalance += 100 - r.Balance
		overhead += r.Balance - r.Legacy.EfficiencyPct
	}
	imbalance /= float64(len(rs))
	overhead /= float64(len(rs))
	over := rs.Values("overhead-ns")
	follows := overhead > imbalance
	cause := "the pairs were as efficient as their two outputs were equally long"
	if follows {
		cause = "most of the lost efficiency is wall time beyond the slower agent, where a saturated loop would show"
	}
	return []report.Finding{{
		What:      fmt.Sprintf("cause of the Python \"ceiling\" (%d pairs)", len(rs)),
		Row:       189,
		Published: publishedCause(pub[189]),
		Recomputed: fmt.Sprintf("efficiency = (a + b) / (2 · max(a, b)), the balance bound, within %s pp in every pair; wall − max(a, b) is %s–%s ms",
			report.F(gap, 2), report.F(stats.Min(over)/1e6, 1), report.F(stats.Max(over)/1e6, 1)),
		Follows: follows,
		Note: fmt.Sprintf("%s: of the %s pp lost on average, imbalance is %s pp and overhead %s pp; the loop lag (mean %s ms) is the Windows timer tick, not lost work",
			cause, report.F(imbalance+overhead, 2), report.F(imbalance, 2), report.F(overhead, 2), report.F(stats.Mean(lagMS(s, "default")), 0)),
	}}
}

// backends are the cross-backend matrix's, in the order shown.
var backends = []string{"ollama", "onnxruntime"}

// oursCalls returns our run's values in unit of one cell of the matrix.
func oursCalls(s *golden.Set, unit, backend, size, scenario string) []float64 {
	return s.Values(unit, "TR117", "backend="+backend, "size="+size, "scenario="+scenario)
}

// fmtMS formats nanoseconds as milliseconds with d decimals.
func fmtMS(ns float64, d int) string { return report.F(ns/1e6, d) }

// ciMS formats an end-to-end latency estimate from n calls and its
// interval, given in ns, in ms.
func ciMS(v float64, ci stats.Interval, n, d int) string {
	return report.WithInterval(v/1e6, stats.Interval{Lo: ci.Lo / 1e6, Hi: ci.Hi / 1e6}, n, d, "e2e-ns")
}

func crossBackend(b *strings.Builder, s *golden.Set) report.Chart {
	t := report.Table{
		Header: []string{"size", "scenario", "backend", "calls", "e2e mean [95 % CI] ms", "e2e median [CI] ms", "e2e p95 [CI] ms", "e2e max ms", "TTFT median ms", "tok/s median"},
		Align:  "lllrrrrrrr",
	}
	c := report.Chart{Title: "TR117 in Go: end-to-end latency of one call, 128 tokens (mean ± 95 % t-CI)", YLabel: "ms"}
	series := map[string][]report.Estimate{}
	var ratios []string
	var slower, faster, cells, sooner int // ONNX against Ollama: mean e2e, median TTFT
	sizes, err := Sizes()
	if err != nil {
		panic(err) // the presets are compiled in; TestSizesMatchParameterCounts checks them
	}
	for _, sz := range sizes {
		var means [2][]float64
		for _, sc := range Scenarios() {
			c.Categories = append(c.Categories, sz.Name+" "+strings.TrimPrefix(sc.Name, "single_"))
			ttft := [2]float64{}
			for i, be := range backends {
				ttft[i] = stats.Median(oursCalls(s, "ttft-ns", be, sz.Name, sc.Name))
				e2e := oursCalls(s, "e2e-ns", be, sz.Name, sc.Name)
				l := LatencyStats(e2e)
				means[i] = append(means[i], l.Mean)
				t.Rows = append(t.Rows, []string{sz.Name, sc.Name, be, fmt.Sprint(l.N), ciMS(l.Mean, l.MeanCI, l.N, 1), ciMS(l.Median, l.MedianCI, l.N, 1), ciMS(l.P95, l.P95CI, l.N, 1),
					fmtMS(stats.Max(oursCalls(s, "e2e-max-ns", be, sz.Name, sc.Name)), 1), fmtMS(ttft[i], 1), report.F(stats.Median(oursCalls(s, "tok/s", be, sz.Name, sc.Name)), 0)})
				series[be] = append(series[be], report.Estimate{Value: l.Mean / 1e6, Lo: l.MeanCI.Lo / 1e6, Hi: l.MeanCI.Hi / 1e6})
			}
			cells++
			if ttft[1] < ttft[0] {
				sooner++
			}
		}
		var r []float64
		for i := range means[0] {
			r = append(r, means[1][i]/means[0][i])
			switch {
			case r[i] > 1:
				slower++
			case r[i] < 1:
				faster++
			}
		}
		ratios = append(ratios, fmt.Sprintf("%s (%s against %s) %s–%s×", sz.Name, sz.ONNX, sz.GGUF, report.F(stats.Min(r), 1), report.F(stats.Max(r), 1)))
	}
	for _, be := range backends {
		c.Series = append(c.Series, report.Series{Name: be, Estimates: series[be]})
	}
	b.WriteString(t.Markdown())
	fmt.Fprintf(b, "\nONNX Runtime's mean latency per call against Ollama's (slower in %d of %d cells, faster in %d): %s. "+
		"Its first token came sooner in %d of %d cells: in-process, with no HTTP and no server between. "+
		"Both generated 128 tokens from prompts of the same length (Ollama's tokenizer's count, BOS included; the ONNX side "+
		"gets that many ids). Per parameter the work is alike (the GGUF models untie a 4k–8k-token output matrix, the ONNX "+
		"ones tie GPT-2's 50k-token one), so the gap is most likely llama.cpp's F16 CPU kernels against ONNX Runtime's "+
		"FP32 graph, on one thread each. Each call is one line of %s (-benchtime 1x), so the statistics are per call, as the "+
		"study's were; the median's and p95's intervals are percentile-bootstrap (2000 resamples, fixed seed) and, with so "+
		"few calls, the p95's cannot reach past the slowest one.\n", slower, cells, faster, strings.Join(ratios, "; "), sooner, cells, report.RunName(s))
	return c
}

func agentsTable(b *strings.Builder, ours, base *golden.Set) report.Chart {
	t := report.Table{
		Header: []string{"agents", "runs (medians over them)", "legacy eff-%", "balance-%", "wall − max t_i ms", "speedup-x", "true-eff-%", "e2e p95 ms", "sched p50 µs", "sched p99 µs", "oversleep p50 ms", "oversleep p99 ms"},
		Align:  "rrrrrrrrrrrr",
	}
	med := func(unit string, where ...string) float64 {
		return stats.Median(ours.Values(unit, append([]string{"TR117Agents"}, where...)...))
	}
	// Medians: a loaded machine's rare long oversleep would set the mean.
	// Two quantities of two machines: two series, each with gaps where
	// the other's categories are, on a log axis (they differ 100-fold).
	c := report.Chart{Title: "Timer lateness while agents stream: the study's asyncio loop lag and Go's oversleep (median, 95 % bootstrap CI)",
		YLabel: "ms late (log)", Kind: report.Dots, LogY: true}
	var study, goEst []report.Estimate
	gap := report.Estimate{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	medianEst := func(xs []float64) report.Estimate {
		l := LatencyStats(xs)
		return report.Estimate{Value: l.Median, Lo: l.MedianCI.Lo, Hi: l.MedianCI.Hi}
	}
	for _, cond := range []string{"default", "buf8192", "buf65536"} {
		c.Categories = append(c.Categories, "study, "+cond)
		study = append(study, medianEst(lagMS(base, cond)))
		goEst = append(goEst, gap)
	}
	var effs, over, p99s, speedups []float64
	for _, n := range AgentCounts {
		agents, run := fmt.Sprintf("agents=%d", n), "op=run"
		var p50s []float64 // ms, one per line
		for _, v := range ours.Values("oversleep-p50-ns", "TR117Agents", agents, run) {
			p50s = append(p50s, v/1e6)
		}
		effs = append(effs, med("eff-%", agents, run))
		speedups = append(speedups, med("speedup-x", agents, run))
		over = append(over, stats.Median(p50s))
		p99s = append(p99s, med("oversleep-p99-ns", agents, run)/1e6)
		t.Rows = append(t.Rows, []string{fmt.Sprint(n), fmt.Sprint(len(ours.Values("eff-%", "TR117Agents", agents, run))), report.F(med("eff-%", agents, run), 2), report.F(med("balance-%", agents, run), 2),
			fmtMS(med("overhead-ns", agents, run), 2), report.F(med("speedup-x", agents, run), 2), report.F(med("true-eff-%", agents, run), 1),
			fmtMS(med("e2e-p95-ns", agents, run), 1), report.F(med("sched-p50-ns", agents, run)/1e3, 1), report.F(med("sched-p99-ns", agents, run)/1e3, 0),
			report.F(stats.Median(p50s), 3), fmtMS(med("oversleep-p99-ns", agents, run), 3)})
		c.Categories = append(c.Categories, fmt.Sprintf("Go, agents=%d", n))
		study = append(study, gap)
		goEst = append(goEst, medianEst(p50s))
	}
	c.Series = []report.Series{
		{Name: "study: Python asyncio.sleep(0.1) loop lag, 2 agents (Windows)", Estimates: study},
		{Name: "ours: Go time.Sleep(10 ms) oversleep, N agents (Linux)", Estimates: goEst},
	}
	b.WriteString(t.Markdown())
	fmt.Fprintf(b, "\nMedians over the run's lines, on a shared two-core machine. With %d to %d agents of equal output the legacy "+
		"efficiency stayed at %s–%s %%: Go has no ceiling of its own. What it loses is the goroutines' start and end "+
		"(wall − max t_i), not a share of every token. A goroutine sleeping %d ms at a time through the runs overslept by a "+
		"median of %s–%s ms (p99 %s–%s ms), against the study's %s ms mean loop lag (the Windows timer's 15.6 ms tick "+
		"quantises asyncio's sleep; Linux's timers do not). The corrected "+
		"speedup is another matter, %s–%s×: the agents share one Ollama instance's cores, so together they finish about as "+
		"soon as one after the other, and the concurrent calls' e2e p95 grows with N, from %s ms to %s ms. That is the "+
		"server's limit, which the legacy figure cannot see.\n",
		slices.Min(AgentCounts), slices.Max(AgentCounts), report.F(stats.Min(effs), 2), report.F(stats.Max(effs), 2),
		OversleepPeriod.Milliseconds(), report.F(stats.Min(over), 2), report.F(stats.Max(over), 2), report.F(stats.Min(p99s), 2), report.F(stats.Max(p99s), 2),
		report.F(stats.Mean(lagMS(base, "default")), 2),
		report.F(stats.Min(speedups), 2), report.F(stats.Max(speedups), 2),
		fmtMS(med("e2e-p95-ns", fmt.Sprintf("agents=%d", slices.Min(AgentCounts)), "op=run"), 0),
		fmtMS(med("e2e-p95-ns", fmt.Sprintf("agents=%d", slices.Max(AgentCounts)), "op=run"), 0))
	return c
}

// fragment renders the TR117 fragment: the study's part, then, when
// s.ours is not nil, our cross-backend matrix and agents.
func fragment(s sets) (string, []report.NamedChart) {
	var b strings.Builder
	b.WriteString("### TR117: inference backends side by side, and the multi-agent \"ceiling\" (from " + report.From(s.ours, "testdata/baseline.bench", "chunks.bench") + ")\n\n" +
		"TR117's tier-3 matrix timed seven backends on the same prompts; only the GPU PyTorch backends' per-run-file summaries " +
		"survive (re-derived by TR120), so its Ollama, TensorRT, ONNX Runtime and CPU latencies, medians, $/1M and ANOVA " +
		"(PUBLISHED.md #178) cannot be recomputed. TR117_multi_agent instrumented pairs of Python agents (one streamed persona " +
		"call each, on two Ollama instances) to find why Python pairs never passed ~86 % efficiency, with an event-loop lag " +
		"monitor and per-chunk stream metrics.\n\n")
	b.WriteString("#### Tier 3: what survives (§4)\n\n")
	b.WriteString(report.ClaimsTable(tier3Claims(s.pub, s.base)).Markdown())
	b.WriteString("\n#### The multi-agent root cause (TR117_multi_agent)\n\n")
	b.WriteString(report.RowsTable(multiClaims(s.pub, s.base, s.chunks), findings(s.pub, s.base)).Markdown())

	ct := report.Table{
		Header: []string{"pairs", "runs", "legacy eff-%, mean [95 % CI]", "balance bound %", "wall − max t_i ms", "loop lag mean / p99 ms", "chunks"},
		Align:  "lrrrrrr",
	}
	for _, c := range []string{"default", "buf8192", "buf65536", "60tps"} {
		rs := pythonPairs(s.base, "condition="+c)
		lag, chunks := "", ""
		if l := lagMS(s.base, c); len(l) > 0 {
			lag = report.F(stats.Mean(l), 2) + " / " + report.F(stats.Percentile(l, 99), 2)
			chunks = fmt.Sprint(len(gapMS(s.chunks, c)))
		}
		ct.Rows = append(ct.Rows, []string{"Python, " + c, fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 2, "eff-%"), report.F(stats.Mean(rs.Balance()), 2),
			report.F(stats.Mean(rs.Values("overhead-ns"))/1e6, 1), lag, chunks})
	}
	for _, m := range s.base.KeyValues("model", "TR117Agents", "lang=rust") {
		rs := report.StudyRuns(s.base, "TR117Agents", "lang=rust", "model="+m)
		ct.Rows = append(ct.Rows, []string{"Rust (phase 2), " + m, fmt.Sprint(len(rs)), report.MeanCI(rs.Eff(), 2, "eff-%"), report.F(stats.Mean(rs.Balance()), 2),
			report.F(stats.Mean(rs.Values("overhead-ns"))/1e6, 1), "", ""})
	}
	b.WriteString("\nPer condition (the read buffer, or a 60 tok/s throttle; Rust: phase 2's two-call agents):\n\n")
	b.WriteString(ct.Markdown())
	nDef := float64(len(gapMS(s.chunks, "default")))
	fmt.Fprintf(&b, "\nLarger read buffers cut the chunks %s and %s times and left the loop lag where it was: the lag was not "+
		"the agents' work. Every pair's efficiency is its balance bound: the two personas wrote outputs of different lengths, "+
		"the shorter agent idled, and that idle share is the whole gap to 100 %%.\n",
		report.F(nDef/float64(len(gapMS(s.chunks, "buf8192"))), 0), report.F(nDef/float64(len(gapMS(s.chunks, "buf65536"))), 0))

	if s.ours == nil {
		return b.String(), nil
	}
	fmt.Fprintf(&b, "\n#### In Go: Ollama against ONNX Runtime at matched sizes (BenchmarkTR117, %s)\n\n", report.RunName(s.ours))
	lat := crossBackend(&b, s.ours)
	b.WriteString("\n#### In Go: N agents streaming, the scheduler and the timers (BenchmarkTR117Agents, " + report.RunName(s.ours) + ")\n\n" +
		"N agents (the harness's two-call workflow, 128 tokens a call) on one Ollama instance with 8 slots. op=run times each " +
		"agent alone, then all together, and reads the Go scheduler's latency histogram (runtime/metrics " +
		"/sched/latencies:seconds) over the together half. Meanwhile a goroutine of the benchmark sleeps 10 ms after 10 ms " +
		"(time.Sleep) and records each sleep's oversleep (actual − requested), as the study's monitor slept on its event loop " +
		"through its runs: oversleep-p50-ns and oversleep-p99-ns, per line.\n\n")
	over := agentsTable(&b, s.ours, s.base)
	b.WriteString("\nCompare our pairs with the study's Python pairs:\n\n" +
		"    go test -run '^$' -bench '^BenchmarkTR117Agents$/agents=2/' -count 10 ./tr117 > new.txt\n" +
		"    go tool benchstat -table '' -ignore /lang,/model,/condition,/gomaxprocs -filter '/agents:2 /op:run -/lang:rust' tr117/testdata/baseline.bench new.txt\n")
	fmt.Fprintf(&b, "\nThe study's loop lag stays in the baseline as its monitor's iterations, op=sleep-100ms (ns/op = 100 ms + the lag; "+
		"median %s ms). Ours is the oversleep itself, in units of its own on the op=run lines (agents=2: median p50 %s ms), so "+
		"benchstat shows the two in separate rows; the table above sets them side by side.\n",
		fmtMS(stats.Median(s.base.Values("ns/op", "TR117Agents", "lang=python", "op=sleep-100ms")), 1),
		fmtMS(stats.Median(s.ours.Values("oversleep-p50-ns", "TR117Agents", "agents=2", "op=run")), 3))
	charts := []report.NamedChart{
		{Name: "latency.svg", Chart: lat, Caption: "Our end-to-end latency of one 128-token call per model size and scenario, Ollama beside ONNX Runtime (mean with the 95 % t-interval), bars from zero: at each size the shorter bar is the faster backend."},
		{Name: "oversleep.svg", Chart: over, Caption: "How late a timer fires while agents stream, on a log axis: the study's Python asyncio.sleep(0.1) loop lag with 2 agents on Windows per buffer setting, beside Go's time.Sleep(10 ms) oversleep with N agents on Linux (medians with their 95 % bootstrap intervals); they are different quantities on different machines, so each series is read on its own."},
	}
	b.WriteString(report.ChartSection("####", charts))
	return b.String(), charts
}

// publishedCause is #189's published cause as the fragment shows it: the
// claim's after its "=", and the published evidence in parentheses
// ("event-loop saturation (loop lag)").
func publishedCause(r studydata.PublishedRow) string {
	_, cause, _ := strings.Cut(r.Claim, "= ")
	return cause + " (" + r.Published + ")"
}
