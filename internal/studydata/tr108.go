package studydata

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// TR108ColdLoad is the load_duration above which a TR108 request counts as
// having paid a model (re)load: start=cold. Warm requests show 45–153 ms of
// load_duration, reloads 0.95–9.1 s (gemma3:270m reloads in about a
// second); nothing lies in between.
const TR108ColdLoad = 500 * time.Millisecond

// TR108BenchstatIgnore is the benchstat -ignore list that lines the TR108
// baseline up with a run of ours: the study-only name keys (phase, prompt)
// and GOMAXPROCS. See [BenchstatIgnore].
const TR108BenchstatIgnore = "/phase,/prompt,/gomaxprocs"

// TR108 baseline-phase options: the report's §2 (they are not recorded in
// the rows). The quantisation runs and the gemma3 baselines used them.
const (
	tr108BaselineGPU  = 999
	tr108BaselineCtx  = 2048
	tr108BaselineTemp = 0.3
)

// tr108Units are the units of the TR108 baseline, in the order written.
var tr108Units = []string{
	"tok/s",         // stored throughput_tok_s = eval_count / eval_duration (server)
	"study-ttft-ns", // stored ttft_s = load_duration + prompt_eval_duration (server)
	"load-ns",       // server load_duration
	"prefill-ns",    // server prompt_eval_duration
	"decode-ns",     // server eval_duration (tok/s × decode-ns = eval_count)
	"prompt-tok",    // prompt_eval_count (llama files only)
}

// TR108 inputs, relative to the data pack.
var tr108Files = []string{
	"tr108/llama_quant_bench.csv",
	"tr108/llama_param_tuning.csv",
	"tr108/gemma3_runs.csv",
}

// TR108Files converts the TR108 CSVs of the data pack in dir (as from Dir).
func TR108Files(dir string) ([]benchfmt.Record, error) {
	var rs []io.Reader
	for _, f := range tr108Files {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			return nil, fmt.Errorf("convert TR108: %w", err)
		}
		defer fh.Close()
		rs = append(rs, fh)
	}
	return TR108(rs[0], rs[1], rs[2], tr108Files[0], tr108Files[1], tr108Files[2])
}

// TR108 converts the TR108 single-request runs (one row per request) into
// benchfmt records: Unit lines, then one result per request named
//
//	TR108/model=<tag>[/quant=<q>]/num_gpu=<g>/num_ctx=<c>/temp=<t>/start=<warm|cold>/phase=<baseline|tuning>[/prompt=<i>]
//
// the names of Chimeraforge's BenchmarkTR108 sub-benchmarks plus the
// study-only keys phase and prompt (drop them with benchstat -ignore
// TR108BenchstatIgnore). quant is the llama files' quantisation tag (the
// gemma3 rows record none). The baseline phase (the quantisation runs and
// the gemma3 baselines, one request per banter prompt) carries the
// options the report names, 999/2048/0.3, which the rows do not record;
// the tuning phase (36 configs, one request each, with the first prompt
// per the report) carries its recorded options and no prompt key. start is
// cold when load_duration exceeds TR108ColdLoad: the study never unloaded
// or warmed a model, so a request after an option change paid a reload.
//
// The study's TTFT (ttft_s, load + prompt eval) is study-ttft-ns; it
// measured no client TTFT. A request that failed (two gemma3:270m tuning
// requests timed out) has no values and is left out.
func TR108(quant, tuning, gemma io.Reader, quantFile, tuningFile, gemmaFile string) ([]benchfmt.Record, error) {
	recs, err := unitRecords(tr108Units)
	if err != nil {
		return nil, fmt.Errorf("convert TR108: %w", err)
	}
	cfg := fileConfig(tr108Machine())
	for _, in := range []struct {
		r     io.Reader
		file  string
		phase string
	}{
		{quant, quantFile, "baseline"},
		{tuning, tuningFile, "tuning"},
		{gemma, gemmaFile, ""},
	} {
		t, err := readTable(in.r, in.file)
		if err != nil {
			return nil, err
		}
		for i := range t.rows {
			r := t.row(i)
			if r.str("error") != "" {
				continue
			}
			name := tr108Name(r, in.phase)
			vals := []benchfmt.Value{
				value(r.float("throughput_tok_s"), "tok/s"),
				value(ns(r.float("ttft_s"), 1), "study-ttft-ns"),
				value(ns(r.float("load_s"), 1), "load-ns"),
				value(ns(r.float("prompt_eval_s"), 1), "prefill-ns"),
				value(ns(r.float("eval_s"), 1), "decode-ns"),
			}
			if _, ok := t.col["prompt_eval_count"]; ok {
				vals = append(vals, value(r.float("prompt_eval_count"), "prompt-tok"))
			}
			res, err := r.result(cfg, name, vals)
			if err != nil {
				return nil, err
			}
			recs = append(recs, res)
		}
	}
	return recs, nil
}

// tr108Machine is the study's machine with TR108's source commit.
func tr108Machine() [][2]string {
	kv := machine("github.com/chimeraforge/chimeraforge/tr108", "chimeraforge-study TR108 data/csv, outputs/reports/gemma3")
	for i := range kv {
		if kv[i][0] == "source-commit" {
			kv[i][1] = "405b1eb65e18c6fb6bc6bfbd46f0d18a531da6fa"
		}
	}
	return kv
}

// tr108Name names one row; phase is "" for gemma3_runs.csv, whose phase
// column says it.
func tr108Name(r *row, phase string) string {
	var b strings.Builder
	model := r.seg("model")
	b.WriteString("TR108/model=" + model)
	if _, ok := r.t.col["quant_tag"]; ok {
		b.WriteString("/quant=" + strings.ToLower(r.seg("quant_tag")))
	} else if q, ok := strings.CutPrefix(model, "llama3.1:8b-instruct-"); ok {
		b.WriteString("/quant=" + strings.ToLower(q))
	}
	if phase == "" {
		switch p := r.str("phase"); p {
		case "baseline":
			phase = "baseline"
		case "param_tuning":
			phase = "tuning"
		default:
			r.fail("phase", fmt.Sprintf("unknown phase %q", p))
		}
	}
	gpu, ctx, temp := tr108BaselineGPU, tr108BaselineCtx, tr108BaselineTemp
	if phase == "tuning" {
		gpu, ctx, temp = r.int("num_gpu"), r.int("num_ctx"), r.float("temperature")
	}
	fmt.Fprintf(&b, "/num_gpu=%d/num_ctx=%d/temp=%s", gpu, ctx, strconv.FormatFloat(temp, 'f', -1, 64))
	start := "warm"
	if r.float("load_s")*float64(time.Second) > float64(TR108ColdLoad) {
		start = "cold"
	}
	b.WriteString("/start=" + start + "/phase=" + phase)
	if phase == "baseline" {
		p := r.int("prompt_index")
		if p < 0 {
			r.fail("prompt_index", fmt.Sprintf("negative: %d", p))
		}
		b.WriteString("/prompt=" + strconv.Itoa(p))
	}
	return b.String()
}
