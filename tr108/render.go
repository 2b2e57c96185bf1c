package tr108

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

const (
	llama   = "model=llama3.1:8b-instruct-q4_0"
	gemma   = "model=gemma3:latest"
	gemma1b = "model=gemma3:1b-it-qat"
	gemma27 = "model=gemma3:270m"
)

// label is the study's config_name of a row: g<num_gpu>_c<num_ctx>_t<temp>.
func label(keys map[string]string) string {
	return "g" + keys["num_gpu"] + "_c" + keys["num_ctx"] + "_t" + keys["temp"]
}

// where turns a study config_name back into Rows terms.
func where(model, label string) []string {
	p := strings.Split(label, "_") // g40 c1024 t0.4
	return []string{model, "phase=tuning", "num_gpu=" + p[0][1:], "num_ctx=" + p[1][1:], "temp=" + p[2][1:]}
}

// seconds returns the rows' values of a duration unit in seconds.
func seconds(s *golden.Set, unit string, w ...string) []float64 {
	xs := s.Values(unit, w...)
	for i := range xs {
		xs[i] /= 1e9
	}
	return xs
}

// sigmaRate is Chimeraforge's tok/s over the rows: Σ eval_count / Σ
// eval_duration, eval_count being tok/s × decode-ns.
func sigmaRate(s *golden.Set, w ...string) float64 {
	var tokens, ns float64
	for _, r := range s.Rows(w...) {
		tokens += evalCount(r)
		ns += r.Values["decode-ns"]
	}
	return tokens / (ns / 1e9)
}

// evalCount is a row's eval_count: tok/s × eval_duration, to the token
// (the llama files rounded tok/s to 2 and seconds to 4 decimals).
func evalCount(r golden.Row) float64 {
	return math.Round(r.Values["tok/s"] * r.Values["decode-ns"] / 1e9)
}

// warmTTFT is the Chimeraforge column of a TTFT claim: the mean TTFT of
// the rows that paid no reload, or "" when none did.
func warmTTFT(s *golden.Set, w ...string) string {
	if len(s.Rows(append(w, "start=cold")...)) == 0 {
		return ""
	}
	return "warm requests: " + report.F(stats.Mean(seconds(s, "study-ttft-ns", append(w, "start=warm")...)), 3) + " s"
}

// coldNote says how many of the rows paid a reload, and how long it took.
func coldNote(s *golden.Set, w ...string) string {
	n := len(s.Rows(w...))
	cold := seconds(s, "load-ns", append(w, "start=cold")...)
	switch {
	case n == 1 && len(cold) == 0:
		return fmt.Sprintf("one request, warm: load_duration %s s, prompt eval %s s",
			report.F(seconds(s, "load-ns", w...)[0], 3), report.F(seconds(s, "prefill-ns", w...)[0], 3))
	case len(cold) == 0:
		return fmt.Sprintf("none of its %d requests paid a reload", n)
	}
	return fmt.Sprintf("%d of its %d requests paid a reload (load_duration %s s)", len(cold), n, loads(cold))
}

// loads lists reload times: "6.20" or "6.20, 9.12".
func loads(xs []float64) string {
	var ss []string
	for _, x := range xs {
		ss = append(ss, report.F(x, 2))
	}
	return strings.Join(ss, ", ")
}

type bestConfig struct {
	label, runnerUp string
	tokS, margin    float64 // the best's tok/s, and its lead over the runner-up
}

// best is the tuning config with the largest tok/s (one request each).
func best(s *golden.Set, model string) bestConfig {
	rows := s.Rows("model="+model, "phase=tuning")
	slices.SortStableFunc(rows, func(a, b golden.Row) int { return cmp.Compare(b.Values["tok/s"], a.Values["tok/s"]) })
	return bestConfig{label: label(rows[0].Keys), runnerUp: label(rows[1].Keys), tokS: rows[0].Values["tok/s"],
		margin: rows[0].Values["tok/s"] - rows[1].Values["tok/s"]}
}

