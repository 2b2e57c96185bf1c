package capacity

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

// Report is the capacity report: no study behind it, only a run of
// BenchmarkCapacity (and of BenchmarkCapacitySearch, where the run has
// it), rendered by Render; testdata/ours.bench is the committed run its
// golden renders.
var Report = report.Spec{
	Name:       "capacity",
	Benchmarks: []string{"Capacity", "CapacityOpen", "CapacitySearch"},
	Ours:       "ours.bench",
	Units:      units(),
	Render:     func(in report.Input) (report.Fragment, error) { return Render(in.Runs) },
	Claims:     func(report.Input) (report.Claims, error) { return report.Claims{}, nil },
}

// The units each benchmark reports.
var (
	closedUnits = []string{"ns/op", "agg-tok/s", "agent-tok/s", "ttft-p50-ns", "ttft-p95-ns", "ttft-p99-ns",
		"e2e-p95-ns", "queue-ns", "queue-p95-ns", "goodput-%", "speedup-x"}
	openUnits = []string{"ns/op", "agg-tok/s", "agent-tok/s", "ttft-p50-ns", "ttft-p95-ns", "ttft-p99-ns",
		"sched-e2e-p95-ns", "queue-ns", "queue-p95-ns", "goodput-%",
		"offered-rps", "achieved-rps", "dispatch-lag-ns", "dispatch-lag-p99-ns"}
	searchUnits = []string{"ns/op", "max-agents", "max-rps"}
)

// units are every unit the capacity benchmarks report, once each.
func units() []string {
	var us []string
	for _, u := range slices.Concat(closedUnits, openUnits, searchUnits) {
		if !slices.Contains(us, u) {
			us = append(us, u)
		}
	}
	return us
}

