package studydata

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// tr110Units are the units of the TR110 baseline, in the order written.
// The lost Python harness saved no per-call data, so there is no decode
// rate (tok/s needs eval_duration); the contention flag and the agents'
// TTFT are kept because the report's contention rule is about them.
var tr110Units = []string{
	"eff-%",            // legacy (a+b)/wall/2×100, computed: the study never stored it
	"legacy-speedup-x", // stored concurrency_speedup = (a+b)/wall
	"contention-%",     // stored resource_contention_detected: 100 if flagged, 0 if not
	"agg-tok/s",        // (a_total_tokens + b_total_tokens) / concurrent_wall_s
	"balance-%",        // (a+b) / (2·max(a,b)) × 100
	"study-ttft-ns",    // the higher of the two agents' mean TTFT, as the lost harness recorded it
	"a-ns",             // agent A's time inside the concurrent run
	"b-ns",             // agent B's time inside the concurrent run
	"wall-ns",          // concurrent wall time
	"overhead-ns",      // wall − max(a, b)
}

// TR110File converts dir/tr110/runs.csv.
func TR110File(dir string) ([]benchfmt.Record, error) {
	p := filepath.Join(dir, "tr110", "runs.csv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("convert TR110: %w", err)
	}
	defer f.Close()
	return TR110(f, p)
}

// TR110 converts tr110/runs.csv (TR110: the Python agents, two at once on
// two Ollama instances, 30 tests × 5 runs; per-agent aggregates only) into
// benchfmt records: Unit lines, then one result per run named
//
//	TR110/scenario=<scenario>/test=<id>/instances=2/config=<config>
//
// config is the test's configuration from its cfg_* columns, spelled like
// the study's TR115 directories: gpu60_ctx512_temp0.8 (the chimera
// agent's, both agents' in chimera_homo), gpu60-80_ctx512-1024_temp0.8-0.6
// (agent A's and B's in chimera_hetero). The study never stored TR110's
// efficiency: eff-% is computed with stats.LegacyEfficiency from the
// agents' and the wall times, which the stored speedup must agree with.
// study-ttft-ns is the higher of the two agents' mean TTFT over their two
// calls. TR110 fails if the stored speedup, sequential estimate or
// contention flag does not follow from the stored times, if an agent did
// not make two calls, or if both agents used one instance. file names the
// input in errors.
func TR110(runs io.Reader, file string) ([]benchfmt.Record, error) {
	t, err := readTable(runs, file)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(tr110Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", file, err)
	}
	cfg := fileConfig(append(withCommit(machine("github.com/chimeraforge/chimeraforge/tr110",
		"chimeraforge-study TR110 src/python/banterhearts/demo_multiagent/comprehensive_test_results"),
		"ac38ad299b4cd9a1b8ea81c8739b2ba72a0c2423"),
		[2]string{"instances", "2"}, [2]string{"agent-runtime", "python asyncio"}, [2]string{"agent-workflow", "analysis and report calls per agent"}))
	for i := range t.rows {
		r := t.row(i)
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; the baseline's config line says instances: 2")
		}
		for _, c := range []string{"a_total_requests", "b_total_requests"} {
			if r.int(c) != 2 {
				r.fail(c, "not 2 calls")
			}
		}
		a, b, wall := r.float("a_exec_time_s"), r.float("b_exec_time_s"), r.float("concurrent_wall_s")
		leg := stats.LegacyEfficiency([]float64{a, b}, wall)
		if !agree(a+b, r.float("sequential_estimated_s")) {
			r.fail("sequential_estimated_s", fmt.Sprintf("stored %v is not a + b = %v", r.float("sequential_estimated_s"), a+b))
		}
		if !agree(leg.Speedup, r.float("speedup")) {
			r.fail("speedup", fmt.Sprintf("stored %v does not follow from a, b, wall: %v", r.float("speedup"), leg.Speedup))
		}
		flagged, err := strconv.ParseBool(r.str("contention_flag"))
		if err != nil {
			r.fail("contention_flag", err.Error())
		} else if flagged != leg.Contended {
			r.fail("contention_flag", fmt.Sprintf("stored %v, speedup < 1.5 gives %v", flagged, leg.Contended))
		}
		contention := 0.0
		if flagged {
			contention = 100
		}
		tokens := float64(r.int("a_total_tokens") + r.int("b_total_tokens"))
		aNS, bNS, wallNS := ns(a, 1), ns(b, 1), ns(wall, 1)
		vals := []benchfmt.Value{
			value(leg.EfficiencyPct, "eff-%"),
			value(r.float("speedup"), "legacy-speedup-x"),
			value(contention, "contention-%"),
			value(tokens/wall, "agg-tok/s"),
			value(stats.BalanceBoundPct([]float64{a, b}), "balance-%"),
			value(ns(math.Max(r.float("a_avg_ttft_ms"), r.float("b_avg_ttft_ms")), 1e-3), "study-ttft-ns"),
			value(aNS, "a-ns"),
			value(bNS, "b-ns"),
			value(wallNS, "wall-ns"),
			value(wallNS-math.Max(aNS, bNS), "overhead-ns"),
		}
		name := fmt.Sprintf("TR110/scenario=%s/test=%s/instances=2/config=%s", r.seg("scenario"), r.seg("test_id"), tr110Config(r))
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}

// tr110Config spells a TR110 test's configuration: one config, or agent
// A's and B's joined by '-' per option where the test has a second one.
func tr110Config(r *row) string {
	opt := func(c1, c2 string) string {
		v1 := r.seg(c1)
		if v2 := r.seg(c2); v2 != "" {
			return v1 + "-" + v2
		}
		return v1
	}
	gpu, ctx, temp := opt("cfg_gpu_layers", "cfg_gpu2_layers"), opt("cfg_context", "cfg_context2"), opt("cfg_temperature", "cfg_temperature2")
	if gpu == "" || ctx == "" || temp == "" {
		r.fail("cfg_gpu_layers", "test configuration incomplete")
	}
	return "gpu" + gpu + "_ctx" + ctx + "_temp" + temp
}

// withCommit replaces the source-commit config of the study's machine
// lines: the data of TR110 and TR113 come from other commits than the rest.
func withCommit(kv [][2]string, commit string) [][2]string {
	for i := range kv {
		if kv[i][0] == "source-commit" {
			kv[i][1] = commit
		}
	}
	return kv
}
