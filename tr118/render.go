package tr118

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

// The study's backends, as its records name them.
const (
	ortCPU  = "onnxruntime-cpu"
	ortGPU  = "onnxruntime-gpu"
	compile = "transformers-gpu-compile"
	trt32   = "tensorrt-fp32"
	trt16   = "tensorrt-fp16"
	trt8    = "tensorrt-int8"
)

var studyBackends = []string{ortCPU, ortGPU, compile, trt32, trt16, trt8}

// studyRecord is one record of the study: the samples of one name.
type studyRecord struct {
	keys     map[string]string
	rates    []float64 // per-sample tok/s (prefill: padded)
	degraded float64   // degraded prompt executions, 0 for a clean record
}

// records groups the baseline's rows matching where into records, in
// file order.
func records(s *golden.Set, where ...string) []studyRecord {
	var out []studyRecord
	at := map[string]int{}
	for _, r := range s.Rows(append([]string{"TR118"}, where...)...) {
		if _, ok := r.Keys["rep"]; !ok {
			continue
		}
		i, ok := at[r.Name]
		if !ok {
			i = len(out)
			at[r.Name] = i
			out = append(out, studyRecord{keys: r.Keys})
		}
		if d, ok := r.Values["degraded-calls"]; ok {
			out[i].degraded += d
			continue
		}
		rate, ok := r.Values["padded-tok/s"]
		if !ok {
			rate = r.Values["tok/s"]
		}
		out[i].rates = append(out[i].rates, rate)
	}
	return out
}

// throughput is the study's aggregate (README "TR118 / TR119"): the mean
// of each clean record's per-sample throughputs, the mean over
// repetitions per scenario, and the mean over the scenarios that are not
// wholly degraded. NaN when every scenario is.
func throughput(s *golden.Set, model, backend, mode string) float64 {
	return stats.Mean(scenarioMeans(s, model, backend, mode))
}

// scenarioMeans are the means throughput averages: one per scenario with
// a clean record, in record order.
func scenarioMeans(s *golden.Set, model, backend, mode string) []float64 {
	perScenario := map[string][]float64{}
	var order []string
	for _, r := range records(s, "model="+model, "backend="+backend, "mode="+mode) {
		sc := r.keys["scenario"]
		if _, ok := perScenario[sc]; !ok {
			order = append(order, sc)
			perScenario[sc] = nil
		}
		if r.degraded == 0 {
			perScenario[sc] = append(perScenario[sc], stats.Mean(r.rates))
		}
	}
	var means []float64
	for _, sc := range order {
		if xs := perScenario[sc]; len(xs) > 0 {
			means = append(means, stats.Mean(xs))
		}
	}
	return means
}

// crossover is the study's crossover fit: per model, the ONNX Runtime CPU
// prefill throughput over torch.compile's, against parameter count.
type crossover struct {
	models []string
	params []float64
	ratios []float64
	fit    stats.PowerLaw
}

func crossoverFit(s *golden.Set) crossover {
	var c crossover
	type m struct {
		name   string
		params float64
	}
	var ms []m
	for _, name := range s.KeyValues("model", "mode=prefill", "backend="+ortCPU) {
		var p float64
		fmt.Sscan(s.Rows("TR118", "model="+name)[0].Keys["params"], &p)
		ms = append(ms, m{name, p})
	}
	slices.SortFunc(ms, func(a, b m) int { return cmp.Compare(a.params, b.params) })
	for _, x := range ms {
		c.models = append(c.models, x.name)
		c.params = append(c.params, x.params)
		c.ratios = append(c.ratios, throughput(s, x.name, ortCPU, "prefill")/throughput(s, x.name, compile, "prefill"))
	}
	c.fit = stats.FitPowerLaw(c.params, c.ratios, 0.95)
	return c
}

func (c crossover) ratio(model string) float64 {
	return c.ratios[slices.Index(c.models, model)]
}

// buildSeconds is the build time of an engine the model's prefill run built.
func buildSeconds(s *golden.Set, model, artifact string) float64 {
	return stats.Mean(s.Values("build-ns", "model="+model, "artifact="+artifact, "mode=prefill")) / 1e9
}

// perplexity is a backend's WikiText-2 perplexity for the model.
func perplexity(s *golden.Set, model, backend string) float64 {
	return stats.Mean(s.Values("ppl", "model="+model, "backend="+backend))
}

// maxPerplexityDelta is the largest |ppl/baseline − 1| over the model's
// backends with a value, in %, and the backend that has it; the baseline
// is torch.compile's, as in perplexity.csv's delta_frac.
func maxPerplexityDelta(s *golden.Set, model string) (float64, string) {
	base := perplexity(s, model, compile)
	worst, at := 0.0, ""
	for _, b := range s.KeyValues("backend", "model="+model, "eval=wikitext2") {
		if d := math.Abs(perplexity(s, model, b)/base-1) * 100; d > worst {
			worst, at = d, b
		}
	}
	return worst, at
}

