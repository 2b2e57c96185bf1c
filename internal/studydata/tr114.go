package studydata

import (
	"fmt"
	"io"
	"math"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"golang.org/x/perf/benchfmt"
)

// tr114Units are the units of the TR114 baseline, in the order written;
// internal/units says which way each is better.
var tr114Units = []string{
	"eff-%",            // stored efficiency_pct: legacy (a+b)/wall/2×100
	"legacy-speedup-x", // stored speedup: legacy (a+b)/wall
	"agg-tok/s",        // (a_total_tokens + b_total_tokens) / concurrent_wall_s
	"tok/s",            // Σ eval_count / Σ eval_duration over both agents' calls
	"balance-%",        // (a+b) / (2·max(a,b)) × 100
	"a-ns",             // agent A's time inside the concurrent run
	"b-ns",             // agent B's time inside the concurrent run
	"wall-ns",          // concurrent wall time
	"overhead-ns",      // wall − max(a, b)
}

// TR114 converts tr114/runs.csv (TR114_v2, one row per concurrent run of
// two agents on two Ollama instances) and tr114/llm_calls.csv (its calls)
// into benchfmt records: Unit lines, then one result per run named
//
//	TR114/scenario=<scenario>/test=<test_id>/instances=2
//
// with the study's legacy efficiency (eff-%) and speedup
// (legacy-speedup-x) as stored, the per-agent and wall times they came
// from (a-ns, b-ns, wall-ns, so that stats.LegacyEfficiency recomputes
// them), the aggregate rate of both agents against the wall clock
// (agg-tok/s), their decode rate (tok/s, from the joined calls), the
// balance bound and the coordination overhead. The corrected speedup-x
// needs each agent's time alone, which the study never measured: it is
// absent. TR114 fails if a stored efficiency, speedup or contention flag
// does not follow from the stored times, or if both agents of a run used
// one instance. Files name the inputs in errors.
func TR114(runs, llmCalls io.Reader, runsFile, callsFile string) ([]benchfmt.Record, error) {
	calls, err := readTable(llmCalls, callsFile)
	if err != nil {
		return nil, err
	}
	type sums struct{ tokens, evalMS float64 }
	bySum := map[[2]string]*sums{}
	for i := range calls.rows {
		r := calls.row(i)
		k := [2]string{r.str("test_id"), r.str("run_number")}
		s := bySum[k]
		if s == nil {
			s = &sums{}
			bySum[k] = s
		}
		s.tokens += r.float("eval_count")
		s.evalMS += r.float("eval_duration_ms")
		if r.err != nil {
			return nil, r.err
		}
	}

	t, err := readTable(runs, runsFile)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(tr114Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", runsFile, err)
	}
	var model string
	var cfg []benchfmt.Config
	for i := range t.rows {
		r := t.row(i)
		if m := r.seg("a_model"); model == "" {
			model = m
			cfg = fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr114", "chimeraforge-study TR114_v2 data/research/tr110_rust_full"),
				[2]string{"instances", "2"}, [2]string{"model", model}, [2]string{"agent-runtime", "rust tokio-default"}))
		}
		if r.str("a_model") != model || r.str("b_model") != model {
			r.fail("a_model", "runs use more than one model; the baseline has one model config line")
		}
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; the baseline's config line says instances: 2")
		}
		a, b, wall := r.float("a_exec_time_s"), r.float("b_exec_time_s"), r.float("concurrent_wall_s")
		leg := stats.LegacyEfficiency([]float64{a, b}, wall)
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
		s := bySum[[2]string{r.str("test_id"), r.str("run_number")}]
		if s == nil {
			r.fail("test_id", "no calls in "+callsFile)
		} else if s.evalMS > 0 {
			vals = append(vals, value(s.tokens/(s.evalMS/1e3), "tok/s"))
		}
		vals = append(vals,
			value(stats.BalanceBoundPct([]float64{a, b}), "balance-%"),
			value(aNS, "a-ns"),
			value(bNS, "b-ns"),
			value(wallNS, "wall-ns"),
			value(wallNS-math.Max(aNS, bNS), "overhead-ns"),
		)
		name := fmt.Sprintf("TR114/scenario=%s/test=%s/instances=2", r.seg("scenario"), r.seg("test_id"))
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}

// agree reports whether a and b agree to 1e-9 relative: the stored values
// are the study's own float64 arithmetic on the same inputs.
func agree(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }
