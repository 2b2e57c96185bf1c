package tr119

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

const (
	// The request mix of #242.
	requestPromptTok, requestGenTok = 256, 128
	// telemetryInterval is the study's NVML/RAPL poll period (matrix.yaml).
	telemetryMS = 250
)

// totals are #223-#232: total $/1M tokens on demand, the study's
// instance price plus electricity, by mode and backend.
var totals = []struct {
	row           int
	mode, backend string
}{
	{223, "prefill", "onnxruntime-gpu"},
	{224, "prefill", "transformers-gpu-compile"},
	{225, "prefill", "transformers-gpu"},
	{226, "prefill", "onnxruntime-cpu"},
	{227, "prefill", "transformers-cpu"},
	{228, "generate", "onnxruntime-gpu"},
	{229, "generate", "transformers-gpu-compile"},
	{230, "generate", "transformers-gpu"},
	{231, "generate", "onnxruntime-cpu"},
	{232, "generate", "transformers-cpu"},
}

// hourly is the instance price a PUBLISHED.md claim states ("on-demand
// $1.006/h"), NaN if it states none.
func hourly(pub studydata.Published, row int) float64 {
	m := regexp.MustCompile(`\$(\d+(?:\.\d+)?)/h`).FindStringSubmatch(pub[row].Claim)
	if m == nil {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// backends and modes in the order the report ranks them.
var (
	backends = []string{"onnxruntime-gpu", "transformers-gpu-compile", "transformers-gpu", "onnxruntime-cpu", "transformers-cpu"}
	modes    = []string{"prefill", "generate"}
)

// gpuBackend reports whether the study charged backend its GPU's power:
// the CPU package's for a name with cpu and not gpu.
func gpuBackend(backend string) bool {
	return !strings.Contains(backend, "cpu") || strings.Contains(backend, "gpu")
}

// A cell is one backend × mode × scenario of the analysed files: the
// study's throughput, charged power and latency, each the mean over the
// scenario's repetitions (records).
type cell struct {
	scenario          string
	thr, watts, latMS float64
}

// Per-cell quantities with the study's formulas (data pack README, TR119).
func (c cell) jPerTok() float64                 { return c.watts / c.thr }
func (c cell) kWh() float64                     { return kWhPerMtok(c.jPerTok()) }
func (c cell) instance(usdPerH float64) float64 { return instanceUSDPerMtok(c.thr, usdPerH) }
func (c cell) energyUSD() float64               { return c.kWh() * StudyUSDPerKWh }
func (c cell) total(usdPerH float64) float64    { return c.instance(usdPerH) + c.energyUSD() }

// A power record is one record's telemetry: the GPU's mean power and
// utilisation over its readings, the CPU package's where read, and the
// timed work (its samples' summed latency).
type powerRecord struct {
	readings      string
	gpuW, utilPct float64
	cpuW          float64
	hasCPU        bool
	workMS        float64
}

// study is the baseline seen as the published analysis saw it.
type study struct {
	pub                   studydata.Published
	onDemand, spot, azure float64                     // $/h, as #223, #233 and #235 state them
	runs                  map[string]string           // mode → the raw file analysed (the latest)
	cells                 map[[2]string][]cell        // backend, mode → cells in scenario order
	power                 map[[2]string][]powerRecord // backend, mode → analysed records
	records               int                         // analysed records
	all                   int                         // all records, re-runs included
	reruns                map[string][]string         // mode → the files not analysed
	rerunPrefill          map[string][]float64        // run → onnxruntime-gpu prefill throughput per scenario
}

func newStudy(pub studydata.Published, s *golden.Set) *study {
	st := &study{pub: pub, onDemand: hourly(pub, 223), spot: hourly(pub, 233), azure: hourly(pub, 235), runs: map[string]string{}, cells: map[[2]string][]cell{}, power: map[[2]string][]powerRecord{},
		reruns: map[string][]string{}, rerunPrefill: map[string][]float64{}}
	rows := s.Rows("TR119")
	st.all = len(rows)
	for _, r := range rows {
		if m, run := r.Keys["mode"], r.Keys["run"]; run > st.runs[m] {
			st.runs[m] = run
		}
	}
	for _, m := range modes {
		for _, run := range s.KeyValues("run", "TR119", "mode="+m) {
			if run != st.runs[m] {
				st.reruns[m] = append(st.reruns[m], run)
			}
		}
	}
	work := map[string][]float64{} // record key (name) → work of each repetition, in order
	for _, res := range s.Results {
		if name := res.Name.String(); strings.HasPrefix(name, "TR119/") {
			for _, v := range res.Values {
				if v.OrigUnit == "e2e-ns" {
					work[name] = append(work[name], float64(res.Iters)*v.OrigValue/1e6)
				}
			}
		}
	}
	for _, b := range backends {
		for _, m := range modes {
			where := []string{"TR119", "backend=" + b, "mode=" + m, "run=" + st.runs[m]}
			for _, sc := range s.KeyValues("scenario", where...) {
				w := append(slices.Clone(where), "scenario="+sc)
				st.cells[[2]string{b, m}] = append(st.cells[[2]string{b, m}], cell{
					scenario: sc,
					thr:      stats.Mean(s.Values("tok/s", w...)),
					watts:    stats.Mean(s.Values("W", w...)),
					latMS:    stats.Mean(s.Values("e2e-ns", w...)) / 1e6,
				})
				st.records += len(s.Values("tok/s", w...))
			}
			// Each record's GPU line is followed by its CPU line, if any.
			seen := map[string]int{}
			k := [2]string{b, m}
			for _, r := range s.Rows("TR119Power", "backend="+b, "mode="+m, "run="+st.runs[m]) {
				if r.Keys["device"] == "cpu" {
					last := &st.power[k][len(st.power[k])-1]
					last.cpuW, last.hasCPU = r.Values["W"], true
					continue
				}
				name := fmt.Sprintf("TR119/backend=%s/mode=%s/scenario=%s/run=%s", b, m, r.Keys["scenario"], st.runs[m])
				st.power[k] = append(st.power[k], powerRecord{readings: r.Keys["readings"], gpuW: r.Values["W"], utilPct: r.Values["gpu-util-%"],
					workMS: work[name][seen[name]]})
				seen[name]++
			}
		}
	}
	for _, run := range st.reruns["prefill"] {
		for _, sc := range s.KeyValues("scenario", "TR119", "mode=prefill", "run="+run) {
			st.rerunPrefill[run] = append(st.rerunPrefill[run], stats.Mean(s.Values("tok/s", "TR119", "backend=onnxruntime-gpu", "mode=prefill", "scenario="+sc, "run="+run)))
		}
	}
	return st
}

// over is the backend headline: the mean over scenarios of f.
func (st *study) over(backend, mode string, f func(cell) float64) float64 {
	return stats.Mean(st.perScenario(backend, mode, f))
}

// perScenario is f of each scenario's cell.
func (st *study) perScenario(backend, mode string, f func(cell) float64) []float64 {
	var xs []float64
	for _, c := range st.cells[[2]string{backend, mode}] {
		xs = append(xs, f(c))
	}
	return xs
}

// requestUSD is #242: one request of 256 prompt and 128 generated tokens
// on backend, with the study's backend means over scenarios.
func (st *study) requestUSD(backend string) float64 {
	thrP, thrG := st.over(backend, "prefill", func(c cell) float64 { return c.thr }), st.over(backend, "generate", func(c cell) float64 { return c.thr })
	wP, wG := st.over(backend, "prefill", func(c cell) float64 { return c.watts }), st.over(backend, "generate", func(c cell) float64 { return c.watts })
	tP, tG := requestPromptTok/thrP, requestGenTok/thrG
	return (tP+tG)/3600*st.onDemand + (wP*tP+wG*tG)/3.6e6*StudyUSDPerKWh
}

func claims(st *study) []report.Claim {
	const ort = "onnxruntime-gpu"
	var cs []report.Claim
	for _, p := range totals {
		d := 4 // one more than the published decimals, below
		if n, err := st.pub.Number(p.row, 0); err == nil {
			d = n.Decimals + 1
		}
		cs = append(cs, report.Claim{
			What: fmt.Sprintf("%s %s, total $/1M tokens on demand ($%.3f/h)", p.backend, p.mode, st.onDemand), Row: p.row,
			Unit:       "$/Mtok",
			Recomputed: st.over(p.backend, p.mode, func(c cell) float64 { return c.total(st.onDemand) }),
			N:          len(st.cells[[2]string{p.backend, p.mode}]),
			Ours:       "instance only: $" + report.F(st.over(p.backend, p.mode, func(c cell) float64 { return c.instance(st.onDemand) }), d),
			Note:       "the study adds electricity to an hourly price that already includes it" + map[bool]string{true: "", false: "; a CPU backend priced at the GPU instance's rate"}[gpuBackend(p.backend)],
		})
	}
	spot := st.over(ort, "prefill", func(c cell) float64 { return c.total(st.spot) })
	onDemand := st.over(ort, "prefill", func(c cell) float64 { return c.total(st.onDemand) })
	var latencies []report.Group
	for _, b := range backends {
		latencies = append(latencies, report.Group{Key: b, Value: st.over(b, "prefill", func(c cell) float64 { return c.latMS })})
	}
	best := report.Lowest(latencies)
	gpuCPU := st.meanPower(ort, "prefill")
	nORT := len(st.cells[[2]string{ort, "prefill"}]) // scenarios a mean over them is over
	cs = append(cs,
		report.Claim{What: fmt.Sprintf("onnxruntime-gpu prefill on spot ($%.3f/h)", st.spot), Row: 233, Unit: "$/Mtok",
			Recomputed: spot, N: nORT, Ours: "instance only: " + report.F(st.over(ort, "prefill", func(c cell) float64 { return c.instance(st.spot) }), 6) + " $/Mtok"},
		report.Claim{What: "spot savings against on demand", Row: 234, Unit: "%",
			Recomputed: 100 * (1 - spot/onDemand), Note: "1 − spot/on-demand; the price ratio alone gives " + report.F(100*(1-st.spot/st.onDemand), 2) + " %"},
		report.Claim{What: fmt.Sprintf("onnxruntime-gpu prefill on Azure NC T4 v3 ($%.2f/h)", st.azure), Row: 235, Unit: "$/Mtok",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return c.total(st.azure) }), N: nORT},
		report.Claim{What: "onnxruntime-gpu prefill throughput", Row: 236, Unit: "tok/s",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return c.thr }), N: nORT, Note: "padded tokens (batch × padded length) per second of one forward"},
		report.Claim{What: "onnxruntime-gpu prefill mean GPU power", Row: 237, Unit: "W",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return c.watts }), N: nORT,
			Ours: fmt.Sprintf("GPU + CPU package: %s W", report.F(gpuCPU, 1)),
			Note: "one reading per record, the same whether the GPU was busy or idle at it (below): idle power, not the work's"},
		report.Claim{What: "onnxruntime-gpu prefill energy efficiency", Row: 238, Unit: "tok/kWh",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return 1e6 / c.kWh() }), N: nORT, Note: "mean over scenarios of 1e6 / kWh per 1M; 1e6 / the mean kWh gives " +
				report.F(1e6/st.over(ort, "prefill", cell.kWh), 0)},
		report.Claim{What: "onnxruntime-gpu prefill emissions", Row: 239, Unit: "gCO2e/1M",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return c.kWh() * StudyGCO2ePerKWh }), N: nORT, Note: "at 500 gCO2e/kWh"},
		report.Claim{What: "onnxruntime-gpu prefill energy per 1M tokens", Row: 240, Unit: "kWh",
			Recomputed: st.over(ort, "prefill", func(c cell) float64 { return c.kWh() }), N: nORT},
		report.Claim{What: "best-latency backend (prefill), mean latency", Row: 241, Unit: "ms",
			Recomputed: best.Value, N: len(st.cells[[2]string{best.Key, "prefill"}]), Note: "lowest of the five: " + best.Key},
		report.Claim{What: "onnxruntime-gpu cost of one request (256 prompt + 128 generated tokens)", Row: 242, Unit: "$",
			Recomputed: st.requestUSD(ort)},
	)
	return report.Cite(st.pub, cs)
}

