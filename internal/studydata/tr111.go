package studydata

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"golang.org/x/perf/benchfmt"
)

// ColdLoad is the load_duration above which a study call counts as having
// paid a model (re)load: start=cold. Warm calls in TR111_v2 show 235–305 ms
// of load_duration (Ollama re-checks the loaded runner on every request),
// reloads 4.3–5.1 s; nothing lies in between.
const ColdLoad = time.Second

// tr111Units are the units of the TR111 baseline, in the order written;
// internal/units says which way each is better.
var tr111Units = []string{
	"tok/s",      // stored throughput_tok_s = eval_count / eval_duration (server)
	"ttft-ns",    // client: request start → first non-empty chunk
	"e2e-ns",     // client: request start → last chunk (total_duration_ms)
	"load-ns",    // server load_duration
	"prefill-ns", // server prompt_eval_duration
	"decode-ns",  // server eval_duration (tok/s × decode-ns = eval_count)
}

// TR111 converts tr111/llm_calls.csv (TR111_v2, one row per LLM call) into
// benchfmt records: Unit lines, then one result per call named
//
//	TR111/agent=baseline/start=warm/dir=<config_id>/study-agent=<agent>
//	TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=cold/dir=…/study-agent=chimera
//
// The leading segments are Chimeraforge's own names for what the agent
// sent: agent=baseline when it sent no options (the study's baseline agent,
// and the "chimera" agent of directory baseline_default, which ran with no
// chimera flags), start=cold when the call's load_duration exceeds
// ColdLoad. dir (the study's config directory) and study-agent (the
// study's label) let a reader select exactly the study's rows: drop them
// with benchstat -ignore /dir,/study-agent to pool like with like.
//
// A call whose reply carried no tokens (eval_count 0: two report calls of
// the study) has no server timings: only ttft-ns and e2e-ns are written.
// file names the input in errors.
func TR111(llmCalls io.Reader, file string) ([]benchfmt.Record, error) {
	t, err := readTable(llmCalls, file)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(tr111Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", file, err)
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr111", "chimeraforge-study TR111_v2 data/research/tr109_rust_full"),
		[2]string{"instances", "1"}, [2]string{"model", "gemma3:latest"}))
	for i := range t.rows {
		r := t.row(i)
		name, err := tr111Name(r)
		if err != nil {
			return nil, err
		}
		evalCount := r.int("eval_count")
		vals := []benchfmt.Value{}
		if evalCount > 0 {
			vals = append(vals, value(r.float("throughput_tok_s"), "tok/s"))
		}
		vals = append(vals,
			value(ns(r.float("ttft_ms"), 1e-3), "ttft-ns"),
			value(ns(r.float("total_duration_ms"), 1e-3), "e2e-ns"))
		if evalCount > 0 {
			vals = append(vals,
				value(ns(r.float("load_duration_ms"), 1e-3), "load-ns"),
				value(ns(r.float("prompt_eval_duration_ms"), 1e-3), "prefill-ns"),
				value(ns(r.float("eval_duration_ms"), 1e-3), "decode-ns"))
		}
		res, err := r.result(cfg, name, vals)
		if err != nil {
			return nil, err
		}
		recs = append(recs, res)
	}
	return recs, nil
}

func tr111Name(r *row) (string, error) {
	for _, c := range []string{"top_p", "top_k", "repeat_penalty"} {
		if r.str(c) != "" {
			r.fail(c, "option sent but not part of TR111's names")
		}
	}
	gpu, ctx, temp := r.str("num_gpu"), r.str("num_ctx"), r.str("temperature")
	name := "TR111/agent=baseline"
	switch {
	case gpu == "" && ctx == "" && temp == "":
	case gpu != "" && ctx != "" && temp != "":
		tv := r.float("temperature")
		name = fmt.Sprintf("TR111/agent=chimera/num_gpu=%d/num_ctx=%d/temp=%s",
			r.int("num_gpu"), r.int("num_ctx"), strconv.FormatFloat(tv, 'f', -1, 64))
	default:
		r.fail("num_gpu", "num_gpu, num_ctx and temperature must be all set or all empty")
	}
	start := "warm"
	if r.float("load_duration_ms")*float64(time.Millisecond) > float64(ColdLoad) {
		start = "cold"
	}
	name += "/start=" + start + "/dir=" + r.seg("config_id") + "/study-agent=" + r.seg("agent")
	return name, r.err
}
