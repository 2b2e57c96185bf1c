// Package units is the registry of every benchfmt unit the suite reports:
// its name, which direction is better, and what it means. Live runs print a
// "Unit <name> better=…" line for each unit they report, the study-data
// converter writes the same lines into the baselines, and the gate reads a
// unit's direction from here, never from its spelling.
//
// The package is a leaf above benchunit: no I/O beyond formatting, no cgo,
// no testing.
package units

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/perf/benchunit"
)

// Better is the direction in which a unit improves.
type Better int

const (
	// Neither: a descriptive quantity (a count, a size of the workload)
	// that the gate never judges.
	Neither Better = 0
	Higher  Better = 1
	Lower   Better = -1
)

// String is the benchfmt spelling of the direction: "higher", "lower" or "".
func (b Better) String() string {
	switch b {
	case Higher:
		return "higher"
	case Lower:
		return "lower"
	}
	return ""
}

// A Unit is one registered benchfmt unit.
type Unit struct {
	Name    string // as reported, e.g. "ttft-ns"
	Better  Better
	Meaning string // one line
}

// all is the registry, in the order Unit lines are printed. Units that the
// study's baselines carry (a-ns, decode-ns, …) are here too, so that the
// gate judges them the same way.
var all = []Unit{
	// Benchmark framework.
	{"ns/op", Lower, "wall time of one iteration"},
	{"B/op", Lower, "bytes allocated per iteration"},
	{"allocs/op", Lower, "allocations per iteration"},

	// One call (DESIGN.md "What one measurement is").
	{"tok/s", Higher, "decode throughput: Σ eval_count / Σ eval_duration, the server's"},
	{"ttft-ns", Lower, "client time to first token: request start → first non-empty content chunk"},
	{"first-ttft-ns", Lower, "ttft-ns of each workflow's first call"},
	{"e2e-ns", Lower, "client end-to-end latency: request start → done chunk"},
	{"itl-ns", Lower, "mean gap between content chunks after the first"},
	{"load-ns", Lower, "server load_duration"},
	{"prefill-ns", Lower, "server prompt_eval_duration"},
	{"decode-ns", Lower, "server eval_duration (study baselines)"},
	{"study-ttft-ns", Lower, "the study's TTFT: load_duration + prompt_eval_duration"},
	{"e2e-p50-ns", Lower, "median e2e-ns over a benchmark's calls after the first"},
	{"prefill-p50-ns", Lower, "median prefill time over a benchmark's calls"},
	{"prefill-p99-ns", Lower, "99th percentile of prefill time over a benchmark's calls"},
	{"e2e-p95-ns", Lower, "95th percentile of e2e-ns over a benchmark's calls"},
	{"e2e-max-ns", Lower, "largest e2e-ns over a benchmark's calls"},
	{"prompt-tok", Neither, "prompt tokens per call (server prompt_eval_count)"},
	{"no-ttft-calls", Lower, "calls that ended with no content chunk, so no TTFT"},
	{"no-load-calls", Lower, "calls whose final chunk carried no load_duration"},
	{"no-prefill-calls", Lower, "calls whose final chunk carried no prompt_eval_duration"},
	{"invalid-calls", Lower, "successful calls whose server accounting failed measure.Validate (traced with the reason, pooled into nothing)"},
	{"stream-tok/s", Higher, "client decode rate: Σ tokens after the first / Σ time from first to last token chunk; needs no server timing (OpenAI protocol)"},
	{"failed-calls", Lower, "calls that failed (429, 503, a cut stream, …): recorded in the trace, never pooled"},
	{"reasoning-ttft-ns", Lower, "client time to the first reasoning delta (OpenAI reasoning_content or reasoning), apart from ttft-ns"},
	{"reasoning-tok", Neither, "reasoning tokens per call that reasoned: usage details where reported, else reasoning deltas counted"},

	// Inference backends (tr118).
	{"padded-tok/s", Higher, "prefill throughput counting padding tokens, as the study did"},
	{"prefill-tok/s", Higher, "prefill throughput: real prompt tokens / prefill forward time"},
	{"degraded-calls", Lower, "calls that failed or fell back to another provider (classified, never dropped)"},
	{"build-ns", Lower, "time to build an inference session (model load and graph optimisation)"},
	{"ppl", Lower, "perplexity of a model on a fixed text"},
	{"graphs", Neither, "compiled graphs a torch.compile run built (study baselines)"},

	// The agent as a process.
	{"startup-ns", Lower, "agent process: exec → first request received by the server"},
	{"peak-rss-B", Lower, "agent process: peak resident set size"},

	// Multi-agent, legacy (the study's definitions).
	{"eff-%", Higher, "legacy parallel efficiency: Σ t_i / T_wall / N, t_i measured inside the run (balance, not speedup)"},
	{"legacy-speedup-x", Higher, "legacy speedup: Σ t_i / T_wall, t_i measured inside the run"},
	{"contention-%", Lower, "legacy contention rate: share of runs with legacy speedup < 1.5"},
	// Multi-agent, corrected.
	{"speedup-x", Higher, "corrected speedup: Σ T_i alone / T_wall together"},
	{"true-eff-%", Higher, "corrected efficiency: speedup-x / N × 100"},
	{"agg-tok/s", Higher, "Σ tokens of all agents / concurrent wall time"},
	{"balance-%", Higher, "balance bound: Σ t_i / (N · max t_i) × 100"},
	{"overhead-ns", Lower, "coordination overhead: T_wall − max t_i"},
	{"wall-ns", Lower, "concurrent wall time of a multi-agent run"},
	{"a-ns", Lower, "agent A's time inside a multi-agent run (study baselines)"},
	{"b-ns", Lower, "agent B's time inside a multi-agent run (study baselines)"},
	{"roofline-%", Neither, "decode's share of the memory-bandwidth roofline: tok/s × bytes per token / bandwidth"},

	// Capacity (package capacity): N agents or an offered rate per setup.
	{"agent-tok/s", Higher, "each call's decode rate eval_count / eval_duration, mean over a run's calls"},
	{"ttft-p50-ns", Lower, "median time to first token, from when each call was due (its send; open loop: its scheduled arrival)"},
	{"ttft-p95-ns", Lower, "95th percentile time to first token, from when each call was due"},
	{"ttft-p99-ns", Lower, "99th percentile time to first token, from when each call was due"},
	{"queue-ns", Lower, "time a call waited for a slot: client TTFT − load_duration − prompt_eval_duration, mean"},
	{"queue-p95-ns", Lower, "95th percentile of a call's wait for a slot (queue-ns's rule)"},
	{"goodput-%", Higher, "share of calls whose own TTFT, e2e, queue and decode rate meet every term of the SLO"},
	{"sched-e2e-p95-ns", Lower, "95th percentile end-to-end latency from each call's scheduled arrival (open loop)"},
	{"offered-rps", Neither, "calls per second the open loop's schedule offered: (n−1) / (last − first arrival)"},
	{"achieved-rps", Higher, "calls per second completed: (n−1) / (last − first end)"},
	{"dispatch-lag-ns", Lower, "open loop: call sent − call scheduled, mean"},
	{"dispatch-lag-p99-ns", Lower, "open loop: call sent − call scheduled, 99th percentile"},
	{"max-agents", Higher, "largest closed-loop agent count whose calls meet the SLO"},
	{"max-rps", Higher, "largest offered rate (calls/s, Poisson arrivals) whose calls meet the SLO"},

	// Go runtime.
	{"sched-p50-ns", Lower, "Go scheduler latency, median (/sched/latencies:seconds)"},
	{"sched-p99-ns", Lower, "Go scheduler latency, 99th percentile"},
	{"oversleep-p50-ns", Lower, "timer oversleep (actual − requested sleep), median, while agents stream"},
	{"oversleep-p99-ns", Lower, "timer oversleep (actual − requested sleep), 99th percentile, while agents stream"},

	// Energy and cost.
	{"J/tok", Lower, "active energy per generated token"},
	{"W", Lower, "mean active power during the timed region"},
	{"$/Mtok", Lower, "cost per million generated tokens"},
	{"gCO2e/Mtok", Lower, "emissions per million generated tokens"},
	{"kWh/Mtok", Lower, "energy per million generated tokens"},
	{"tok/kWh", Higher, "generated tokens per kilowatt-hour"},
	{"gpu-util-%", Neither, "mean GPU utilisation during the timed region"},
	{"gpu-mem-B", Lower, "peak GPU memory used during the timed region"},

	// The harness's own cost.
	{"ns/chunk", Lower, "client CPU time per streamed chunk"},
	{"allocs/chunk", Lower, "allocations per streamed chunk"},
	{"first-parse-ns", Lower, "first response byte → first chunk timestamped"},
}