// bestNote states how far ahead the best config is, against the noise of
// one request.
func bestNote(s *golden.Set, model string) string {
	b := best(s, model)
	return fmt.Sprintf("best of one request per config: %s, %s tok/s (%s %%) ahead of %s; the same config's baseline prompts vary by CV %s %%",
		b.label, report.F(b.margin, 2), report.F(100*b.margin/(b.tokS-b.margin), 1), b.runnerUp,
		report.F(stats.CV(s.Values("tok/s", "model="+model, "phase=baseline")), 1))
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	base := func(q string) []string { return []string{"phase=baseline", "quant=" + q} }
	meanTokS := func(w ...string) float64 { return stats.Mean(s.Values("tok/s", w...)) }
	peakTokS := func(w ...string) float64 { return stats.Max(s.Values("tok/s", w...)) }
	meanTTFT := func(w ...string) float64 { return stats.Mean(seconds(s, "study-ttft-ns", w...)) }
	p95 := func(w ...string) float64 { return stats.Percentile(seconds(s, "study-ttft-ns", w...), 95) }
	rate := func(w ...string) string { return report.F(sigmaRate(s, w...), 2) + " tok/s Σ-rate" }
	warmMax := func(w ...string) string {
		return "largest warm request " + report.F(stats.Max(seconds(s, "study-ttft-ns", append(w, "start=warm")...)), 3) + " s"
	}
	n := func(w ...string) int { return len(s.Rows(w...)) } // the requests a summary is over
	const p95Note = "p95 of 5 requests, numpy linear: it interpolates between the two largest, so one reload sets it"
	prompt1 := s.Rows(append(base("q4_0"), "prompt=1")...)[0]
	gemmaBase := []string{gemma, "phase=baseline"}
	gemmaBest := where(gemma, "g999_c4096_t0.4")
	gemmaTuning := s.Values("tok/s", gemma, "phase=tuning")
	slices.Sort(gemmaTuning)
	slices.Reverse(gemmaTuning)
	spike := where(gemma1b, "g999_c1024_t0.2")
	firstTTFT := func(model string) float64 {
		return seconds(s, "study-ttft-ns", model, "phase=baseline", "prompt=1")[0]
	}
	firstNote := func(model string) string {
		return fmt.Sprintf("prompt 1, the model's first request: load_duration %s s of it; prompts 2–5 average %s s",
			report.F(seconds(s, "load-ns", model, "phase=baseline", "prompt=1")[0], 2),
			report.F(stats.Mean(seconds(s, "study-ttft-ns", model, "phase=baseline", "start=warm")), 3))
	}
	gemmaData := best(s, "gemma3:latest")
	spikeWhich := "this request"
	if label(s.Rows(gemma1b, "phase=tuning")[0].Keys) == "g999_c1024_t0.2" {
		spikeWhich = "the grid's first request"
	}
	return report.Cite(pub, []report.Claim{
		{What: "llama3.1 q4_0 baseline mean throughput (5 prompts)", Row: 1, Unit: "tok/s",
			Recomputed: meanTokS(base("q4_0")...), N: n(base("q4_0")...), Ours: rate(base("q4_0")...), Note: "study: mean of the per-request rates"},
		{What: "llama3.1 q4_0 baseline mean TTFT (load + prompt eval)", Row: 2, Unit: "s",
			Recomputed: meanTTFT(base("q4_0")...), N: n(base("q4_0")...), Ours: warmTTFT(s, base("q4_0")...), Note: coldNote(s, base("q4_0")...)},
		{What: "llama3.1 q5_K_M baseline mean throughput", Row: 3, Unit: "tok/s",
			Recomputed: meanTokS(base("q5_k_m")...), N: n(base("q5_k_m")...), Ours: rate(base("q5_k_m")...)},
		{What: "llama3.1 q5_K_M baseline mean TTFT", Row: 4, Unit: "s",
			Recomputed: meanTTFT(base("q5_k_m")...), N: n(base("q5_k_m")...), Ours: warmTTFT(s, base("q5_k_m")...), Note: coldNote(s, base("q5_k_m")...)},
		{What: "llama3.1 q8_0 baseline mean throughput", Row: 5, Unit: "tok/s",
			Recomputed: meanTokS(base("q8_0")...), N: n(base("q8_0")...), Ours: rate(base("q8_0")...)},
		{What: "llama3.1 q8_0 baseline mean TTFT", Row: 6, Unit: "s",
			Recomputed: meanTTFT(base("q8_0")...), N: n(base("q8_0")...), Ours: warmTTFT(s, base("q8_0")...), Note: coldNote(s, base("q8_0")...)},
		{What: "llama3.1 q4_0 P95 TTFT", Row: 7, Unit: "s",
			Recomputed: p95(base("q4_0")...), N: n(base("q4_0")...), Ours: warmMax(base("q4_0")...), Note: p95Note},
		{What: "llama3.1 q5_K_M P95 TTFT", Row: 8, Unit: "s",
			Recomputed: p95(base("q5_k_m")...), N: n(base("q5_k_m")...), Ours: warmMax(base("q5_k_m")...), Note: p95Note},
		{What: "llama3.1 q8_0 P95 TTFT", Row: 9, Unit: "s",
			Recomputed: p95(base("q8_0")...), N: n(base("q8_0")...), Ours: warmMax(base("q8_0")...), Note: p95Note},
		{What: "q4_0 'Mission failure' (prompt 1) throughput", Row: 10, Unit: "tok/s",
			Recomputed: prompt1.Values["tok/s"], Note: "one request"},
		{What: "q4_0 'Mission failure' (prompt 1) eval count", Row: 11, Unit: "tokens",
			Recomputed: evalCount(prompt1),
			Note:       "tok/s × eval_duration of the stored row; the report's per-prompt table (TTFT, eval count, load) is not the stored rows",
			Reason: func(p float64) string {
				return fmt.Sprintf("the stored row decoded %s tok/s for %s s: %s tokens, not %s", report.F(prompt1.Values["tok/s"], 2),
					report.F(prompt1.Values["decode-ns"]/1e9, 3), report.F(evalCount(prompt1), 0), report.F(p, 0))
			}},
		{What: "gemma3:latest baseline mean throughput", Row: 12, Unit: "tok/s",
			Recomputed: meanTokS(gemmaBase...), N: n(gemmaBase...), Ours: rate(gemmaBase...),
			Note: "the stored baseline rows; the report's per-prompt table is not in the data",
			Reason: func(p float64) string {
				xs := s.Values("tok/s", gemmaBase...)
				return fmt.Sprintf("the %d stored requests (%s–%s tok/s) average %s, not %s", len(xs),
					report.F(stats.Min(xs), 2), report.F(stats.Max(xs), 2), report.F(stats.Mean(xs), 2), report.F(p, 2))
			}},
		{What: "gemma3:latest baseline peak throughput", Row: 13, Unit: "tok/s",
			Recomputed: peakTokS(gemmaBase...), N: n(gemmaBase...),
			Reason: func(p float64) string {
				return report.F(p, 2) + " tok/s is " + report.Place(p, s.Values("tok/s", gemmaBase...), 2, "stored requests")
			}},
		{What: "gemma3:latest over llama3.1 q4_0, baseline mean throughput", Row: 14, Unit: "%",
			Recomputed: stats.ThroughputImprovementPct(meanTokS(base("q4_0")...), meanTokS(gemmaBase...)),
			Ours:       report.F(stats.ThroughputImprovementPct(sigmaRate(s, base("q4_0")...), sigmaRate(s, gemmaBase...)), 1) + " % by Σ-rates",
			Reason: func(p float64) string {
				g, errG := pub.Number(12, 0)
				l, errL := pub.Number(1, 0)
				if errG != nil || errL != nil {
					return "the published means are not in PUBLISHED.md"
				}
				return fmt.Sprintf("%s %% follows from the published, not the stored, gemma3 mean: %s / %s − 1 = %s %%",
					report.F(p, 0), report.F(g.Value, g.Decimals), report.F(l.Value, l.Decimals), report.F(stats.ThroughputImprovementPct(l.Value, g.Value), 1))
			}},
		{What: "llama3.1 q4_0 best tuning config 40/1024/0.4", Row: 15, Unit: "tok/s",
			Recomputed: s.Values("tok/s", where(llama, "g40_c1024_t0.4")...)[0], Note: bestNote(s, "llama3.1:8b-instruct-q4_0")},
		{What: "gemma3:latest \"best\" tuning config 999/4096/0.4 (the Chimera basis)", Row: 16, Unit: "tok/s",
			Recomputed: s.Values("tok/s", gemmaBest...)[0],
			Ours:       fmt.Sprintf("the data's best: %s, %s tok/s", gemmaData.label, report.F(gemmaData.tokS, 2)),
			Note:       bestNote(s, "gemma3:latest")},
		{What: "gemma3:latest 999/4096/0.4 TTFT (TR109's expected_ttft)", Row: 17, Unit: "s",
			Recomputed: meanTTFT(gemmaBest...), N: n(gemmaBest...), Ours: warmTTFT(s, gemmaBest...), Note: coldNote(s, gemmaBest...)},
		{What: "gemma3:latest top-10 tuning configs span", Row: 18, Unit: "tok/s",
			Recomputed: gemmaTuning[0] - gemmaTuning[9],
			Ours:       report.F(100*(gemmaTuning[0]/gemmaTuning[9]-1), 1) + " % of the 10th", Note: "largest − 10th largest of one request each",
			Reason: func(p float64) string {
				return fmt.Sprintf("the 10 fastest of %d configs run %s–%s tok/s, a span of %s, not %s", len(gemmaTuning),
					report.F(gemmaTuning[9], 2), report.F(gemmaTuning[0], 2), report.F(gemmaTuning[0]-gemmaTuning[9], 2), report.F(p, 1))
			}},
		{What: "gemma3:270m baseline mean throughput", Row: 19, Unit: "tok/s",
			Recomputed: meanTokS(gemma27, "phase=baseline"), N: n(gemma27, "phase=baseline"), Ours: rate(gemma27, "phase=baseline")},
		{What: "gemma3:270m baseline peak throughput", Row: 20, Unit: "tok/s",
			Recomputed: peakTokS(gemma27, "phase=baseline"), N: n(gemma27, "phase=baseline")},
		{What: "gemma3:270m first-prompt (cold) TTFT", Row: 21, Unit: "s",
			Recomputed: firstTTFT(gemma27), Note: firstNote(gemma27)},
		{What: "gemma3:270m best tuning config g999_c4096_t0.8", Row: 22, Unit: "tok/s",
			Recomputed: s.Values("tok/s", where(gemma27, "g999_c4096_t0.8")...)[0],
			Note:       bestNote(s, "gemma3:270m") + fmt.Sprintf("; %d of its 36 requests timed out", 36-len(s.Rows(gemma27, "phase=tuning")))},
		{What: "gemma3:1b-it-qat baseline mean throughput", Row: 23, Unit: "tok/s",
			Recomputed: meanTokS(gemma1b, "phase=baseline"), N: n(gemma1b, "phase=baseline"), Ours: rate(gemma1b, "phase=baseline")},
		{What: "gemma3:1b-it-qat baseline peak throughput", Row: 24, Unit: "tok/s",
			Recomputed: peakTokS(gemma1b, "phase=baseline"), N: n(gemma1b, "phase=baseline")},
		{What: "gemma3:1b-it-qat first-prompt (cold) TTFT", Row: 25, Unit: "s",
			Recomputed: firstTTFT(gemma1b), Note: firstNote(gemma1b)},
		{What: "gemma3:1b-it-qat best tuning config g60_c1024_t0.4", Row: 26, Unit: "tok/s",
			Recomputed: s.Values("tok/s", where(gemma1b, "g60_c1024_t0.4")...)[0], Note: bestNote(s, "gemma3:1b-it-qat")},
		{What: "gemma3:1b-it-qat temperature-0.2 \"TTFT spike\" (999/1024/0.2)", Row: 27, Unit: "s",
			Recomputed: meanTTFT(spike...), N: n(spike...),
			Ours: fmt.Sprintf("%s s without the reload (prompt eval)",
				report.F(meanTTFT(spike...)-stats.Mean(seconds(s, "load-ns", spike...)), 3)),
			Note: fmt.Sprintf("load_duration %s s of it: %s reloaded the model (temperature does not reload)",
				report.F(stats.Mean(seconds(s, "load-ns", spike...)), 2), spikeWhich)},
	})
}

