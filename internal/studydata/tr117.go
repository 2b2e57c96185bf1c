package studydata

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// tr117Units are the units of the TR117 baseline, in the order written: a
// multi-agent run's (TR114's and the Rust runs' load-ns), an agent call's,
// the tier-3 latencies (e2e-ns) and the loop-lag monitor's iterations
// (ns/op).
var tr117Units = append(slices.Clone(multiUnits), "ttft-ns", "e2e-ns", "ns/op")

// TR117LoopSleep is what the study's loop-lag monitor asked for on every
// iteration: asyncio.sleep(0.1). Its lag is the oversleep beyond it.
const TR117LoopSleep = 100_000_000 // ns

// tr117PhaseOneModel is the model of phase 1, whose loop_lag.csv and
// chunk_metrics.csv rows do not name it: the pack took them from
// phase1/gemma3_latest/<condition>/ (its README), and every phase-1 pair
// in multiagent_python_runs.csv says gemma3_latest, which TR117 checks.
const tr117PhaseOneModel = "gemma3:latest"

// TR117Inputs are TR117's CSVs (dir/tr117), each with the name errors give
// it.
type TR117Inputs struct {
	PythonRuns, RustRuns, RustCalls, LoopLag, Tier3 io.Reader
	Files                                           [5]string // in field order
}

// tr117Names are the files of TR117Inputs, in field order.
var tr117Names = [5]string{"multiagent_python_runs.csv", "phase2_rust_runs.csv", "phase2_rust_llm_calls.csv", "loop_lag.csv", "tier3_gpu_run_files.csv"}

// TR117Files converts the TR117 CSVs of dir/tr117 into the baseline
// (TR117); TR117ChunkFile converts the chunk metrics.
func TR117Files(dir string) ([]benchfmt.Record, error) {
	var in TR117Inputs
	rs := []*io.Reader{&in.PythonRuns, &in.RustRuns, &in.RustCalls, &in.LoopLag, &in.Tier3}
	for i, n := range tr117Names {
		p := filepath.Join(dir, "tr117", n)
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("convert TR117: %w", err)
		}
		defer f.Close()
		*rs[i], in.Files[i] = f, p
	}
	return TR117(in)
}