// signed lists the registered units whose values can be negative; the
// gate refuses a negative value in any other registered unit as bad input
// (golden.Read), since it can only come from a broken measurement or a
// broken file, and judging it would turn a direction upside down (-1 ms →
// -5 ms of load-ns read as +400 %).
//
// None is signed today; each section of the registry was checked:
//   - framework, one call, backends, process, Go runtime, harness cost:
//     durations (…-ns, ns/op), sizes (B/op, peak-rss-B, gpu-mem-B), counts
//     (allocs/op, prompt-tok, …-calls, graphs) and rates of them (tok/s,
//     ns/chunk): a negative one is an impossible measurement. ppl is ≥ 1.
//   - oversleep-p50-ns, oversleep-p99-ns: actual − requested sleep, and
//     time.Sleep sleeps at least what it is asked, on the same monotonic
//     clock that measures it.
//   - multi-agent: eff-%, speedup-x, balance-%, … are ratios of
//     non-negative times; overhead-ns is T_wall − max t_i, and every
//     agent's interval lies inside the wall interval on one monotonic
//     clock (multiagent starts the wall clock before it releases the
//     agents), so a negative overhead is a bug, not a measurement.
//   - energy and cost: energies, powers, prices, emissions, utilisation.
//
// A unit that is a difference of independent measurements (an
// improvement %, a clock skew) is signed: list it here.
var signed = []string{}

