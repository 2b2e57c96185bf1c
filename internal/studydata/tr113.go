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

// multiUnits are the units of a Rust multi-agent run (TR113, TR115_v2,
// TR116 Rust): the TR114 baseline's units, so that benchstat lines the
// reports up unit by unit, and the server's load time summed over the
// run's calls, which on one instance holds the time a call waited for the
// runner the other agent's options had loaded.
var multiUnits = append(slices.Clone(tr114Units), "load-ns")

// evalSums are the summed decode tokens, decode time and load time of one
// run's calls.
type evalSums struct{ tokens, evalMS, loadMS float64 }

// joinKey is the value of the columns cols of r, joined: the key on which
// a multi-agent llm_calls.csv joins its runs.csv.
func joinKey(r *row, cols ...string) string {
	vs := make([]string, len(cols))
	for i, c := range cols {
		vs[i] = r.str(c)
	}
	return strings.Join(vs, "\x00")
}

// sumCalls sums eval_count, eval_duration_ms and load_duration_ms of the
// calls in t per joinKey(cols).
func sumCalls(t *table, cols ...string) (map[string]*evalSums, error) {
	by := map[string]*evalSums{}
	for i := range t.rows {
		r := t.row(i)
		k := joinKey(r, cols...)
		s := by[k]
		if s == nil {
			s = &evalSums{}
			by[k] = s
		}
		s.tokens += r.float("eval_count")
		s.evalMS += r.float("eval_duration_ms")
		s.loadMS += r.float("load_duration_ms")
		if r.err != nil {
			return nil, r.err
		}
	}
	return by, nil
}

// rustRun returns the values, in multiUnits order, of one row of a Rust
// demo_multiagent runs.csv (TR113, TR114_v2, TR115_v2 and TR116 share its
// layout), with s the sums of its calls. It records on r an error if the
// stored efficiency, speedup, sequential estimate or contention flag does
// not follow from the stored times, as TR114 does.
func rustRun(r *row, s *evalSums, callsFile string) []benchfmt.Value {
	a, b, wall := r.float("a_exec_time_s"), r.float("b_exec_time_s"), r.float("concurrent_wall_s")
	leg := stats.LegacyEfficiency([]float64{a, b}, wall)
	if !agree(a+b, r.float("sequential_estimated_s")) {
		r.fail("sequential_estimated_s", fmt.Sprintf("stored %v is not a + b = %v", r.float("sequential_estimated_s"), a+b))
	}
	if !agree(leg.EfficiencyPct, r.float("efficiency_pct")) || !agree(leg.Speedup, r.float("speedup")) {
		r.fail("efficiency_pct", fmt.Sprintf("stored %v%% (speedup %v) does not follow from a, b, wall: %v%%", r.float("efficiency_pct"), r.float("speedup"), leg.EfficiencyPct))
	}
	if got := fmt.Sprint(leg.Contended); got != r.str("contention_flag") {
		r.fail("contention_flag", fmt.Sprintf("stored %s, speedup < 1.5 gives %s", r.str("contention_flag"), got))
	}
	tokens := float64(r.int("a_total_tokens") + r.int("b_total_tokens"))
	aNS, bNS, wallNS := ns(a, 1), ns(b, 1), ns(wall, 1)
	vals := []benchfmt.Value{
		value(r.float("efficiency_pct"), "eff-%"),
		value(r.float("speedup"), "legacy-speedup-x"),
		value(tokens/wall, "agg-tok/s"),
	}
	if s == nil {
		r.fail("run_number", "no calls in "+callsFile)
		s = &evalSums{}
	} else if s.evalMS > 0 {
		vals = append(vals, value(s.tokens/(s.evalMS/1e3), "tok/s"))
	}
	return append(vals,
		value(stats.BalanceBoundPct([]float64{a, b}), "balance-%"),
		value(aNS, "a-ns"),
		value(bNS, "b-ns"),
		value(wallNS, "wall-ns"),
		value(wallNS-math.Max(aNS, bNS), "overhead-ns"),
		value(ns(s.loadMS, 1e-3), "load-ns"),
	)
}

