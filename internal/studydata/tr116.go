package studydata

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// tr116Units are the units of the TR116 baseline, in the order written:
// the multi-agent runs' (TR114's, plus the Python runs' summed server
// durations) and the single-agent calls' (TR111's).
var tr116Units = []string{
	"eff-%", "legacy-speedup-x", "agg-tok/s", "tok/s", "balance-%",
	"a-ns", "b-ns", "wall-ns", "overhead-ns",
	"ttft-ns", "e2e-ns", "load-ns", "prefill-ns", "decode-ns",
}

// TR116Inputs are TR116's CSVs, each with the name errors give it.
type TR116Inputs struct {
	MultiRustRuns, MultiRustCalls, MultiPythonRuns, SingleRustCalls, SinglePythonRuns io.Reader
	Files                                                                             [5]string // in field order
}

// TR116Files converts the TR116 CSVs of dir/tr116.
func TR116Files(dir string) ([]benchfmt.Record, error) {
	names := []string{"multi_rust_runs.csv", "multi_rust_llm_calls.csv", "multi_python_runs.csv", "single_rust_llm_calls.csv", "single_python_agent_runs.csv"}
	var in TR116Inputs
	rs := []*io.Reader{&in.MultiRustRuns, &in.MultiRustCalls, &in.MultiPythonRuns, &in.SingleRustCalls, &in.SinglePythonRuns}
	for i, n := range names {
		p := filepath.Join(dir, "tr116", n)
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("convert TR116: %w", err)
		}
		defer f.Close()
		*rs[i], in.Files[i] = f, p
	}
	return TR116(in)
}