// meanPower is the mean over the analysed records of the GPU's and the CPU
// package's power together: what both devices drew.
func (st *study) meanPower(backend, mode string) float64 {
	var xs []float64
	for _, p := range st.power[[2]string{backend, mode}] {
		if p.hasCPU {
			xs = append(xs, p.gpuW+p.cpuW)
		}
	}
	return stats.Mean(xs)
}

func findings(st *study) []report.Finding {
	degraded := 0 // studydata.TR119 refuses degraded records: none reached the baseline
	return []report.Finding{{
		What: "records analysed / degraded", Row: 243, Published: st.pub[243].Published,
		Recomputed: fmt.Sprintf("%d / %d", st.records, degraded), Follows: slices.Equal(studydata.Numbers(st.pub[243].Published),
			[]studydata.Number{{Value: float64(st.records)}, {Value: float64(degraded)}}),
		Note: fmt.Sprintf("the latest raw file of each mode; the %d records of %d earlier files were not analysed",
			st.all-st.records, len(st.reruns["prefill"])+len(st.reruns["generate"])),
	}}
}

// render is the fragment of the study alone (our benchmark measures
// Ollama, not the study's backends, so a run adds nothing to it): the
// claims, the costs per backend, the price table, the power readings and
// the re-runs, and the cost and power charts.
var render = report.StudyRender("tr119", func(in report.Input, s *golden.Set) report.Fragment {
	return reportFragment(newStudy(in.Published, s))
})