// models lists the baseline phase's models and quantisations, in file
// order, as Rows terms and a chart label.
func models(s *golden.Set) (terms [][]string, labels []string) {
	for _, m := range s.KeyValues("model", "phase=baseline") {
		w := []string{"model=" + m, "phase=baseline"}
		terms = append(terms, w)
		labels = append(labels, chartLabel(m))
	}
	return terms, labels
}

// chartLabel is a model's category label, "llama3.1 8b q4_0" for
// "llama3.1:8b-instruct-q4_0": spaces let it wrap under its bar.
func chartLabel(model string) string {
	return strings.NewReplacer("-instruct-", " ", ":", " ").Replace(model)
}

// quantChart is the baseline phase's decode rate per model: bars from zero,
// since the ratios (quantisation, model size) are the point.
func quantChart(s *golden.Set) report.Chart {
	c := report.Chart{
		Title:  "TR108 baseline phase: decode throughput per model (5 prompts, mean ± 95 % t-CI)",
		YLabel: "decode rate, tok/s",
		Kind:   report.Bars,
	}
	terms, labels := models(s)
	var es []report.Estimate
	for _, w := range terms {
		es = append(es, report.MeanEstimate(s.Values("tok/s", w...)))
	}
	c.Categories = labels
	c.Series = []report.Series{{Name: "the study's requests", Estimates: es}}
	return c
}

