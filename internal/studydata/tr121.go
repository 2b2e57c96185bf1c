package studydata

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// TR121Run is the run of the TR121v1 report (the scaling study's main
// run): 3 scenarios × 19 models and backends × (1 warm-up + 3) calls.
const TR121Run = "20251224_002149"

// tr121Units are the units of the TR121 baseline, in the order written.
var tr121Units = []string{
	"prefill-ns",     // Hugging Face: one forward with use_cache; Ollama: prompt_eval_duration
	"decode-ns",      // Hugging Face: the KV decode loop; Ollama: eval_duration, as measured (not projected)
	"tok/s",          // generated tokens / decode-ns: the decode's own rate
	"prompt-tok",     // prompt tokens (attention_mask.sum(); prompt_eval_count)
	"load-ns",        // Ollama load_duration; Hugging Face model load (warm-ups)
	"degraded-calls", // a call whose status was not ok
}

// TR121File converts dir/tr121/calls.csv (dir as from Dir).
func TR121File(dir string) ([]benchfmt.Record, error) {
	p := filepath.Join(dir, "tr121", "calls.csv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("convert TR121: %w", err)
	}
	defer f.Close()
	return TR121(f, p)
}

// TR121 converts the TR121Run calls of tr121/calls.csv into benchfmt
// records, one result per call:
//
//	TR121/backend=<hf_cpu_fp32|hf_gpu_fp16|ollama>/model=<m>/params=<millions>/scenario=<s>/gen=<target>/start=<warmup|warm>
//
// model is the study's (a Hugging Face path without its "models/"), params
// the count its fits used: params_millions_measured when positive, else
// params_millions. decode-ns and tok/s are the decode as measured; the
// study's fixed-length projection (kv_decode_ms_equiv: Ollama stopped
// early on some calls) is gen / tok/s, and TR121 fails where the stored
// projection disagrees, or where a Hugging Face call decoded other than
// gen tokens. A failed call is one result with degraded-calls.
func TR121(calls io.Reader, file string) ([]benchfmt.Record, error) {
	t, err := readTable(calls, file)
	if err != nil {
		return nil, err
	}
	recs, err := unitRecords(tr121Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", file, err)
	}
	cfg := fileConfig(append(machine("github.com/chimeraforge/chimeraforge/tr121", "chimeraforge-study TR121v1 experiments/tr121/results/"+TR121Run),
		[2]string{"num-predict", "64"}))
	n := 0
	for i := range t.rows {
		r := t.row(i)
		if r.str("run_id") != TR121Run {
			continue
		}
		params := r.str("params_millions_measured")
		if v, err := strconv.ParseFloat(params, 64); err != nil || v <= 0 {
			params = r.str("params_millions")
		}
		start := "warm"
		if r.str("is_warmup") == "true" {
			start = "warmup"
		}
		gen := r.int("gen_tokens_target")
		name := fmt.Sprintf("TR121/backend=%s/model=%s/params=%s/scenario=%s/gen=%d/start=%s",
			r.str("backend"), strings.TrimPrefix(r.str("model"), "models/"), params, r.str("scenario"), gen, start)
		var vals []benchfmt.Value
		if r.str("status") != "ok" {
			vals = append(vals, value(1, "degraded-calls"))
		} else {
			decodeMS, raw := r.float("kv_decode_ms"), r.float("gen_tokens_raw")
			rate := raw / (decodeMS / 1e3)
			if r.str("backend") == "ollama" {
				if eq := r.float("kv_decode_ms_equiv"); math.Abs(eq-float64(gen)/rate*1e3) > 1e-9*eq {
					r.fail("kv_decode_ms_equiv", fmt.Sprintf("%v is not kv_decode_ms / gen_tokens_raw × %d", eq, gen))
				}
			} else if int(raw) != gen {
				r.fail("gen_tokens_raw", fmt.Sprintf("a Hugging Face call decoded %v tokens, not %d", raw, gen))
			}
			vals = append(vals,
				value(ns(r.float("prefill_ms"), 1e-3), "prefill-ns"),
				value(ns(decodeMS, 1e-3), "decode-ns"),
				value(rate, "tok/s"),
				value(r.float("prompt_tokens_raw"), "prompt-tok"))
			for _, col := range []string{"ollama_load_ms", "hf_load_ms"} {
				if r.str(col) != "" {
					vals = append(vals, value(ns(r.float(col), 1e-3), "load-ns"))
				}
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		recs = append(recs, &benchfmt.Result{Config: cfg, Name: benchfmt.Name(name), Iters: 1, Values: vals})
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("convert %s: no call of run %s", file, TR121Run)
	}
	return recs, nil
}