// reportClaims are the 21 TR119 rows recomputed from the input's
// baseline: the numbers as claims, #243's record count as a finding.
var reportClaims = report.StudyClaims("tr119", func(in report.Input, s *golden.Set) report.Claims {
	st := newStudy(in.Published, s)
	return report.Claims{Numbers: claims(st), Findings: findings(st)}
})

func reportFragment(st *study) report.Fragment {
	var b strings.Builder
	b.WriteString("### TR119: cost and energy per million tokens (from testdata/baseline.bench)\n\n")
	fmt.Fprintf(&b, "gpt2 on five backends, prefill (one forward of the padded prompt) and generate (an uncached greedy loop of up to "+
		"8 steps), five scenarios × 7 repetitions × 2 prompts each, with the study's throughput per record (mean of tokens / latency) "+
		"and the power it charged: the GPU's board power for GPU backends, the CPU package's for CPU backends. The published analysis "+
		"used the latest raw file of each mode (runs %s and %s); every number below is recomputed from those records with the study's "+
		"formulas (data pack README, TR119) and the prices of its matrix.yaml.\n\n", st.runs["prefill"], st.runs["generate"])

	rows := report.ClaimsTable(claims(st))
	for _, f := range findings(st) {
		rows.Rows = append(rows.Rows, f.Cells())
	}
	b.WriteString(rows.Markdown())

	// Per backend: the quantities, instance and energy costs apart.
	b.WriteString("\n#### Per backend: instance and energy costs kept apart\n\n" +
		"The study's total adds electricity at 0.20 $/kWh to an hourly cloud price that already pays for the instance's power. " +
		"Below, the instance cost (on demand, $1.006/h) and the electricity cost are separate columns; for owned hardware " +
		"(the study's on-prem tier, 0 $/h) the electricity is the whole cost. Means over the five scenarios.\n\n")
	t := report.Table{
		Header: []string{"backend", "mode", "tok/s", "latency ms", "charged W", "J/tok", "kWh/Mtok", "tok/kWh", "gCO2e/Mtok",
			"instance $/Mtok", "electricity $/Mtok", "study's total $/Mtok"},
		Align: "llrrrrrrrrrr",
	}
	for _, m := range modes {
		for _, bk := range backends {
			o := func(f func(cell) float64) float64 { return st.over(bk, m, f) }
			t.Rows = append(t.Rows, []string{bk, m,
				report.F(o(func(c cell) float64 { return c.thr }), 1),
				report.F(o(func(c cell) float64 { return c.latMS }), 2),
				report.F(o(func(c cell) float64 { return c.watts }), 2),
				report.F(o(cell.jPerTok), 5),
				report.F(o(cell.kWh), 6),
				report.F(o(func(c cell) float64 { return 1e6 / c.kWh() }), 0),
				report.F(o(func(c cell) float64 { return c.kWh() * StudyGCO2ePerKWh }), 3),
				report.F(o(func(c cell) float64 { return c.instance(st.onDemand) }), 4),
				report.F(o(cell.energyUSD), 6),
				report.F(o(func(c cell) float64 { return c.total(st.onDemand) }), 4),
			})
		}
	}
	b.WriteString(t.Markdown())
	share := st.over("onnxruntime-gpu", "prefill", cell.energyUSD) / st.over("onnxruntime-gpu", "prefill", func(c cell) float64 { return c.total(st.onDemand) })
	fmt.Fprintf(&b, "\nElectricity is %s %% of the study's onnxruntime-gpu prefill total: the double count is small in dollars. "+
		"It matters for the energy figures themselves, which rest on the power readings below.\n", report.F(100*share, 2))

	// The price table.
	b.WriteString("\n#### The study's price table\n\n" +
		"Instance cost per million tokens at each of the study's prices (each includes the instance's power), for onnxruntime-gpu, " +
		"the cheapest backend; no electricity is added.\n\n")
	pt := report.Table{Header: []string{"instance", "tier", "$/h", "prefill $/Mtok", "generate $/Mtok"}, Align: "llrrr"}
	for _, p := range StudyPrices() {
		pt.Rows = append(pt.Rows, []string{p.Instance, p.Tier, report.F(p.USD, 3),
			report.F(st.over("onnxruntime-gpu", "prefill", func(c cell) float64 { return c.instance(p.USD) }), 5),
			report.F(st.over("onnxruntime-gpu", "generate", func(c cell) float64 { return c.instance(p.USD) }), 4)})
	}
	b.WriteString(pt.Markdown())

	// What the power readings measured.
	pw, pwChart := st.powerSection()
	b.WriteString(pw)

	// Re-runs.
	fmt.Fprintf(&b, "\n#### Re-runs the analysis left out\n\nThe baseline also holds the %d earlier prefill and %d earlier generate files "+
		"(name key run=). onnxruntime-gpu prefill throughput, mean over scenarios, by file: ", len(st.reruns["prefill"]), len(st.reruns["generate"]))
	var parts []string
	for _, run := range st.reruns["prefill"] {
		parts = append(parts, fmt.Sprintf("run %s %s tok/s", run, report.F(stats.Mean(st.rerunPrefill[run]), 0)))
	}
	parts = append(parts, fmt.Sprintf("run %s (analysed) %s tok/s", st.runs["prefill"], report.F(st.over("onnxruntime-gpu", "prefill", func(c cell) float64 { return c.thr }), 0)))
	b.WriteString(strings.Join(parts, ", ") + ". The same backend and prompts differ by that much between runs of one afternoon.\n")

	b.WriteString("\nOur benchmark (`go test -run '^$' -bench . ./tr119`) measures Ollama, not gpt2 on these backends: it prices " +
		"generated tokens with the energy its sampler measured over the timed requests, above the idle power measured before " +
		"(J/tok), and omits $/Mtok and gCO2e/Mtok where no energy can be read.\n")

	// Cost charts, one per mode (generate costs 10-20× prefill): the
	// ratio between backends is the point.
	charts := []report.NamedChart{}
	for _, m := range modes {
		c := report.Chart{Title: "TR119 " + m + ": on-demand $ per 1M tokens, the study's total (mean over 5 scenarios ± 95 % t-CI)",
			YLabel: "$/Mtok", Categories: backends}
		var es []report.Estimate
		for _, bk := range backends {
			es = append(es, report.MeanEstimate(st.perScenario(bk, m, func(c cell) float64 { return c.total(st.onDemand) })))
		}
		c.Series = []report.Series{{Name: m, Estimates: es}}
		charts = append(charts, report.NamedChart{Name: "cost-" + m + ".svg", Chart: c,
			Caption: "The study's total on-demand cost per million " + m + " tokens per backend (mean over its 5 scenarios with the 95 % t-interval), bars from zero: the ratio between backends is the point, not the absolute price."})
	}
	charts = append(charts, report.NamedChart{Name: "power.svg", Chart: pwChart,
		Caption: "The study's GPU power per backend and mode, split by whether the GPU was busy at the reading (mean with the 95 % t-interval): a record's power mixes both kinds of reading, so it is the power of its work only where the two bars agree."})
	b.WriteString(report.ChartSection("####", charts))
	return report.Fragment{Markdown: b.String(), Charts: charts}
}