// agentOptions is what one agent of a runs.csv row sent (prefix "a_" or
// "b_"): num_gpu, num_ctx and temperature, all empty for an agent that sent
// none (the server's defaults).
func agentOptions(r *row, prefix string) string {
	return r.str(prefix+"num_gpu") + "/" + r.str(prefix+"num_ctx") + "/" + r.str(prefix+"temperature")
}

// TR113Files converts dir/tr113/runs.csv and dir/tr113/llm_calls.csv,
// naming each run after the TR114_v2 test of dir/tr114/runs.csv that sent
// the same options.
func TR113Files(dir string) ([]benchfmt.Record, error) {
	var rs []io.Reader
	var names []string
	for _, p := range []string{"tr113/runs.csv", "tr113/llm_calls.csv", "tr114/runs.csv"} {
		p = filepath.Join(dir, filepath.FromSlash(p))
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("convert TR113: %w", err)
		}
		defer f.Close()
		rs, names = append(rs, f), append(names, p)
	}
	return TR113(rs[0], rs[1], rs[2], names[0], names[1], names[2])
}

// TR113 converts tr113/runs.csv (TR113: the Rust multi-agent v1, one
// persona call per agent, both agents on ONE Ollama instance, 19 configs ×
// 1 run) and tr113/llm_calls.csv (its calls) into benchfmt records named as
// the instances=1 half of the TR114 baseline:
//
//	TR114/scenario=<scenario>/test=<id>/instances=1/dir=<config_id>
//
// test is the TR114_v2 test (from tr114/runs.csv, the matrix) whose agents
// sent the same num_gpu, num_ctx and temperature, the first in that file's
// order; a config TR114_v2 never ran (temperature 0.6 against the
// baseline agent, the two hetero pairs) has no test segment. dir, the
// study's config directory, keeps the names unique; benchstat -ignore /dir
// pools them with TR114's. The values are TR114's (see TR114) and load-ns,
// the server's load_duration summed over the run's calls. TR113's
// agents also sent top_p, top_k and repeat_penalty, which TR114_v2's did
// not, and made one call each instead of two: the config lines say so.
// TR113 fails where TR114 fails, and if the two agents of a run used
// different instances.
func TR113(runs, llmCalls, tr114Runs io.Reader, runsFile, callsFile, tr114File string) ([]benchfmt.Record, error) {
	matrix, err := readTable(tr114Runs, tr114File)
	if err != nil {
		return nil, err
	}
	testOf := map[string]string{}
	for i := range matrix.rows {
		r := matrix.row(i)
		k := r.str("scenario") + " " + agentOptions(r, "a_") + " " + agentOptions(r, "b_")
		if _, ok := testOf[k]; !ok {
			testOf[k] = r.seg("test_id")
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	calls, err := readTable(llmCalls, callsFile)
	if err != nil {
		return nil, err
	}
	sums, err := sumCalls(calls, "config_id", "run_number")
	if err != nil {
		return nil, err
	}
	t, err := readTable(runs, runsFile)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(multiUnits)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", runsFile, err)
	}
	var model string
	var cfg []benchfmt.Config
	for i := range t.rows {
		r := t.row(i)
		if m := r.seg("a_model"); model == "" {
			model = m
			cfg = fileConfig(append(withCommit(machine("github.com/chimeraforge/chimeraforge/tr114",
				"chimeraforge-study TR113 src/rust/demo_multiagent/Demo_rust_multiagent_results"),
				"405b1eb65e18c6fb6bc6bfbd46f0d18a531da6fa"),
				[2]string{"instances", "1"}, [2]string{"model", model}, [2]string{"agent-runtime", "rust"},
				[2]string{"agent-workflow", "v1 one persona call per agent"}))
		}
		if r.str("a_model") != model || r.str("b_model") != model {
			r.fail("a_model", "runs use more than one model; the baseline has one model config line")
		}
		if r.str("a_url") != r.str("b_url") {
			r.fail("b_url", "agents on two instances; the baseline's config line says instances: 1")
		}
		vals := rustRun(r, sums[joinKey(r, "config_id", "run_number")], callsFile)
		name := "TR114/scenario=" + r.seg("scenario")
		if id, ok := testOf[r.str("scenario")+" "+agentOptions(r, "a_")+" "+agentOptions(r, "b_")]; ok {
			name += "/test=" + id
		}
		name += "/instances=1/dir=" + r.seg("config_id")
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}