// degradedRecords counts the deep run's records and its degraded ones.
func degradedRecords(s *golden.Set) (degraded, all int) {
	for _, model := range []string{"tiny-gpt2", "gpt2"} {
		for _, r := range records(s, "model="+model) {
			all++
			if r.degraded > 0 {
				degraded++
			}
		}
	}
	return degraded, all
}

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	row := 190 // #190–#207, in the order added
	add := func(model, mode string, order ...string) {
		for _, b := range order {
			what := fmt.Sprintf("%s %s throughput, %s (mean of per-scenario means)", model, mode, b)
			note := ""
			if mode == "prefill" {
				note = "padded tokens, as the study counted"
			}
			cs = append(cs, report.Claim{What: what, Row: row, Unit: "tok/s",
				Recomputed: throughput(s, model, b, mode), N: len(scenarioMeans(s, model, b, mode)), Note: note})
			row++
		}
	}
	add("tiny-gpt2", "prefill", ortCPU, trt32, trt8, trt16, ortGPU, compile)
	add("tiny-gpt2", "generate", ortCPU, ortGPU, compile)
	add("gpt2", "prefill", ortCPU, trt32, trt8, trt16, ortGPU, compile)
	add("gpt2", "generate", ortGPU, compile, ortCPU)
	// #208 is a finding; the ratios follow.
	x := crossoverFit(s)
	ratio := func(model, num string) float64 {
		return throughput(s, model, num, "prefill") / throughput(s, model, compile, "prefill")
	}
	cs = append(cs,
		report.Claim{What: "ONNX-CPU vs PyTorch (torch.compile) prefill, tiny-gpt2 (0.103M)", Row: 209, Unit: "×",
			Recomputed: ratio("tiny-gpt2", ortCPU)},
		report.Claim{What: "ONNX-CPU vs PyTorch prefill, gpt2 (124.4M)", Row: 210, Unit: "×",
			Recomputed: ratio("gpt2", ortCPU)},
		report.Claim{What: "TensorRT INT8 vs PyTorch prefill, tiny-gpt2", Row: 211, Unit: "×",
			Recomputed: ratio("tiny-gpt2", trt8)},
		report.Claim{What: "TensorRT INT8 vs PyTorch prefill, gpt2", Row: 212, Unit: "×",
			Recomputed: ratio("gpt2", trt8)},
		report.Claim{What: fmt.Sprintf("crossover fit: slope k of ln ratio on ln params (%d models)", x.fit.N), Row: 213,
			Recomputed: x.fit.B, Ours: fmt.Sprintf("95 %% t-CI [%s, %s]", report.F(x.fit.BInterval.Lo, 3), report.F(x.fit.BInterval.Hi, 3)),
			Note: fmt.Sprintf("R² %s on the log scale", report.F(x.fit.R2, 3))},
		report.Claim{What: "crossover fit: A0 = exp(intercept)", Row: 214, Recomputed: x.fit.A},
		report.Claim{What: "crossover: parameters where the fitted ratio is 1", Row: 215, Unit: "M params",
			Recomputed: x.fit.Crossing() / 1e6, Note: "the study's 95 % CI (56–120M) is a seeded numpy bootstrap, not recomputed"},
		report.Claim{What: "ONNX-CPU/PyTorch prefill ratio, gpt2-45m", Row: 216, Unit: "×", Recomputed: x.ratio("gpt2-45m")},
		report.Claim{What: "ONNX-CPU/PyTorch prefill ratio, gpt2-50m", Row: 217, Unit: "×", Recomputed: x.ratio("gpt2-50m")},
		report.Claim{What: "ONNX-CPU/PyTorch prefill ratio, gpt2-75m", Row: 218, Unit: "×", Recomputed: x.ratio("gpt2-75m")},
		report.Claim{What: "gpt2 TensorRT FP32 engine build time", Row: 219, Unit: "s",
			Recomputed: buildSeconds(s, "gpt2", "trt-fp32"), Reason: func(p float64) string {
				return fmt.Sprintf("the run's own metadata record the build at %s s, not %s", report.F(buildSeconds(s, "gpt2", "trt-fp32"), 1), report.F(p, 0))
			}},
		report.Claim{What: "gpt2 TensorRT INT8 engine build time", Row: 220, Unit: "s",
			Recomputed: buildSeconds(s, "gpt2", "trt-int8"), Reason: func(p float64) string {
				return fmt.Sprintf("the run's own metadata record the build at %s s, not %s", report.F(buildSeconds(s, "gpt2", "trt-int8"), 1), report.F(p, 0))
			}},
		report.Claim{What: "gpt2 baseline perplexity (torch.compile, WikiText-2)", Row: 221,
			Recomputed: perplexity(s, "gpt2", compile)},
	)
	slices.SortStableFunc(cs, func(a, b report.Claim) int { return a.Row - b.Row })
	return report.Cite(pub, cs)
}