// TR117 converts the data of TR117 (the tier-3 cross-backend runs, of
// which only the GPU backends' per-file summaries survive) and of
// TR117_multi_agent (instrumented Python pairs, their loop-lag monitor,
// and Rust runs of phase 2) into benchfmt records, one result per line of
// data:
//
//	TR117Agents/lang=python/model=<tag>/condition=<c>/agents=2/op=run          a Python pair
//	TR117Agents/lang=rust/model=<tag>/scenario=<s>/agents=2/op=run             a phase-2 Rust run
//	TR117Agents/lang=python/model=<tag>/condition=<c>/agents=2/op=sleep-100ms  a loop-lag sample
//	TR117/backend=<b>/model=tiny-gpt2/scenario=<s>/quant=<q>/stat=<stat>        a tier-3 run file
//
// A Python pair (one streamed persona call per agent, each agent on its
// own instance) carries the study's stored eff-% and legacy-speedup-x,
// which are (a + b) / wall / 2 with a and b the agents' client wall clocks
// (a-ns, b-ns, also e2e-ns as their mean), the wall time, agg-tok/s,
// tok/s (Σ eval_count / Σ eval_duration), balance-%, overhead-ns, and the
// mean of the agents' ttft-ns as the study measured it (to the first
// parsed JSON line). condition is the read buffer (default, buf8192,
// buf65536) or the throttle (60tps). A Rust run carries TR114's units and
// load-ns. A loop-lag sample is one iteration of the study's monitor,
// asyncio.sleep(0.1) and the lag after it: ns/op is TR117LoopSleep plus
// the lag. A tier-3 run file has one line per statistic the summary kept
// (stat = first, median-rest, mean, mean-excl-first, median, p99, max),
// each in e2e-ns with the file's sample count as iterations.
//
// TR117 fails if a stored efficiency, speedup or token count does not
// follow from the stored times and counts, if both agents of a pair used
// one instance, or if phase 1 ran another model than the loop-lag rows
// are named with.
func TR117(in TR117Inputs) ([]benchfmt.Record, error) {
	tables := make([]*table, 5)
	for i, r := range []io.Reader{in.PythonRuns, in.RustRuns, in.RustCalls, in.LoopLag, in.Tier3} {
		t, err := readTable(r, in.Files[i])
		if err != nil {
			return nil, err
		}
		tables[i] = t
	}
	pyRuns, rustRuns, rustCalls, lag, tier3 := tables[0], tables[1], tables[2], tables[3], tables[4]
	recs, err := unitRecords(tr117Units)
	if err != nil {
		return nil, fmt.Errorf("convert TR117: %w", err)
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr117", "chimeraforge-study TR117 experiments/TR117_multiagent, experiments/TR120 (tier-3 summary)"),
		[2]string{"agent-runtime", "python asyncio httpx, rust tokio-default"}))
	add := func(r *row, name string, iters int, vals []benchfmt.Value) error {
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return err
		}
		res.Iters = iters
		recs = append(recs, res)
		return nil
	}

	for i := range pyRuns.rows {
		r := pyRuns.row(i)
		tag := modelTag(r, "model_dir")
		if r.str("phase") == "phase1" && tag != tr117PhaseOneModel {
			r.fail("model_dir", "phase 1 ran "+tag+"; the loop-lag rows are named "+tr117PhaseOneModel)
		}
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; each agent of a pair had its own")
		}
		name := fmt.Sprintf("TR117Agents/lang=python/model=%s/condition=%s/agents=2/op=run", tag, r.seg("condition"))
		if err := add(r, name, 1, tr117PythonRun(r)); err != nil {
			return nil, err
		}
	}

	sums, err := sumCalls(rustCalls, "model_dir", "run_number")
	if err != nil {
		return nil, err
	}
	for i := range rustRuns.rows {
		r := rustRuns.row(i)
		if r.str("a_model") != r.str("b_model") || modelTag(r, "model_dir") != r.str("a_model") {
			r.fail("a_model", "the agents ran different models, or not the model of model_dir")
		}
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; phase 2 ran each on its own")
		}
		vals := rustRun(r, sums[joinKey(r, "model_dir", "run_number")], in.Files[2])
		name := fmt.Sprintf("TR117Agents/lang=rust/model=%s/scenario=%s/agents=2/op=run", r.seg("a_model"), r.seg("scenario"))
		if err := add(r, name, 1, vals); err != nil {
			return nil, err
		}
	}

	for i := range lag.rows {
		r := lag.row(i)
		name := fmt.Sprintf("TR117Agents/lang=python/model=%s/condition=%s/agents=2/op=sleep-100ms", tr117PhaseOneModel, r.seg("condition"))
		if err := add(r, name, 1, []benchfmt.Value{value(TR117LoopSleep+ns(r.float("lag_ms"), 1e-3), "ns/op")}); err != nil {
			return nil, err
		}
	}

	statCols := []struct{ name, col string }{
		{"first", "first_ms"}, {"median-rest", "median_rest_ms"}, {"mean", "mean_ms"}, {"mean-excl-first", "mean_excl_first_ms"},
		{"median", "median_ms"}, {"p99", "p99_ms"}, {"max", "max_ms"},
	}
	for i := range tier3.rows {
		r := tier3.row(i)
		model, ok := strings.CutPrefix(r.str("model"), "models/")
		if !ok {
			r.fail("model", "not under models/")
		}
		base := fmt.Sprintf("TR117/backend=%s/model=%s/scenario=%s/quant=%s", r.seg("backend"), model, r.seg("scenario"), r.seg("quantization"))
		n := r.int("n_samples")
		for _, s := range statCols {
			if err := add(r, base+"/stat="+s.name, n, []benchfmt.Value{value(ns(r.float(s.col), 1e-3), "e2e-ns")}); err != nil {
				return nil, err
			}
		}
	}
	return recs, nil
}