// TR116 converts TR116's data (three models, gemma3:latest,
// llama3.1:8b-instruct-q4_0 and qwen2.5:7b; Rust and Python agents; two
// agents at once on two Ollama instances and one agent alone) into
// benchfmt records, one result per multi-agent run and per single-agent
// call or run:
//
//	TR116/model=<tag>/scenario=<scenario>/instances=2/lang=rust     a Rust run (TR114's 2-call agents and values)
//	TR116/model=<tag>/scenario=<scenario>/instances=2/lang=python   a Python run (one persona call per agent)
//	TR116/model=<tag>/lang=rust/agent=…/start=…/dir=<config_id>/study-agent=<agent>  a Rust single-agent call
//	TR116/model=<tag>/lang=python/agent=…/dir=<config_id>/study-agent=<agent>  a Python single-agent run
//
// agent=baseline for an agent that sent no options, else agent=chimera and
// the options it sent (num_gpu, num_ctx, temp, and top_p, top_k,
// repeat_penalty where sent): the Python "baseline" agent sent options too.
// start is TR111's: cold when the call's load_duration exceeds ColdLoad.
//
// A Python run's eff-% and legacy-speedup-x are the study's: Σ of the
// agents' Ollama-internal durations (prompt_eval + eval) / wall, which is
// prefill-ns + decode-ns (summed over both agents); a-ns and b-ns are the
// agents' client wall clocks inside the run. A Python single-agent run's
// tok/s is the study's avg_throughput_tok_s, the mean of its two calls'
// decode rates (per-call data were not saved), not Σ/Σ. A Rust
// single-agent call carries TR111's values (a call without tokens only
// ttft-ns and e2e-ns). The model tag is the Rust runs' a_model for the
// model slug, checked against the Python files.
func TR116(in TR116Inputs) ([]benchfmt.Record, error) {
	tables := make([]*table, 5)
	for i, r := range []io.Reader{in.MultiRustRuns, in.MultiRustCalls, in.MultiPythonRuns, in.SingleRustCalls, in.SinglePythonRuns} {
		t, err := readTable(r, in.Files[i])
		if err != nil {
			return nil, err
		}
		tables[i] = t
	}
	rustRuns, rustCalls, pyRuns, singleRust, singlePy := tables[0], tables[1], tables[2], tables[3], tables[4]
	recs, err := unitRecords(tr116Units)
	if err != nil {
		return nil, fmt.Errorf("convert TR116: %w", err)
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr116", "chimeraforge-study TR116 experiments/TR116/results"),
		[2]string{"agent-runtime", "rust tokio-default, python asyncio"}))
	add := func(r *row, name string, vals []benchfmt.Value) error {
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return err
		}
		recs = append(recs, res)
		return nil
	}

	tags := map[string]string{}
	sums, err := sumCalls(rustCalls, "model_slug", "scenario_dir", "run_number")
	if err != nil {
		return nil, err
	}
	for i := range rustRuns.rows {
		r := rustRuns.row(i)
		slug, tag := r.str("model_slug"), r.seg("a_model")
		if have, ok := tags[slug]; ok && have != tag || r.str("b_model") != tag {
			r.fail("a_model", fmt.Sprintf("model slug %s names more than one model", slug))
		}
		tags[slug] = tag
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; the name says instances=2")
		}
		vals := rustRun(r, sums[joinKey(r, "model_slug", "scenario_dir", "run_number")], in.Files[1])
		if err := add(r, fmt.Sprintf("TR116/model=%s/scenario=%s/instances=2/lang=rust", tag, r.seg("scenario")), vals); err != nil {
			return nil, err
		}
	}
	tagOf := func(r *row) string {
		tag, ok := tags[r.str("model_slug")]
		if !ok {
			r.fail("model_slug", "no Rust multi-agent run names this model's tag")
		}
		return tag
	}

	for i := range pyRuns.rows {
		r := pyRuns.row(i)
		tag := tagOf(r)
		if r.str("model_dir") != strings.ReplaceAll(tag, ":", "_") {
			r.fail("model_dir", "is not the model tag "+tag+" with ':' as '_'")
		}
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; the name says instances=2")
		}
		if err := add(r, fmt.Sprintf("TR116/model=%s/scenario=%s/instances=2/lang=python", tag, r.seg("scenario")), pythonRun(r)); err != nil {
			return nil, err
		}
	}

	for i := range singleRust.rows {
		r := singleRust.row(i)
		start := "warm"
		if r.float("load_duration_ms")*float64(time.Millisecond) > float64(ColdLoad) {
			start = "cold"
		}
		name := fmt.Sprintf("TR116/model=%s/lang=rust/%s/start=%s/dir=%s/study-agent=%s", tagOf(r), singleAgent(r), start, r.seg("config_id"), r.seg("agent"))
		if err := add(r, name, callValues(r)); err != nil {
			return nil, err
		}
	}

	for i := range singlePy.rows {
		r := singlePy.row(i)
		tag := tagOf(r)
		if r.str("model") != tag {
			r.fail("model", "is not the model tag "+tag)
		}
		name := fmt.Sprintf("TR116/model=%s/lang=python/%s/dir=%s/study-agent=%s", tag, singleAgent(r), r.seg("config_id"), r.seg("agent"))
		if err := add(r, name, []benchfmt.Value{value(r.float("avg_throughput_tok_s"), "tok/s")}); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// pythonRun returns the values of one row of TR116's multi_python_runs.csv
// and records on r an error if the stored sequential estimate, speedup or
// efficiency does not follow from the agents' Ollama-internal durations,
// or an agent's stored decode rate does not follow from its tokens and
// eval time (total − prompt_eval).
func pythonRun(r *row) []benchfmt.Value {
	var prefill, decode, tokens float64
	var internal, walls []float64
	for _, p := range []string{"a_", "b_"} {
		total, pe, tok := r.float(p+"total_duration_ms"), r.float(p+"ttft_ms"), r.float(p+"tokens")
		if !agree(tok/((total-pe)/1e3), r.float(p+"throughput_tok_s")) {
			r.fail(p+"throughput_tok_s", fmt.Sprintf("stored %v is not tokens / (total − prompt_eval) = %v", r.float(p+"throughput_tok_s"), tok/((total-pe)/1e3)))
		}
		prefill += pe
		decode += total - pe
		tokens += tok
		internal = append(internal, total)
		walls = append(walls, r.float(p+"wall_clock_ms"))
	}
	wall := r.float("concurrent_wall_ms")
	leg := stats.LegacyEfficiency(internal, wall)
	if !agree(stats.Sum(internal), r.float("sequential_estimated_ms")) {
		r.fail("sequential_estimated_ms", fmt.Sprintf("stored %v is not a_total + b_total = %v", r.float("sequential_estimated_ms"), stats.Sum(internal)))
	}
	if !agree(leg.EfficiencyPct, r.float("efficiency_pct")) || !agree(leg.Speedup, r.float("speedup")) {
		r.fail("efficiency_pct", fmt.Sprintf("stored %v%% (speedup %v) does not follow from the agents' internal durations and wall: %v%%", r.float("efficiency_pct"), r.float("speedup"), leg.EfficiencyPct))
	}
	aNS, bNS, wallNS := ns(walls[0], 1e-3), ns(walls[1], 1e-3), ns(wall, 1e-3)
	return []benchfmt.Value{
		value(r.float("efficiency_pct"), "eff-%"),
		value(r.float("speedup"), "legacy-speedup-x"),
		value(tokens/(wall/1e3), "agg-tok/s"),
		value(tokens/(decode/1e3), "tok/s"),
		value(stats.BalanceBoundPct(walls), "balance-%"),
		value(aNS, "a-ns"),
		value(bNS, "b-ns"),
		value(wallNS, "wall-ns"),
		value(wallNS-math.Max(aNS, bNS), "overhead-ns"),
		value(ns(prefill, 1e-3), "prefill-ns"),
		value(ns(decode, 1e-3), "decode-ns"),
	}
}

// callValues returns TR111's values of one single-agent LLM call: a call
// whose reply had no tokens has no server timings.
func callValues(r *row) []benchfmt.Value {
	ok := r.int("eval_count") > 0
	var vals []benchfmt.Value
	if ok {
		vals = append(vals, value(r.float("throughput_tok_s"), "tok/s"))
	}
	vals = append(vals,
		value(ns(r.float("ttft_ms"), 1e-3), "ttft-ns"),
		value(ns(r.float("total_duration_ms"), 1e-3), "e2e-ns"))
	if ok {
		vals = append(vals,
			value(ns(r.float("load_duration_ms"), 1e-3), "load-ns"),
			value(ns(r.float("prompt_eval_duration_ms"), 1e-3), "prefill-ns"),
			value(ns(r.float("eval_duration_ms"), 1e-3), "decode-ns"))
	}
	return vals
}

// singleAgent names what a single agent sent: agent=baseline for no
// options, else agent=chimera and each option sent.
func singleAgent(r *row) string {
	gpu, ctx, temp := r.str("num_gpu"), r.str("num_ctx"), r.str("temperature")
	switch {
	case gpu == "" && ctx == "" && temp == "":
		for _, c := range []string{"top_p", "top_k", "repeat_penalty"} {
			if r.str(c) != "" {
				r.fail(c, "sent without num_gpu, num_ctx and temperature")
			}
		}
		return "agent=baseline"
	case gpu == "" || ctx == "" || temp == "":
		r.fail("num_gpu", "num_gpu, num_ctx and temperature must be all set or all empty")
		return ""
	}
	name := fmt.Sprintf("agent=chimera/num_gpu=%d/num_ctx=%d/temp=%s", r.int("num_gpu"), r.int("num_ctx"), strconv.FormatFloat(r.float("temperature"), 'f', -1, 64))
	for _, o := range []string{"top_p", "top_k", "repeat_penalty"} {
		if v := r.seg(o); v != "" {
			name += "/" + o + "=" + v
		}
	}
	return name
}
