package tr121

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// The study's modes: a call's projection (run_scaling.py project_mode).
const (
	prefill = "prefill"
	decode  = "kv_decode"
	e2e     = "e2e_kv"
)

// studyLatency is a study call's latency in mode, in ms: prefill_ms, the
// decode projected to gen tokens (gen / tok/s; as measured for Hugging
// Face, whose calls decoded gen), or their sum.
func studyLatency(mode string) func(golden.Row) (float64, bool) {
	return func(r golden.Row) (float64, bool) {
		p, ok1 := r.Values["prefill-ns"]
		rate, ok2 := r.Values["tok/s"]
		if !ok1 || !ok2 {
			return 0, false
		}
		var gen float64
		fmt.Sscan(r.Keys["gen"], &gen)
		d := gen / rate * 1e3
		switch mode {
		case prefill:
			return p / 1e6, true
		case decode:
			return d, true
		}
		return p/1e6 + d, true
	}
}

// studyE2ERate is a call's end-to-end tokens per second: prompt and
// projected generated tokens over prefill and projected decode.
func studyE2ERate(r golden.Row) (float64, bool) {
	lat, ok := studyLatency(e2e)(r)
	if !ok {
		return 0, false
	}
	var gen float64
	fmt.Sscan(r.Keys["gen"], &gen)
	return (r.Values["prompt-tok"] + gen) / (lat / 1e3), true
}

// studyPoints are the study's per-model aggregates of backend in mode.
func studyPoints(s *golden.Set, backend string, f func(golden.Row) (float64, bool), where ...string) []Point {
	return Points(Samples(s, f, append([]string{"backend=" + backend, "start=warm"}, where...)...))
}

func point(s *golden.Set, backend, model string, f func(golden.Row) (float64, bool)) float64 {
	ps := studyPoints(s, backend, f, "model="+model)
	if len(ps) != 1 {
		return math.NaN()
	}
	return ps[0].Latency
}

// maxWarmupRatio is the largest warm-up prefill over the measured median
// prefill of the same model and scenario, for backend, and where.
func maxWarmupRatio(s *golden.Set, backend string) (float64, string) {
	worst, at := 0.0, ""
	for _, m := range s.KeyValues("model", "backend="+backend) {
		for _, sc := range s.KeyValues("scenario", "backend="+backend, "model="+m) {
			where := []string{"backend=" + backend, "model=" + m, "scenario=" + sc}
			warm := s.Values("prefill-ns", append(where, "start=warm")...)
			up := s.Values("prefill-ns", append(where, "start=warmup")...)
			if len(up) == 0 || len(warm) == 0 {
				continue
			}
			if r := up[0] / stats.Median(warm); r > worst {
				worst, at = r, m+" "+sc
			}
		}
	}
	return worst, at
}

// fits are the published fits of TR121v1: each row holds the slope, the
// next the fit's R².
var fits = []struct {
	row           int
	backend, mode string
}{
	{276, "hf_cpu_fp32", e2e},
	{278, "hf_gpu_fp16", e2e},
	{280, "ollama", e2e},
	{282, "ollama", prefill},
	{284, "hf_cpu_fp32", prefill},
}

// ollamaRows are the published Ollama points: e2e latency, e2e tokens/s
// and decode ms per token in three rows from row.
var ollamaRows = []struct {
	row   int
	model string
}{
	{286, "gemma3:270m"}, {289, "gemma3:1b-it-qat"}, {292, "qwen2.5:7b"}, {295, "llama3.1:8b-instruct-q4_0"}, {298, "gpt-oss-20b:latest"},
}

const monthlyTokens = 1e9