// powerSection shows what the study's power figures were: per record, the
// mean of the few readings the monitor took over the whole record block.
func (st *study) powerSection() (string, report.Chart) {
	var b strings.Builder
	b.WriteString("\n#### What the power readings measured\n\n")
	fmt.Fprintf(&b, "A record's power is the plain mean of the NVML (GPU) or RAPL (CPU package) readings taken every %d ms over "+
		"the whole record block (engine preparation, warm-ups, prompts), idle not subtracted. The table counts, per backend, the "+
		"records whose power is a single reading, sets the timed work of a record (its two prompts) against the poll interval, and "+
		"splits the GPU's readings by whether the GPU was busy at them (utilisation > 0).\n\n", telemetryMS)
	t := report.Table{
		Header: []string{"backend", "mode", "records", "one reading", "timed work ms per record", "GPU W, busy readings (n)", "GPU W, idle readings (n)", "CPU package W"},
		Align:  "llrrrrrr",
	}
	chart := report.Chart{Title: "TR119 GPU power by whether the GPU was busy at the reading (mean ± 95 % t-CI)", YLabel: "W", Kind: report.HBars}
	var busyDots, idleDots []report.Estimate
	var gpuSingle, gpuRecords int
	var cpuBackendGPU []float64
	for _, m := range modes {
		for _, bk := range backends {
			ps := st.power[[2]string{bk, m}]
			busy, idle := busyIdle(ps)
			var cpu, work []float64
			single := 0
			for _, p := range ps {
				if p.readings == "1" {
					single++
				}
				if p.hasCPU {
					cpu = append(cpu, p.cpuW)
				}
				work = append(work, p.workMS)
			}
			w := func(xs []float64) string {
				if len(xs) == 0 {
					return "none"
				}
				return fmt.Sprintf("%s (%d)", report.F(stats.Mean(xs), 2), len(xs))
			}
			t.Rows = append(t.Rows, []string{bk, m, fmt.Sprint(len(ps)), fmt.Sprint(single), report.F(stats.Mean(work), 1), w(busy), w(idle), report.F(stats.Mean(cpu), 2)})
			if gpuBackend(bk) {
				gpuSingle += single
				gpuRecords += len(ps)
				chart.Categories = append(chart.Categories, bk+" "+m)
				busyDots = append(busyDots, report.MeanEstimate(busy))
				idleDots = append(idleDots, report.MeanEstimate(idle))
			} else {
				for _, p := range ps {
					cpuBackendGPU = append(cpuBackendGPU, p.gpuW)
				}
			}
		}
	}
	chart.Series = []report.Series{{Name: "GPU busy at the reading", Estimates: busyDots}, {Name: "GPU idle at the reading", Estimates: idleDots}}
	b.WriteString(t.Markdown())

	ort := st.power[[2]string{"onnxruntime-gpu", "prefill"}]
	ortBusy, ortIdle := busyIdle(ort)
	genBusy, genIdle := busyIdle(st.power[[2]string{"onnxruntime-gpu", "generate"}])
	fmt.Fprintf(&b, "\n%d of the %d GPU-backend records have a single power reading: one instantaneous value, taken somewhere in a "+
		"block whose timed prompts last %s ms (onnxruntime-gpu prefill) against a %d ms poll. For onnxruntime-gpu prefill, the readings "+
		"taken while the GPU was busy average %s W and those taken while it was idle %s W: the prefill power figure does not move "+
		"with the work, so the published 16.6 W and everything derived from it (J/tok, kWh, tok/kWh, gCO2e, the electricity cost) "+
		"measure what the GPU drew around the prompts, busy or not, charged to the tokens. Generate, whose prompts last longer, "+
		"is the only place the work shows: onnxruntime-gpu's busy readings are %s W above its idle ones. While a CPU backend ran, "+
		"the same GPU drew %s W, and the CPU package, never charged to a GPU backend, drew %s W during onnxruntime-gpu prefill. "+
		"The active energy of the work (above idle, over the timed region) cannot be recovered from this data.\n",
		gpuSingle, gpuRecords, report.F(stats.Mean(workOf(ort)), 1), telemetryMS,
		report.F(stats.Mean(ortBusy), 2), report.F(stats.Mean(ortIdle), 2),
		report.F(stats.Mean(genBusy)-stats.Mean(genIdle), 1), report.F(stats.Mean(cpuBackendGPU), 2), report.F(cpuOf(ort), 2))
	return b.String(), chart
}

// busyIdle splits the records' GPU power by whether the GPU was busy at
// the reading (utilisation > 0).
func busyIdle(ps []powerRecord) (busy, idle []float64) {
	for _, p := range ps {
		if p.utilPct > 0 {
			busy = append(busy, p.gpuW)
		} else {
			idle = append(idle, p.gpuW)
		}
	}
	return busy, idle
}

func workOf(ps []powerRecord) []float64 {
	var xs []float64
	for _, p := range ps {
		xs = append(xs, p.workMS)
	}
	return xs
}

func cpuOf(ps []powerRecord) float64 {
	var xs []float64
	for _, p := range ps {
		if p.hasCPU {
			xs = append(xs, p.cpuW)
		}
	}
	return stats.Mean(xs)
}