// Render renders the capacity report of a run (a go test -bench
// 'Capacity/' output): per setup, the closed-loop curve against N as a
// table and two charts (agg-tok/s and ttft-p95 against N, one series per
// setup), the target, and one sentence per setup with the answer, from
// BenchmarkCapacitySearch where the run has it and else from the curve.
// Repeated results (-count) are averaged. A run without BenchmarkCapacity
// results, or whose results lack a unit the report shows, is an error.
func Render(run *golden.Set) (report.Fragment, error) {
	if run == nil {
		return report.Fragment{}, fmt.Errorf("capacity: no run to render (the report has no study data)")
	}
	rows := run.Rows("Capacity")
	if len(rows) == 0 {
		return report.Fragment{}, fmt.Errorf("capacity: %s has no BenchmarkCapacity results", run.File)
	}
	sloText := ""
	for _, r := range run.Results {
		if s := r.GetConfig("slo"); s != "" {
			sloText = s
			break
		}
	}
	if sloText == "" {
		return report.Fragment{}, fmt.Errorf("capacity: %s has no slo config line", run.File)
	}
	slo, err := ParseSLO(sloText)
	if err != nil {
		return report.Fragment{}, fmt.Errorf("capacity: %s: %w", run.File, err)
	}
	setups := keyOrder(rows, "instances", "parallel")
	ns := keyOrder(rows, "agents")
	slices.SortFunc(ns, func(a, b string) int { return atoi(a) - atoi(b) })

	mean := func(unit string, where ...string) float64 {
		xs := run.Values(unit, append([]string{"Capacity"}, where...)...)
		if len(xs) == 0 {
			return math.NaN()
		}
		return stats.Mean(xs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "How many agents one machine serves, and in which setup (instances × slots), within the target `%s`.\n", slo.Text)
	b.WriteString("This goes beyond the study, which stopped at two agents: there are no study numbers to set beside it.\n")
	first := run.Results[0]
	fmt.Fprintf(&b, "Measured (%s) on %s, Ollama %s (%s), model %s, num_predict %s; each figure is the mean of the run's results for it, ",
		report.RunName(run), orNA(first.GetConfig("cpu")), orNA(first.GetConfig("ollama-version")), orNA(first.GetConfig("ollama-backend")), orNA(first.GetConfig("model")), orNA(first.GetConfig("num-predict")))
	b.WriteString("and the curve and the search are separate runs, so on a busy machine they can disagree.\n\n")

	table := report.Table{
		Header: []string{"setup", "agents", "n", "agg-tok/s, mean [95 % CI]", "agent-tok/s", "ttft p50 (ms)", "ttft p95 (ms)", "e2e p95 (ms)", "queue (ms)", "goodput %", "speedup-x"},
		Align:  "lrrrrrrrrrr",
	}
	units := []struct {
		unit  string
		scale float64
		d     int
	}{{"agent-tok/s", 1, 0}, {"ttft-p50-ns", 1e-6, 1}, {"ttft-p95-ns", 1e-6, 1}, {"e2e-p95-ns", 1e-6, 1}, {"queue-ns", 1e-6, 1}, {"goodput-%", 1, 0}, {"speedup-x", 1, 2}}
	// Agents are numbers, doubling: a log x axis spaces them evenly and
	// shows where a curve bends.
	agents := make([]float64, len(ns))
	for i, n := range ns {
		agents[i] = float64(atoi(n))
	}
	agg := report.Chart{Title: "Aggregate decode throughput against agents", YLabel: "agg-tok/s", XLabel: "agents", LogX: true, XTicksAtData: true, Kind: report.Dots}
	ttftTitle := "p95 TTFT against agents"
	ttftCaption := "p95 time to first token (the mean of the run's p95s; hollow where too few samples give no interval) against concurrent agents on a log axis, one series per setup: the higher a curve climbs, the longer an agent waits for its first token."
	ttft := report.Chart{YLabel: "ttft-p95 (ms)", XLabel: "agents", LogX: true, XTicksAtData: true, Kind: report.Dots}
	if bound, ok := slo.Bound(MetricTTFT, 95); ok {
		target := report.F(bound/1e6, 0)
		ttftTitle += fmt.Sprintf(" (target ≤ %s ms)", target)
		ttft.Refs = []report.Ref{{Value: bound / 1e6, Label: "target: p95 TTFT ≤ " + target + " ms"}}
		ttftCaption = "p95 time to first token (the mean of the run's p95s; hollow where too few samples give no interval) against concurrent agents on a log axis, one series per setup, with the target's " + target + " ms as a dashed line: a point above the line misses the target."
	}
	ttft.Title = ttftTitle
	var answers []string
	for _, s := range setups {
		where := strings.Split(s, "/")
		aggSeries := report.Series{Name: s, X: agents}
		ttftSeries := report.Series{Name: s, X: agents}
		var measured []int
		var aggs []float64
		largest := 0
		for _, n := range ns {
			w := append(slices.Clone(where), "agents="+n)
			rows := run.Rows(append([]string{"Capacity"}, w...)...)
			if len(rows) == 0 {
				aggSeries.Estimates = append(aggSeries.Estimates, report.Estimate{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()})
				ttftSeries.Estimates = append(ttftSeries.Estimates, report.Estimate{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()})
				continue
			}
			aggVals := run.Values("agg-tok/s", append([]string{"Capacity"}, w...)...)
			row := []string{s, n, fmt.Sprint(len(rows)), report.MeanCI(aggVals, 0, "agg-tok/s")}
			vals := map[string]float64{"agg-tok/s": mean("agg-tok/s", w...)}
			for _, u := range units {
				v := mean(u.unit, w...)
				vals[u.unit] = v
				row = append(row, report.F(v*u.scale, u.d))
			}
			table.Rows = append(table.Rows, row)
			aggSeries.Estimates = append(aggSeries.Estimates, report.MeanEstimate(aggVals))
			t := report.MeanEstimate(run.Values("ttft-p95-ns", append([]string{"Capacity"}, w...)...))
			ttftSeries.Estimates = append(ttftSeries.Estimates, report.Estimate{Value: t.Value / 1e6, Lo: t.Lo / 1e6, Hi: t.Hi / 1e6})
			measured = append(measured, atoi(n))
			aggs = append(aggs, vals["agg-tok/s"])
			// largest: the end of the unbroken run of N's, from the
			// smallest, whose summaries meet the target's terms that the
			// curve shows.
			vals["ttft-p99-ns"] = mean("ttft-p99-ns", w...)
			if curveMeets(slo, vals) && (len(measured) == 1 || largest == measured[len(measured)-2]) {
				largest = atoi(n)
			}
		}
		agg.Series = append(agg.Series, aggSeries)
		ttft.Series = append(ttft.Series, ttftSeries)
		answers = append(answers, answer(run, s, slo, measured, aggs, largest))
	}
	b.WriteString(table.Markdown())
	charts := []report.NamedChart{
		{Name: "throughput.svg", Chart: agg, Caption: "Aggregate decode throughput (the mean agg-tok/s; hollow where too few samples give no interval) against concurrent agents on a log axis, one series per setup: where a curve flattens, more agents add no throughput in that setup."},
		{Name: "ttft.svg", Chart: ttft, Caption: ttftCaption},
	}
	for _, c := range charts {
		b.WriteString("\n" + c.Markdown())
	}
	b.WriteString("\nThe target:\n\n")
	target := report.Table{Header: []string{"term", "percentile", "bound"}, Align: "lrr"}
	for _, t := range slo.Terms {
		op := "≤"
		if !t.AtMost {
			op = "≥"
		}
		target.Rows = append(target.Rows, []string{t.Metric, "p" + strconv.FormatFloat(t.Pct, 'g', -1, 64), op + " " + t.format(t.Bound)})
	}
	b.WriteString(target.Markdown())
	b.WriteString("\n")
	for _, a := range answers {
		b.WriteString("- " + a + "\n")
	}
	return report.Fragment{Markdown: b.String(), Charts: charts}, nil
}

// curveMeets says whether the curve's per-N summaries meet the SLO's terms
// that they carry (ttft at p50/p95/p99, e2e at p95; agent-tok/s is a
// mean, so its lower-percentile terms are judged by the search only).
func curveMeets(slo SLO, vals map[string]float64) bool {
	for _, t := range slo.Terms {
		unit := ""
		switch {
		case t.Metric == MetricTTFT && (t.Pct == 50 || t.Pct == 95 || t.Pct == 99):
			unit = "ttft-p" + strconv.FormatFloat(t.Pct, 'g', -1, 64) + "-ns"
		case t.Metric == MetricE2E && t.Pct == 95:
			unit = "e2e-p95-ns"
		default:
			continue
		}
		v, ok := vals[unit]
		if !ok || math.IsNaN(v) || !t.holds(v) {
			return false
		}
	}
	return true
}

// answer is the sentence for setup s.
func answer(run *golden.Set, s string, slo SLO, ns []int, aggs []float64, largest int) string {
	name := setupWords(s)
	var b strings.Builder
	where := append([]string{"CapacitySearch"}, strings.Split(s, "/")...)
	maxAgents, maxRPS := run.Values("max-agents", where...), run.Values("max-rps", where...)
	if len(maxAgents) > 0 {
		fmt.Fprintf(&b, "%s serves %s agents", name, report.F(stats.Mean(maxAgents), 0))
		if len(maxRPS) > 0 {
			fmt.Fprintf(&b, " and %s calls/s", report.F(stats.Mean(maxRPS), 1))
		}
		fmt.Fprintf(&b, " within `%s` here (BenchmarkCapacitySearch)", slo.Text)
	} else {
		fmt.Fprintf(&b, "%s: no search result in this run", name)
	}
	if len(ns) > 0 {
		fmt.Fprintf(&b, "; on the curve, %d agents was the largest measured N that met its TTFT terms", largest)
		if k := Knee(ns, aggs); k > 0 {
			fmt.Fprintf(&b, ", and throughput reached 90 %% of its best at %d agents (%s agg-tok/s)", k, report.F(slices.Max(aggs), 0))
		}
	}
	b.WriteString(".")
	return b.String()
}

// setupWords says a setup in words: "instances=1/parallel=2 (one
// instance, 2 slots)".
func setupWords(s string) string {
	k := golden.Keys([]byte("X/" + s))
	i, p := atoi(k["instances"]), atoi(k["parallel"])
	inst, slots := fmt.Sprintf("%d instances", i), fmt.Sprintf("%d slots", p)
	if i == 1 {
		inst = "one instance"
	}
	if p == 1 {
		slots = "one slot"
	}
	if i > 1 {
		slots += " each"
	}
	return "`" + s + "` (" + inst + ", " + slots + ")"
}

// keyOrder returns the distinct values of the keys joined as
// "k1=v1/k2=v2", in order of first appearance.
func keyOrder(rows []golden.Row, keys ...string) []string {
	var out []string
	for _, r := range rows {
		var parts []string
		for _, k := range keys {
			v, ok := r.Keys[k]
			if !ok {
				parts = nil
				break
			}
			if len(keys) == 1 {
				parts = append(parts, v)
			} else {
				parts = append(parts, k+"="+v)
			}
		}
		if s := strings.Join(parts, "/"); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func orNA(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "n/a"
	}
	return "`" + s + "`"
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
