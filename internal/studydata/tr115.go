package studydata

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// TR115Files converts dir/tr115/runs.csv and dir/tr115/llm_calls.csv.
func TR115Files(dir string) ([]benchfmt.Record, error) {
	rp, cp := filepath.Join(dir, "tr115", "runs.csv"), filepath.Join(dir, "tr115", "llm_calls.csv")
	runs, err := os.Open(rp)
	if err != nil {
		return nil, fmt.Errorf("convert TR115: %w", err)
	}
	defer runs.Close()
	calls, err := os.Open(cp)
	if err != nil {
		return nil, fmt.Errorf("convert TR115: %w", err)
	}
	defer calls.Close()
	return TR115(runs, calls, rp, cp)
}

// TR115 converts tr115/runs.csv (TR115_v2: the TR114_v2 agents built for
// five Rust async runtimes, 6 configs × 5 runs each, two Ollama instances)
// and tr115/llm_calls.csv (its calls) into benchfmt records, one result per
// run named
//
//	TR115/runtime=<runtime>/scenario=<scenario>/config=<config>/instances=2
//
// where config is the study's config directory without its scenario
// prefix (gpu80_ctx512, gpu80-100_ctx512-1024). The values are TR113's
// (TR114's and load-ns), and TR115 fails where TR114 fails. The runs of a
// runtime and config come in run order (the k-th such line is run_k, as
// the study's directories number them); TR115 fails if runs.csv has them
// in another order.
func TR115(runs, llmCalls io.Reader, runsFile, callsFile string) ([]benchfmt.Record, error) {
	calls, err := readTable(llmCalls, callsFile)
	if err != nil {
		return nil, err
	}
	sums, err := sumCalls(calls, "runtime", "config_id", "run_number")
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
	seen := map[string]int{}
	for i := range t.rows {
		r := t.row(i)
		k := joinKey(r, "runtime", "config_id")
		seen[k]++
		if r.int("run_number") != seen[k] {
			r.fail("run_number", fmt.Sprintf("run %d of its runtime and config comes in line %d of them", r.int("run_number"), seen[k]))
		}
		if m := r.seg("a_model"); model == "" {
			model = m
			cfg = fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr115", "chimeraforge-study TR115_v2 data/research/tr115_results_v2"),
				[2]string{"instances", "2"}, [2]string{"model", model}, [2]string{"agent-workflow", "v2 analysis and report calls per agent"}))
		}
		if r.str("a_model") != model || r.str("b_model") != model {
			r.fail("a_model", "runs use more than one model; the baseline has one model config line")
		}
		if r.str("a_url") == r.str("b_url") {
			r.fail("b_url", "both agents on one instance; the baseline's config line says instances: 2")
		}
		vals := rustRun(r, sums[joinKey(r, "runtime", "config_id", "run_number")], callsFile)
		config, ok := strings.CutPrefix(r.seg("config_id"), r.seg("scenario")+"_")
		if !ok {
			r.fail("config_id", "does not start with the scenario "+r.str("scenario"))
		}
		name := fmt.Sprintf("TR115/runtime=%s/scenario=%s/config=%s/instances=2", r.seg("runtime"), r.str("scenario"), config)
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}