// ttftChart puts the study's TTFT of warm tuning requests beside that of
// requests that paid a reload, per model: the reload is the TTFT.
func ttftChart(s *golden.Set) report.Chart {
	c := report.Chart{
		Title:  "TR108 tuning requests: the study's TTFT, warm vs after a reload (mean ± 95 % t-CI)",
		YLabel: "load + prompt eval, s",
		Kind:   report.Bars,
	}
	var warm, cold []report.Estimate
	for _, m := range s.KeyValues("model", "phase=tuning") {
		c.Categories = append(c.Categories, chartLabel(m))
		warm = append(warm, report.MeanEstimate(seconds(s, "study-ttft-ns", "model="+m, "phase=tuning", "start=warm")))
		cold = append(cold, report.MeanEstimate(seconds(s, "study-ttft-ns", "model="+m, "phase=tuning", "start=cold")))
	}
	c.Series = []report.Series{{Name: "warm (no reload)", Estimates: warm}, {Name: "after a reload", Estimates: cold}}
	return c
}

func fragment(pub studydata.Published, s *golden.Set) string {
	var b strings.Builder
	b.WriteString("### TR108: one request per configuration (from testdata/baseline.bench)\n\n")
	b.WriteString("The study sent single requests to Ollama: each model's five banter prompts once with num_gpu 999, num_ctx 2048, " +
		"temperature 0.3 (the baseline phase; for llama3.1 at three quantisations), then one request per configuration of " +
		"num_gpu {999, 80, 60, 40} × num_ctx {1024, 2048, 4096} × temperature {0.2, 0.4, 0.8} (the tuning phase). " +
		"It never warmed or unloaded a model, so a request after a change of num_gpu or num_ctx paid a reload, and its TTFT " +
		"(load + prompt eval, server-side) counted it: those requests (load_duration > 0.5 s) are `start=cold` here. " +
		"Throughput is Ollama's server-side decode rate.\n\n")
	b.WriteString(report.ClaimsTable(claims(pub, s)).Markdown())

	b.WriteString("\n#### The quantisation axis (baseline phase)\n\n")
	t := report.Table{
		Header: []string{"model", "requests", "tok/s, mean [95 % CI]", "Σ-rate tok/s", "TTFT s, mean", "warm TTFT s, mean", "reloads"},
		Align:  "lrrrrrr",
	}
	terms, _ := models(s)
	for _, w := range terms {
		t.Rows = append(t.Rows, []string{
			"`" + strings.TrimPrefix(w[0], "model=") + "`",
			fmt.Sprint(len(s.Rows(w...))),
			report.MeanCI(s.Values("tok/s", w...), 2, "tok/s"),
			report.F(sigmaRate(s, w...), 2),
			report.F(stats.Mean(seconds(s, "study-ttft-ns", w...)), 3),
			report.F(stats.Mean(seconds(s, "study-ttft-ns", append(w, "start=warm")...)), 3),
			fmt.Sprint(len(s.Rows(append(w, "start=cold")...))),
		})
	}
	b.WriteString(t.Markdown())
	q4, q8 := sigmaRate(s, "phase=baseline", "quant=q4_0"), sigmaRate(s, "phase=baseline", "quant=q8_0")
	fmt.Fprintf(&b, "\nq4_0 decodes %s %% faster than q8_0 (Σ-rates): decode reads every weight once per token, and q4_0's weights are about half "+
		"q8_0's bytes. Only the llama3.1 runs are a quantisation axis; the gemma3 models differ in size too.\n", report.F(100*(q4/q8-1), 1))

	b.WriteString("\n#### The tuning grid\n\n")
	t = report.Table{
		Header: []string{"model", "configs with data", "best (one request)", "worst", "spread", "its baseline prompts' CV", "reloads (load s, mean)", "warm TTFT s, median"},
		Align:  "lrllrrrr",
	}
	for _, m := range s.KeyValues("model", "phase=tuning") {
		w := []string{"model=" + m, "phase=tuning"}
		rows := s.Rows(w...)
		slices.SortStableFunc(rows, func(a, b golden.Row) int { return cmp.Compare(b.Values["tok/s"], a.Values["tok/s"]) })
		hi, lo := rows[0], rows[len(rows)-1]
		cold := seconds(s, "load-ns", append(w, "start=cold")...)
		t.Rows = append(t.Rows, []string{
			"`" + m + "`",
			fmt.Sprintf("%d of %d", len(rows), len(Configs())-1),
			label(hi.Keys) + " " + report.F(hi.Values["tok/s"], 2),
			label(lo.Keys) + " " + report.F(lo.Values["tok/s"], 2),
			report.F(100*(hi.Values["tok/s"]/lo.Values["tok/s"]-1), 1) + " %",
			report.F(stats.CV(s.Values("tok/s", "model="+m, "phase=baseline")), 1) + " %",
			fmt.Sprintf("%d (%s)", len(cold), report.F(stats.Mean(cold), 2)),
			report.F(stats.Median(seconds(s, "study-ttft-ns", append(w, "start=warm")...)), 3),
		})
	}
	b.WriteString(t.Markdown())
	b.WriteString("\nEach configuration ran once, so a best configuration is a best single request: set its lead against the " +
		"variation of the same model's five baseline requests (their CV), which is all the study measured of its noise. " +
		"A reload follows every change of num_gpu or num_ctx, and it is the whole of a \"TTFT spike\" (see the chart): " +
		"BenchmarkTR108 warms each configuration up and reports it warm.\n\n")
	b.WriteString(report.Compare{Package: "tr108", Why: report.StudyKeysIgnored, TestFlags: "-benchtime 5x", Benchstat: "-ignore " + studydata.TR108BenchstatIgnore}.Markdown())
	return b.String()
}
