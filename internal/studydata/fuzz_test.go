package studydata

import (
	"bytes"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// Seeds: a header and one row of each of the study's files, as in the
// data pack.
const (
	fuzzTR114Runs = "test_id,scenario_dir,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_ingest_s,a_analysis_s,a_report_s,a_benchmark_data_count,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_ingest_s,b_analysis_s,b_report_s,b_benchmark_data_count,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
		"T001,baseline-vs-chimera,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,56.5819366,2,2406,0.0160522,29.6329123,26.9316042,101,2025-11-14T21:12:55.266512100Z,60,512,0.8,,,,http://localhost:11435,gemma3:latest,52.9029828,2,2021,0.0158602,27.4113545,25.4737677,101,2025-11-14T21:12:51.587575300Z,56.5835561,109.4849194,1.9349246838870913,96.74623419435456,false,45.29470879015473,40.22135189205163,913.5951000000001,753.0370499999999,-5.0733568981031,160.5580500000002\n"
	fuzzTR114Calls = "test_id,scenario_dir,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
		"T001,baseline-vs-chimera,1,a,collector,1,analysis,498.6718,41.06527453254869,29632.9049,1169,207.3511,28466.8741,281.621\n"
)

// A fuzzConverter is one converter under FuzzStudyData: the names of its
// inputs, in order, the base name and the name keys its results may have,
// and the converter on readers of those inputs.
type fuzzConverter struct {
	files   []string
	base    string
	keys    []string
	convert func(in []io.Reader, files []string) ([]benchfmt.Record, error)
}

var fuzzConverters = []fuzzConverter{
	{[]string{"quant.csv", "tuning.csv", "gemma.csv"}, "TR108",
		[]string{"model", "quant", "num_gpu", "num_ctx", "temp", "start", "phase", "prompt"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) {
			return TR108(in[0], in[1], in[2], f[0], f[1], f[2])
		}},
	{[]string{"agent_runs.csv"}, "TR109",
		[]string{"agent", "num_gpu", "num_ctx", "temp", "dir", "study-agent"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) { return TR109(in[0], f[0]) }},
	{[]string{"tr110_runs.csv"}, "TR110",
		[]string{"scenario", "test", "instances", "config"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) { return TR110(in[0], f[0]) }},
	{[]string{"tr111/llm_calls.csv"}, "TR111",
		[]string{"agent", "num_gpu", "num_ctx", "temp", "start", "dir", "study-agent"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) { return TR111(in[0], f[0]) }},
	{[]string{"tr113_runs.csv", "tr113_calls.csv", "tr114_matrix.csv"}, "TR114",
		[]string{"scenario", "test", "instances", "dir"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) {
			return TR113(in[0], in[1], in[2], f[0], f[1], f[2])
		}},
	{[]string{"tr114/runs.csv", "tr114/llm_calls.csv"}, "TR114",
		[]string{"scenario", "test", "instances"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) { return TR114(in[0], in[1], f[0], f[1]) }},
	{[]string{"tr115_runs.csv", "tr115_calls.csv"}, "TR115",
		[]string{"runtime", "scenario", "config", "instances"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) { return TR115(in[0], in[1], f[0], f[1]) }},
	{[]string{"multi_rust_runs.csv", "multi_rust_llm_calls.csv", "multi_python_runs.csv", "single_rust_llm_calls.csv", "single_python_agent_runs.csv"}, "TR116",
		[]string{"model", "scenario", "instances", "lang", "agent", "num_gpu", "num_ctx", "temp", "top_p", "top_k", "repeat_penalty", "start", "dir", "study-agent"},
		func(in []io.Reader, f []string) ([]benchfmt.Record, error) {
			return TR116(TR116Inputs{MultiRustRuns: in[0], MultiRustCalls: in[1], MultiPythonRuns: in[2], SingleRustCalls: in[3], SinglePythonRuns: in[4],
				Files: [5]string(f)})
		}},
}

// FuzzStudyData feeds arbitrary CSV to every study-data converter (which
// picks one). A converter must not panic; its error must name one of its
// files; and whatever it accepts must survive benchfmt: every value
// finite, every name its base and distinct key=value segments of the keys
// it documents (no positional parts, no -N that benchfmt would read as
// GOMAXPROCS), and the written records read back through benchfmt.Reader
// as the same names, values and config.
func FuzzStudyData(f *testing.F) {
	seed := func(c int, in ...string) {
		var s [5]string
		copy(s[:], in)
		f.Add(uint8(c), s[0], s[1], s[2], s[3], s[4])
	}
	seed(0, tr108QuantSample, tr108TuningSample, tr108GemmaSample)
	seed(0, tr108QuantHeader+"0,t,llama3.1:8b-instruct-q4_0,q4_0,-1,0.1,74,0.07,0.06,3.6,22,267,289,1062,\n", tr108TuningHeader, tr108GemmaHeader) // a negative prompt index would end the name in -1
	seed(1, tr109Header+tr109Baseline+tr109Chimera)
	seed(1, tr109Header+strings.Replace(tr109Baseline, "run_gpu120_ctx1024_temp0p6", "run gpu120", 1)) // white space in config_id
	seed(2, tr110Runs)
	seed(2, strings.Replace(tr110Runs, ",0.6,http", ",1,http", 1)) // config=…_temp0.8-1 would end in -1
	seed(3, tr111Sample)
	seed(3, tr111Header+"d,a,1,1,analysis,60,,,,,,1,2,3,4,5,6,7\n") // options half set
	seed(3, tr111Header+"d,a,1,1,analysis,,,,,,,1,2,3,NaN,5,6,7\n") // a NaN cell
	seed(3, tr111Header+"d/x=1,a,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n")
	seed(3, tr111Header+"d,a-2,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n")
	seed(3, tr111Header+"d,a,1,1,analysis,,,,,,,1,Inf,3,4,5,6,7\n")
	seed(4, tr113Runs, tr113Calls, tr114Matrix)
	seed(5, fuzzTR114Runs, fuzzTR114Calls)
	seed(5, fuzzTR114Runs, "test_id,run_number\n")     // a run with no calls
	seed(5, "a,b\n\"unterminated\n", "x\n1,2\n", "\n") // ragged CSV
	seed(6, tr115Runs, tr115Calls)
	seed(7, tr116Sample[:]...)
	f.Fuzz(func(t *testing.T, which uint8, a, b, c, d, e string) {
		conv := fuzzConverters[int(which)%len(fuzzConverters)]
		var in []io.Reader
		for _, s := range []string{a, b, c, d, e}[:len(conv.files)] {
			in = append(in, strings.NewReader(s))
		}
		recs, err := conv.convert(in, conv.files)
		if err != nil {
			if !slices.ContainsFunc(conv.files, func(f string) bool { return strings.Contains(err.Error(), f) }) {
				t.Errorf("%s error does not name one of %v: %v", conv.base, conv.files, err)
			}
			return
		}
		for _, r := range recs {
			if res, ok := r.(*benchfmt.Result); ok {
				checkResult(t, conv, res)
			}
		}
		assertReadsBack(t, recs)
	})
}

// checkResult checks that res has finite values and a name of conv's
// base and distinct key=value segments of conv's keys.
func checkResult(t *testing.T, conv fuzzConverter, res *benchfmt.Result) {
	t.Helper()
	for _, v := range res.Values {
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			t.Errorf("%s: %s is %v", res.Name, v.Unit, v.Value)
		}
	}
	base, parts := res.Name.Parts()
	if string(base) != conv.base {
		t.Errorf("%s: base name %q, want %s", res.Name, base, conv.base)
	}
	seen := map[string]bool{}
	for _, p := range parts {
		k, _, ok := bytes.Cut(p, []byte("="))
		if !ok || p[0] != '/' || bytes.Count(p, []byte("=")) != 1 {
			t.Errorf("%s: segment %q is not /key=value", res.Name, p)
			continue
		}
		key := string(k[1:])
		if !slices.Contains(conv.keys, key) || seen[key] {
			t.Errorf("%s: key %q is not one of %v, or repeated", res.Name, key, conv.keys)
		}
		seen[key] = true
	}
}
