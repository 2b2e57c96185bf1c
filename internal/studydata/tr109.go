package studydata

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/perf/benchfmt"
)

// tr109Units are the units of the TR109 baseline, in the order written.
var tr109Units = []string{
	"ns/op",         // execution_time_s: one workflow run (ingest + 2 calls), as BenchmarkTR109's ns/op
	"tok/s",         // avg_throughput_tok_s: mean of the 2 calls' eval_count / eval_duration
	"study-ttft-ns", // avg_ttft_ms: mean of the 2 calls' TTFT (values fit load + prompt eval)
}

// tr109ChimeraOptions are the options TR109's chimera agent sent besides
// the swept ones, in every run; the Go agent (like TR111's Rust agent)
// sends only the swept ones.
var tr109ChimeraOptions = [][2]string{{"top_p", "0.9"}, {"top_k", "40"}, {"repeat_penalty", "1.1"}}

// TR109File converts dir/tr109/agent_runs.csv (dir as from Dir).
func TR109File(dir string) ([]benchfmt.Record, error) {
	p := filepath.Join(dir, "tr109", "agent_runs.csv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("convert TR109: %w", err)
	}
	defer f.Close()
	return TR109(f, p)
}

// TR109 converts tr109/agent_runs.csv (TR109's Python agents, one row per
// agent run of 2 LLM calls; per-call data were never saved) into benchfmt
// records: Unit lines, then one result per agent run named
//
//	TR109/agent=baseline/dir=<config_id>/study-agent=baseline
//	TR109/agent=chimera/num_gpu=60/num_ctx=512/temp=0.8/dir=<config_id>/study-agent=chimera
//
// the names of BenchmarkTR109's sub-benchmarks (harness.AgentConfig) plus
// the study-only keys dir (each config directory ran its own baseline
// agent) and study-agent (drop them with benchstat -ignore
// BenchstatIgnore). The chimera agent's extra options, the same in every
// run, are a file config line (study-chimera-options); TR109 fails if a
// row sends others, or if the baseline agent sent any option.
//
// tok/s is the study's per-run mean of the two calls' decode rates (ours is
// Σ eval_count / Σ eval_duration), study-ttft-ns the mean of its two TTFTs
// (the definition is lost; the values fit load + prompt eval), and ns/op
// the run's execution time (ingest and both calls). file names the input
// in errors.
func TR109(agentRuns io.Reader, file string) ([]benchfmt.Record, error) {
	t, err := readTable(agentRuns, file)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(tr109Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", file, err)
	}
	extra := ""
	for _, o := range tr109ChimeraOptions {
		extra += fmt.Sprintf(" %s=%s", o[0], o[1])
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr109", "chimeraforge-study TR109 data/research/chimera_sweep"),
		[2]string{"instances", "1"}, [2]string{"model", "gemma3:latest"}, [2]string{"study-chimera-options", extra[1:]}))
	for i := range t.rows {
		r := t.row(i)
		name := tr109Name(r)
		if m := r.str("model"); m != "gemma3:latest" {
			r.fail("model", fmt.Sprintf("%q, want gemma3:latest (the file config says so)", m))
		}
		vals := []benchfmt.Value{
			value(ns(r.float("execution_time_s"), 1), "ns/op"),
			value(r.float("avg_throughput_tok_s"), "tok/s"),
			value(ns(r.float("avg_ttft_ms"), 1e-3), "study-ttft-ns"),
		}
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}

func tr109Name(r *row) string {
	agent := r.str("agent")
	name := "TR109/agent=baseline"
	switch agent {
	case "baseline":
		for _, c := range []string{"num_gpu", "num_ctx", "temperature", "top_p", "top_k", "repeat_penalty"} {
			if r.str(c) != "" {
				r.fail(c, "the baseline agent sent an option")
			}
		}
	case "chimera":
		for _, o := range tr109ChimeraOptions {
			if v := r.str(o[0]); v != o[1] {
				r.fail(o[0], fmt.Sprintf("%q, want %s in every chimera run (the file config says so)", v, o[1]))
			}
		}
		name = fmt.Sprintf("TR109/agent=chimera/num_gpu=%d/num_ctx=%d/temp=%s",
			r.int("num_gpu"), r.int("num_ctx"), strconv.FormatFloat(r.float("temperature"), 'f', -1, 64))
	default:
		r.fail("agent", fmt.Sprintf("unknown agent %q", agent))
	}
	return name + "/dir=" + r.seg("config_id") + "/study-agent=" + agent
}