// onDemand is the cloud price of the study's shadow costs, as #301 states
// it ("($1.006/h)"); NaN if it states none.
func onDemand(pub studydata.Published) float64 {
	m := regexp.MustCompile(`\$(\d+(?:\.\d+)?)/h`).FindStringSubmatch(pub[301].Claim)
	if m == nil {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// shadowDollars is the study's "shadow" $/1M tokens at rate tok/s and
// usdPerH.
func shadowDollars(rate, usdPerH float64) float64 { return 1e6 / rate / 3600 * usdPerH }

func claims(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	for _, f := range fits {
		slopeDec := 3 // the published slope's decimals
		if n, err := pub.Number(f.row, 0); err == nil {
			slopeDec = n.Decimals
		}
		ps := studyPoints(s, f.backend, studyLatency(f.mode))
		fit := Fit(ps)
		ci := fmt.Sprintf("95 %% t-CI [%s, %s]", report.F(fit.BInterval.Lo, slopeDec), report.F(fit.BInterval.Hi, slopeDec))
		note := "the study's CI is a seeded numpy bootstrap, not recomputed"
		if f.backend == "ollama" && f.mode == prefill {
			note += "; its repeated prompts may have been served partly from Ollama's prompt cache, as ours were until we flushed it"
		}
		cs = append(cs,
			report.Claim{What: fmt.Sprintf("%s %s scaling slope (n = %d models)", f.backend, f.mode, fit.N), Row: f.row,
				Recomputed: fit.B, Ours: ci, Note: note},
			report.Claim{What: fmt.Sprintf("%s %s fit R² (log scale)", f.backend, f.mode), Row: f.row + 1,
				Recomputed: fit.R2})
	}
	e2eRate := map[string]float64{}
	for _, o := range ollamaRows {
		e2eRate[o.model] = point(s, "ollama", o.model, studyE2ERate)
		cs = append(cs,
			report.Claim{What: "Ollama " + o.model + " e2e latency (scenario geomean of medians)", Row: o.row, Unit: "ms",
				Recomputed: point(s, "ollama", o.model, studyLatency(e2e))},
			report.Claim{What: "Ollama " + o.model + " e2e tokens/s", Row: o.row + 1, Unit: "tok/s",
				Recomputed: e2eRate[o.model], Note: "prompt and generated tokens over prefill and decode"},
			report.Claim{What: "Ollama " + o.model + " decode ms per token", Row: o.row + 2, Unit: "ms",
				Recomputed: point(s, "ollama", o.model, studyLatency(decode)) / GenTokens})
	}
	wGPU, atGPU := maxWarmupRatio(s, "hf_gpu_fp16")
	wOll, atOll := maxWarmupRatio(s, "ollama")
	wCPU, atCPU := maxWarmupRatio(s, "hf_cpu_fp32")
	cs = append(cs,
		report.Claim{What: fmt.Sprintf("shadow $/1M tokens, gpt-oss-20b ($%.3f/h)", onDemand(pub)), Row: 301, Unit: "$",
			Recomputed: shadowDollars(e2eRate["gpt-oss-20b:latest"], onDemand(pub))},
		report.Claim{What: "shadow $/1M tokens, qwen2.5:7b", Row: 302, Unit: "$",
			Recomputed: shadowDollars(e2eRate["qwen2.5:7b"], onDemand(pub))},
		report.Claim{What: "shadow $/1M tokens, gemma3:270m", Row: 303, Unit: "$",
			Recomputed: shadowDollars(e2eRate["gemma3:270m"], onDemand(pub))},
		report.Claim{What: "workers for 1B tokens a month, gpt-oss-20b", Row: 304,
			Recomputed: monthlyTokens / (30 * 86400) / e2eRate["gpt-oss-20b:latest"], Note: "at its e2e tokens/s, around the clock"},
		report.Claim{What: "hf_gpu_fp16 gpt2-100m e2e latency", Row: 305, Unit: "ms",
			Recomputed: point(s, "hf_gpu_fp16", "gpt2-100m", studyLatency(e2e))},
		report.Claim{What: "hf_gpu_fp16 gpt2-100m e2e tokens/s", Row: 306, Unit: "tok/s",
			Recomputed: point(s, "hf_gpu_fp16", "gpt2-100m", studyE2ERate)},
		report.Claim{What: "hf_cpu_fp32 gpt2-100m e2e latency", Row: 307, Unit: "ms",
			Recomputed: point(s, "hf_cpu_fp32", "gpt2-100m", studyLatency(e2e))},
		report.Claim{What: "hf_cpu_fp32 gpt2-100m e2e tokens/s", Row: 308, Unit: "tok/s",
			Recomputed: point(s, "hf_cpu_fp32", "gpt2-100m", studyE2ERate)},
		report.Claim{What: "largest warm-up / measured median prefill, hf_gpu_fp16", Row: 309, Unit: "×",
			Recomputed: wGPU, Note: atGPU},
		report.Claim{What: "largest warm-up / measured median prefill, ollama", Row: 310, Unit: "×",
			Recomputed: wOll, Note: atOll},
		report.Claim{What: "largest warm-up / measured median prefill, hf_cpu_fp32", Row: 311, Unit: "×",
			Recomputed: wCPU, Note: atCPU},
	)
	return report.Cite(pub, cs)
}

// A family is one backend's models in a set, as the fits see them.
type family struct {
	label, backend string
	set            *golden.Set
	where          []string
	latency        func(mode string) func(golden.Row) (float64, bool)
}

// oursLatency is a call of our run's latency in mode, in ms: its prefill,
// its decode, or their sum (the study's e2e_kv: both phases, without the
// call's other work).
func oursLatency(mode string) func(golden.Row) (float64, bool) {
	return func(r golden.Row) (float64, bool) {
		p, ok1 := r.Values["prefill-ns"]
		d, ok2 := r.Values["decode-ns"]
		if !ok1 || !ok2 {
			return 0, false
		}
		switch mode {
		case prefill:
			return p / 1e6, true
		case decode:
			return d / 1e6, true
		}
		return (p + d) / 1e6, true
	}
}

// fragment is the TR121 fragment of the study's baseline and in.Runs, a
// run of ours (BenchmarkTR121's sub-benchmarks; the golden's is
// testdata/cpu.bench); with no run, the study's families alone.
func fragment(in report.Input, study *golden.Set) report.Fragment {
	pub, run := in.Published, in.Run()
	var b strings.Builder
	b.WriteString("### TR121v1: latency against model size (from " + report.From(run, "testdata/baseline.bench") + ")\n\n" +
		"The study timed prefill and a 64-token KV-cached decode of three prompts (micro, short, medium), three calls each after a " +
		"warm-up, for seven GPT-2 sizes on Hugging Face (CPU FP32, GPU FP16) and five Ollama models, took the median per scenario, " +
		"the geometric mean over scenarios, and fitted log10 latency on log10 parameters by least squares. Ollama's decode is " +
		"projected to 64 tokens from the calls that stopped early, as the study did. Every TR121v1 number of PUBLISHED.md follows " +
		"from the calls; the slopes' intervals below are ours (t distribution, n − 2 degrees of freedom).\n\n")
	b.WriteString(report.RowsTable(claims(pub, study), nil).Markdown())

	families := []family{
		{"study: Ollama (5 real models, GPU)", "ollama", study, []string{"backend=ollama", "start=warm"}, studyLatency},
		{"study: Hugging Face CPU FP32", "hf_cpu_fp32", study, []string{"backend=hf_cpu_fp32", "start=warm"}, studyLatency},
		{"study: Hugging Face GPU FP16", "hf_gpu_fp16", study, []string{"backend=hf_gpu_fp16", "start=warm"}, studyLatency},
	}
	b.WriteString("\n#### Fitted exponents: latency = a · params^b\n\n")
	if run != nil {
		families = append(families,
			family{"ours: Ollama, synthetic GGUF (CPU)", Ollama, run, []string{"backend=" + Ollama}, oursLatency},
			family{"ours: ONNX Runtime CPU, synthetic GPT-2", ONNXCPU, run, []string{"backend=" + ONNXCPU}, oursLatency})
		b.WriteString("Our families (" + report.RunName(run) + "): Ollama serving synthetic llama-family GGUF models " +
			"(internal/synth) and ONNX Runtime's CPU provider running synthetic GPT-2 decoders (internal/onnxsynth). Each of our " +
			"calls is one row of -count; a model's point is the same median-then-geometric-mean as the study's. An interval from two " +
			"models does not exist (n/a).\n\n")
	}
	ft := report.Table{Header: []string{"family", "models (params, M)", "prefill b [95 % CI]", "decode b [95 % CI]", "prefill + decode b [95 % CI]", "R² (prefill + decode)"}, Align: "llrrrr"}
	e2eFit := map[string]stats.PowerLaw{}
	for _, f := range families {
		row := []string{f.label, ""}
		var r2 float64
		for i, mode := range []string{prefill, decode, e2e} {
			ps := Points(Samples(f.set, f.latency(mode), f.where...))
			if i == 0 {
				var sizes []string
				for _, p := range ps {
					sizes = append(sizes, report.Upto(p.Params, 3))
				}
				row[1] = strings.Join(sizes, ", ")
			}
			fit := Fit(ps)
			row = append(row, fmt.Sprintf("%s [%s, %s]", report.F(fit.B, 3), report.F(fit.BInterval.Lo, 3), report.F(fit.BInterval.Hi, 3)))
			r2 = fit.R2
			if mode == e2e {
				e2eFit[f.label] = fit
			}
		}
		ft.Rows = append(ft.Rows, append(row, report.F(r2, 3)))
	}
	b.WriteString(ft.Markdown())
	if run != nil {
		oursExponents(&b, families, e2eFit)
	}

	// How a call's time splits.
	b.WriteString("\n#### Where end-to-end time goes: prefill against decode\n\n" +
		"Each model's point for prefill and for the 64-token decode, and prefill's share of their sum:\n\n")
	st := report.Table{Header: []string{"family", "model", "params, M", "prefill ms", "decode ms", "prefill share"}, Align: "llrrrr"}
	// Latency against parameters on log-log axes: a power law is a line,
	// its slope the family's exponent.
	whose := "the study's"
	if run != nil {
		whose = "the study's and ours"
	}
	e2eChart := report.Chart{Title: "TR121 latency of a call (prefill + 64-token decode) against parameters, each family's power-law fit",
		XLabel: "parameters, M", YLabel: "ms per call", Kind: report.Dots, LogX: true, LogY: true}
	for _, f := range families {
		s := report.Series{Name: f.label, Fit: true}
		for _, p := range Points(Samples(f.set, f.latency(e2e), f.where...)) {
			s.X = append(s.X, p.Params)
			s.Estimates = append(s.Estimates, report.Estimate{Value: p.Latency, Lo: math.NaN(), Hi: math.NaN()})
		}
		e2eChart.Series = append(e2eChart.Series, s)
	}
	charts := []report.NamedChart{{Name: "latency.svg", Chart: e2eChart,
		Caption: "The latency of one call (prefill and a 64-token decode) against parameters on log-log axes, one series per family, " + whose +
			", each with its power-law fit and 95 % band: a line's slope is the family's exponent b, so parallel lines scale alike whatever their height."}}
	var shares []float64
	for _, f := range families {
		pre := Points(Samples(f.set, f.latency(prefill), f.where...))
		dec := Points(Samples(f.set, f.latency(decode), f.where...))
		ch := report.Chart{Title: "TR121 " + f.label + ": prefill and decode per call against parameters (log-log)",
			XLabel: "parameters, M", YLabel: "ms per call", Kind: report.Dots, LogX: true, LogY: true}
		var pe, de []report.Estimate
		var xs []float64
		for i := range pre {
			share := pre[i].Latency / (pre[i].Latency + dec[i].Latency) * 100
			shares = append(shares, share)
			st.Rows = append(st.Rows, []string{f.label, pre[i].Model, report.Upto(pre[i].Params, 3), report.F(pre[i].Latency, 2), report.F(dec[i].Latency, 2), report.F(share, 1) + " %"})
			xs = append(xs, pre[i].Params)
			pe = append(pe, report.Estimate{Value: pre[i].Latency, Lo: math.NaN(), Hi: math.NaN()})
			de = append(de, report.Estimate{Value: dec[i].Latency, Lo: math.NaN(), Hi: math.NaN()})
		}
		ch.Series = []report.Series{{Name: "prefill", X: xs, Estimates: pe, Fit: true}, {Name: "decode (64 tokens)", X: xs, Estimates: de, Fit: true}}
		if f.set == run {
			charts = append(charts, report.NamedChart{Name: "split-" + f.backend + ".svg", Chart: ch,
				Caption: "Prefill and a 64-token decode per call of " + strings.TrimPrefix(f.label, "ours: ") + " against parameters on log-log axes, one point per model (no interval) with each phase's power-law fit and its 95 % band: the vertical gap between the lines is how many times a call's decode outlasts its prefill."})
		}
	}
	b.WriteString(st.Markdown())
	fmt.Fprintf(&b, "\nIn every family, study's and ours, prefill is %s–%s %% of a call of 64 generated tokens: end-to-end time is "+
		"decode time, and a model's decode rate is what its size costs.\n", report.F(stats.Min(shares), 1), report.F(stats.Max(shares), 1))
	b.WriteString("\ntestdata/cpu.bench ran as below (one thread per backend: the two cores were shared with other jobs, and two " +
		"threads contending with them made Ollama's decode collapse); compare a run of yours with it:\n\n" +
		"    CHIMERA_NUM_THREAD=1 CHIMERA_ONNX_THREADS=1 \\\n" +
		"    CHIMERA_MODELS=synth:llama3.1-tiny,synth:llama3.1-small,synth:llama3.1-medium,synth:llama3.1-large \\\n" +
		"    CHIMERA_ONNX_MODELS=tiny-gpt2,gpt2-5m,gpt2-11m,gpt2-25m,gpt2-45m,gpt2-50m,gpt2-75m,gpt2-100m,gpt2 \\\n" +
		"        go test -run '^$' -bench . -benchtime 1x -count 3 -timeout 1h ./tr121 > new.txt\n" +
		"    go tool benchstat -table '' -ignore /gomaxprocs tr121/testdata/cpu.bench new.txt\n")
	b.WriteString(report.ChartSection("####", charts))
	return report.Fragment{Markdown: b.String(), Charts: charts}
}

// oursExponents sets our families' end-to-end exponents (e2eFit, by
// family label) against the study's Ollama one.
func oursExponents(b *strings.Builder, families []family, e2eFit map[string]stats.PowerLaw) {
	b.WriteString("\nThe study's Ollama exponent spans 268M to 20.9B parameters of five architectures and quantisations (a 4-bit 8B " +
		"beside a 16-bit 270M) on a GPU. Ours span one architecture's synthetic 16- and 32-bit sizes, each backend on one CPU " +
		"thread, where decoding a token reads every weight once:")
	for _, f := range families[3:] {
		fit := e2eFit[f.label]
		how := "sub-linear: fixed costs per step weigh most on the small models"
		if fit.BInterval.Lo <= 1 && fit.BInterval.Hi >= 1 {
			how = "latency proportional to parameters, within the interval"
		} else if fit.BInterval.Lo > 1 {
			how = "super-linear"
		}
		fmt.Fprintf(b, " %s, b = %s [%s, %s] (%s);", strings.TrimPrefix(f.label, "ours: "), report.F(fit.B, 3),
			report.F(fit.BInterval.Lo, 3), report.F(fit.BInterval.Hi, 3), how)
	}
	fmt.Fprintf(b, " against the study's %s. An exponent is a property of a family on a machine, not of a backend.\n",
		report.F(e2eFit[families[0].label].B, 3))
}