// Signed reports whether values of u can be negative; see signed.
func (u Unit) Signed() bool { return slices.Contains(signed, u.Name) }

// Lookup returns the registered unit called name, as reported ("ttft-ns")
// or as benchfmt tidies it ("ttft-sec"), which is how a benchfmt reader
// keys values and unit metadata.
func Lookup(name string) (Unit, bool) {
	i := slices.IndexFunc(all, func(u Unit) bool {
		if u.Name == name {
			return true
		}
		_, tidy := benchunit.Tidy(1, u.Name)
		return tidy == name
	})
	if i < 0 {
		return Unit{}, false
	}
	return all[i], true
}

// All returns every registered unit, in registry order.
func All() []Unit { return slices.Clone(all) }

// Check returns an error naming every unit in names that is not registered.
func Check(names ...string) error {
	var bad []string
	for _, n := range names {
		if _, ok := Lookup(n); !ok {
			bad = append(bad, n)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unregistered unit(s) %s: add them to internal/units", strings.Join(bad, ", "))
	}
	return nil
}

// Lines returns the benchfmt Unit lines for names, in registry order:
// "Unit <name> better=<dir>" for every judged unit, and
// "Unit <name> assume=nothing" for a descriptive one and, where
// assumeNothing is set (the study's few, non-normal samples), for every
// unit. A unit that is not registered is an error.
func Lines(assumeNothing bool, names ...string) ([]string, error) {
	if err := Check(names...); err != nil {
		return nil, err
	}
	var lines []string
	for _, u := range all {
		if !slices.ContainsFunc(names, func(n string) bool { v, _ := Lookup(n); return v.Name == u.Name }) {
			continue
		}
		if u.Better != Neither {
			lines = append(lines, fmt.Sprintf("Unit %s better=%s", u.Name, u.Better))
		}
		// A descriptive unit has no direction to declare; its assume line
		// (benchstat's default assumption anyway) still gives it a Unit
		// line, so every reported unit has one.
		if assumeNothing || u.Better == Neither {
			lines = append(lines, fmt.Sprintf("Unit %s assume=nothing", u.Name))
		}
	}
	return lines, nil
}

// WriteLines writes [Lines] to w, one per line.
func WriteLines(w io.Writer, assumeNothing bool, names ...string) error {
	lines, err := Lines(assumeNothing, names...)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}