// modelTag is the Ollama tag of a model directory: gemma3_latest is
// gemma3:latest, qwen2_5_7b is qwen2.5:7b.
func modelTag(r *row, col string) string {
	switch d := r.str(col); d {
	case "gemma3_latest":
		return "gemma3:latest"
	case "qwen2_5_7b":
		return "qwen2.5:7b"
	default:
		r.fail(col, fmt.Sprintf("unknown model directory %q", d))
		return d
	}
}

// tr117PythonRun returns the values of one instrumented Python pair and
// records on r an error if its stored speedup or efficiency does not
// follow from the agents' client wall clocks and the wall time, or an
// agent's token count is not its eval_count.
func tr117PythonRun(r *row) []benchfmt.Value {
	var walls, ttfts []float64
	var tokens, evalNS float64
	for _, p := range []string{"a_", "b_"} {
		if r.int(p+"tokens") != r.int(p+"eval_count") {
			r.fail(p+"tokens", "is not "+p+"eval_count")
		}
		walls = append(walls, r.float(p+"total_duration_ms"))
		ttfts = append(ttfts, r.float(p+"ttft_ms"))
		tokens += r.float(p + "eval_count")
		evalNS += r.float(p + "eval_duration_ns")
	}
	wall := r.float("concurrent_wall_ms")
	leg := stats.LegacyEfficiency(walls, wall)
	if !agree(leg.EfficiencyPct, r.float("efficiency_pct")) || !agree(leg.Speedup, r.float("speedup")) {
		r.fail("efficiency_pct", fmt.Sprintf("stored %v%% (speedup %v) does not follow from the agents' wall clocks and the wall: %v%%", r.float("efficiency_pct"), r.float("speedup"), leg.EfficiencyPct))
	}
	aNS, bNS, wallNS := ns(walls[0], 1e-3), ns(walls[1], 1e-3), ns(wall, 1e-3)
	return []benchfmt.Value{
		value(r.float("efficiency_pct"), "eff-%"),
		value(r.float("speedup"), "legacy-speedup-x"),
		value(tokens/(wall/1e3), "agg-tok/s"),
		value(tokens/(evalNS/1e9), "tok/s"),
		value(stats.BalanceBoundPct(walls), "balance-%"),
		value(aNS, "a-ns"),
		value(bNS, "b-ns"),
		value(wallNS, "wall-ns"),
		value(wallNS-math.Max(aNS, bNS), "overhead-ns"),
		value(ns(stats.Mean(ttfts), 1e-3), "ttft-ns"),
		value((aNS+bNS)/2, "e2e-ns"),
	}
}

// TR117ChunkFile converts dir/tr117/chunk_metrics.csv (TR117Chunks).
func TR117ChunkFile(dir string) ([]benchfmt.Record, error) {
	p := filepath.Join(dir, "tr117", "chunk_metrics.csv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("convert TR117 chunks: %w", err)
	}
	defer f.Close()
	return TR117Chunks(f, p)
}

// TR117Chunks converts TR117_multi_agent's per-chunk stream metrics of
// phase 1 (every HTTP chunk either agent of a pair read, over the five
// runs of each read-buffer condition) into one result per chunk,
//
//	TR117Chunks/condition=<c>/agent=<collector|insight>
//
// with itl-ns the chunk's gap since that agent's previous chunk, as the
// study wrote it: 0 for an agent's first chunk of a run. The model and
// the agents' runtime are config lines: 5277 names are kept short.
func TR117Chunks(chunks io.Reader, file string) ([]benchfmt.Record, error) {
	t, err := readTable(chunks, file)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords([]string{"itl-ns"})
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", file, err)
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr117", "chimeraforge-study TR117 experiments/TR117_multiagent phase 1"),
		[2]string{"agent-runtime", "python asyncio httpx"}, [2]string{"model", tr117PhaseOneModel}))
	for i := range t.rows {
		r := t.row(i)
		name := fmt.Sprintf("TR117Chunks/condition=%s/agent=%s", r.seg("condition"), r.seg("agent"))
		res, err := r.result(cfg, name, []benchfmt.Value{value(ns(r.float("gap_ms"), 1e-3), "itl-ns")})
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}