func findings(pub studydata.Published, s *golden.Set) []report.Finding {
	deg, all := degradedRecords(s)
	worst, at := maxPerplexityDelta(s, "gpt2")
	num := func(row, i int) float64 {
		if n, err := pub.Number(row, i); err == nil {
			return n.Value
		}
		return math.NaN()
	}
	pubDegraded, pubRecords, pplBound := num(208, 0), num(208, 1), num(222, 0)
	return []report.Finding{
		{What: "degraded records of the deep run (excluded from the throughputs, counted)", Row: 208,
			Published: pub[208].Published, Recomputed: fmt.Sprintf("%d/%d", deg, all),
			Follows: float64(deg) == pubDegraded && float64(all) == pubRecords,
			Note:    "every TensorRT generate record, and TensorRT FP16 batch prefill"},
		{What: "gpt2 largest perplexity change against the baseline", Row: 222,
			Published: fmt.Sprintf("< %s %%", report.F(pplBound, 3)), Recomputed: report.F(worst, 4) + " % (" + at + ")",
			Follows: worst < pplBound, Note: "TensorRT FP16 has no perplexity: its run failed"},
	}
}

// fragment is the TR118 fragment of the baseline s: the claims, the
// padding, backend and crossover tables, and the prefill and crossover
// charts.
func fragment(in report.Input, s *golden.Set) report.Fragment {
	pub := in.Published
	var b strings.Builder
	b.WriteString("### TR118_v2.2: inference backends, prefill and generate (from testdata/baseline.bench)\n\n" +
		"The study ran tiny-gpt2 (0.1M parameters) and gpt2 (124M) through ONNX Runtime on the CPU and the GPU, TensorRT at three " +
		"precisions and torch.compile, prefill (one forward of a right-padded batch) and generate (8 greedy steps, each re-running the " +
		"whole padded forward: no KV cache), six scenarios × 5 repetitions, and the prefill of seven more sizes for a crossover fit. " +
		"A throughput below is the study's: the mean of each clean record's per-prompt rates, then over repetitions, then over the " +
		"scenarios that are not wholly degraded. Prefill rates count padding tokens as the study did (`padded-tok/s`).\n\n")
	b.WriteString(report.RowsTable(claims(pub, s), findings(pub, s)).Markdown())

	// Padding: what the study's prefill counted against what the prompts hold.
	b.WriteString("\n#### Padded against real tokens\n\n" +
		"Every record padded its prompts to the longest of the set (at least 8), and counted batch × padded length as its tokens. " +
		"Our benchmark reports both: `padded-tok/s`, to set against this baseline, and `prefill-tok/s` over the prompts' own tokens. " +
		"On the shortest prompts the study's count is mostly padding:\n\n")
	pt := report.Table{Header: []string{"scenario", "batch", "padded tokens per call", "real tokens per call (mean of the set's calls)", "padded / real"}, Align: "lrrrr"}
	for _, sc := range Scenarios() {
		real := (float64(sc.Call(0, Prefill).RealTokens()) + float64(sc.Call(1, Prefill).RealTokens())) / 2
		padded := float64(sc.Call(0, Prefill).PaddedTokens())
		pt.Rows = append(pt.Rows, []string{sc.Name, fmt.Sprint(sc.Batch), report.F(padded, 0), report.F(real, 1), report.F(padded/real, 2) + "×"})
	}
	b.WriteString(pt.Markdown())

	// Per backend, both models, both modes.
	b.WriteString("\n#### Every backend (study throughput, tok/s)\n\n")
	bt := report.Table{Header: []string{"backend", "tiny-gpt2 prefill", "tiny-gpt2 generate", "gpt2 prefill", "gpt2 generate"}, Align: "lrrrr"}
	for _, be := range studyBackends {
		row := []string{be}
		for _, model := range []string{"tiny-gpt2", "gpt2"} {
			for _, mode := range []string{"prefill", "generate"} {
				row = append(row, report.F(throughput(s, model, be, mode), 0))
			}
		}
		bt.Rows = append(bt.Rows, row)
	}
	b.WriteString(bt.Markdown())
	b.WriteString("\nn/a: every record degraded (TensorRT generate: profile mismatches and `cuMemcpyHtoDAsync` errors). " +
		"The study's \"onnxruntime-gpu\" needs its provider checked: our harness records the provider that ran each call and " +
		"refuses a silent CPU fallback.\n")

	x := crossoverFit(s)
	fmt.Fprintf(&b, "\n#### The crossover fit\n\nln(ONNX-CPU / torch.compile prefill rate) against ln(parameters), %d models, ordinary least squares: "+
		"ratio = %s · params^%s (slope 95 %% t-CI [%s, %s], R² %s); the ratio crosses 1 at %sM parameters.\n\n",
		x.fit.N, report.F(x.fit.A, 1), report.F(x.fit.B, 3), report.F(x.fit.BInterval.Lo, 3), report.F(x.fit.BInterval.Hi, 3),
		report.F(x.fit.R2, 3), report.F(x.fit.Crossing()/1e6, 1))
	xt := report.Table{Header: []string{"model", "parameters", "ONNX-CPU prefill tok/s", "torch.compile prefill tok/s", "ratio", "fitted ratio"}, Align: "lrrrrr"}
	// On a log axis the fit is the line it is, and 0 is equal speed.
	// Both axes log: the power law is a straight line, 1× its midline.
	ratioChart := report.Chart{Title: "TR118 ONNX Runtime CPU / torch.compile prefill rate against parameters (log-log, power-law fit with its 95 % band)",
		XLabel: "parameters", YLabel: "prefill rate ratio (×)", Kind: report.Dots, LogX: true, LogY: true,
		Refs:  []report.Ref{{Value: 1, Label: "1×: equal speed (above: ONNX Runtime CPU faster)"}},
		XRefs: []report.Ref{{Value: x.fit.Crossing(), Label: "the fit crosses 1× at " + report.F(x.fit.Crossing()/1e6, 1) + "M parameters"}}}
	var measured []report.Estimate
	for i, m := range x.models {
		xt.Rows = append(xt.Rows, []string{m, report.F(x.params[i]/1e6, 3) + "M",
			report.F(throughput(s, m, ortCPU, "prefill"), 0), report.F(throughput(s, m, compile, "prefill"), 0),
			report.F(x.ratios[i], 2), report.F(x.fit.At(x.params[i]), 2)})
		measured = append(measured, report.Estimate{Value: x.ratios[i], Lo: math.NaN(), Hi: math.NaN()})
	}
	ratioChart.Series = []report.Series{{Name: "measured (one run per model)", X: x.params, Estimates: measured, Fit: true}}
	b.WriteString(xt.Markdown())
	b.WriteString("\nA ratio is one run per model: several crossover models were re-run and the fit uses one run of each " +
		"(`used_in_report`, the only runs in the baseline); the data pack's context check finds other ratios in the other runs " +
		"(gpt2-25m: 1.80 and 2.49 against 1.58), so the crossover's position is less certain than its interval says.\n")

	fmt.Fprintf(&b, "\nCompare a CPU run of ours with the study's ONNX Runtime CPU prefill (one table although the config lines differ):\n\n"+
		"    go test -run '^$' -bench 'TR118/provider=cpu/.*/.*/mode=prefill' -count 5 ./tr118 > new.txt\n"+
		"    go tool benchstat -table '' -filter '(/backend:onnxruntime-cpu OR /provider:cpu) .unit:padded-tok/s' \\\n"+
		"        -ignore /rep,/params,/backend,/provider,/gomaxprocs tr118/testdata/baseline.bench new.txt\n")

	// The backends differ by orders of magnitude: a log axis shows them all.
	thr := report.Chart{Title: "TR118 prefill throughput by backend (study: padded tokens, batch × padded length per second)", YLabel: "padded tok/s (log)",
		Categories: studyBackends, Kind: report.Dots, LogY: true}
	for _, model := range []string{"tiny-gpt2", "gpt2"} {
		var es []report.Estimate
		for _, be := range studyBackends {
			es = append(es, report.Estimate{Value: throughput(s, model, be, "prefill"), Lo: math.NaN(), Hi: math.NaN()})
		}
		thr.Series = append(thr.Series, report.Series{Name: model, Estimates: es})
	}
	charts := []report.NamedChart{
		{Name: "prefill.svg", Chart: thr, Caption: "The study's prefill throughput per backend for tiny-gpt2 and gpt2, in padded tokens (batch × padded length) per second on a log axis, one run each (hollow: no interval): on a log axis the slowest backend stays readable beside one that runs sixty times faster."},
		{Name: "crossover.svg", Chart: ratioChart, Caption: "ONNX Runtime CPU's prefill rate over torch.compile's against model parameters, both on log axes, one run per model, with the power-law fit and its 95 % band: above the 1× line ONNX Runtime CPU is faster, and the dotted line marks the size where the fit crosses it."},
	}
	b.WriteString(report.ChartSection("####", charts))
	return report.Fragment{Markdown: b.String(), Charts: charts}
}
