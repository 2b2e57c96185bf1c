package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tr116Sample holds one row or a few of each TR116 file of the data pack:
// a Rust run and its calls, a Python run, two Rust single-agent calls (a
// cold one, and one whose reply had no tokens) and a Python single-agent
// run whose "baseline" agent sent options.
var tr116Sample = [5]string{
	"model_slug,scenario_dir,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_ingest_s,a_analysis_s,a_report_s,a_benchmark_data_count,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_ingest_s,b_analysis_s,b_report_s,b_benchmark_data_count,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
		"gemma3_latest,baseline-vs-chimera,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,55.5355668,2,2276,0.0002701,26.883066,28.6521586,0,2025-11-27T00:44:43.767424400Z,80,512,1.0,,,,http://localhost:11435,gemma3:latest,52.719343,2,2230,0.0004954,20.2471383,32.4716149,0,2025-11-27T00:44:40.951237100Z,55.5356535,108.25490980000001,1.9492866830134628,97.46433415067314,false,44.62197489966525,45.052150674852555,1900.0717999999997,629.7574,0.4301757751873083,1270.3143999999998\n",
	"model_slug,scenario_dir,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
		"gemma3_latest,baseline-vs-chimera,1,a,collector,1,analysis,2936.2909999999997,42.01591849058251,26883.0531,987,47.7359,23491.0966,2865.2173\n" +
		"gemma3_latest,baseline-vs-chimera,1,a,collector,2,report,863.8525999999999,47.228031308747994,28652.1364,1289,427.0384,27293.1131,430.8003\n" +
		"gemma3_latest,baseline-vs-chimera,1,b,insight,1,analysis,574.9291,49.37319255518156,20247.1199,953,20.1472,19301.9724,238.0712\n" +
		"gemma3_latest,baseline-vs-chimera,1,b,insight,2,report,684.5857,40.73110879452354,32471.587399999997,1277,419.7708,31351.9577,258.0577\n",
	"model_slug,model_dir,scenario_dir,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_tokens,a_throughput_tok_s,a_ttft_ms,a_total_duration_ms,a_wall_clock_ms,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_tokens,b_throughput_tok_s,b_ttft_ms,b_total_duration_ms,b_wall_clock_ms,concurrent_wall_ms,sequential_estimated_ms,speedup,efficiency_pct,throughput_delta,ttft_delta_ms\n" +
		"gemma3_latest,gemma3_latest,baseline-vs-chimera,baseline_vs_chimera,1,,,,,,,http://localhost:11434,440,41.96710623935746,24.7498,10509.1515,16890.15790000008,80,2048,1.0,,,,http://localhost:11435,634,52.12605487637023,60.0469,12222.8703,18895.263899999918,18906.952199999978,22732.021800000002,1.2023102168735598,60.11551084367799,10.15894863701277,35.2971\n",
	"model_slug,config_id,agent,run_number,call_idx,stage,num_gpu,num_ctx,temperature,top_p,top_k,repeat_penalty,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
		"gemma3_latest,gpu60_ctx1024_temp08,baseline,1,1,analysis,,,,,,,4561.412200000001,117.88737111740723,13995.755,1060,76.5497,8991.6332,4461.8137\n" +
		"gemma3_latest,gpu80_ctx1024_temp08,chimera,1,2,report,80,1024,0.8,,,,791.5092000000001,0.0,10297.0998,0,0.0,0.0,0.0\n",
	"model_slug,config_id,run_number,agent,model,num_gpu,num_ctx,temperature,top_p,top_k,repeat_penalty,total_requests,total_tokens,avg_throughput_tok_s,avg_ttft_ms,total_duration_ms,start_time,end_time,execution_s,subprocess_duration_s\n" +
		"gemma3_latest,gpu60_ctx1024_temp08,1,baseline,gemma3:latest,80,1024,0.8,0.9,40,1.1,2,2368,118.31705504575159,91.0975,20274.673799999997,2025-11-26T19:03:41.794770,2025-11-26T19:04:08.514707,26.72024,27.113857\n",
}

func convertTR116(files [5]string) ([]string, []map[string]float64, error) {
	in := TR116Inputs{
		MultiRustRuns: strings.NewReader(files[0]), MultiRustCalls: strings.NewReader(files[1]), MultiPythonRuns: strings.NewReader(files[2]),
		SingleRustCalls: strings.NewReader(files[3]), SinglePythonRuns: strings.NewReader(files[4]),
		Files: [5]string{"multi_rust_runs.csv", "multi_rust_llm_calls.csv", "multi_python_runs.csv", "single_rust_llm_calls.csv", "single_python_agent_runs.csv"},
	}
	recs, err := TR116(in)
	if err != nil {
		return nil, nil, err
	}
	names, vals := results(recs)
	return names, vals, nil
}

func TestTR116(t *testing.T) {
	names, vals, err := convertTR116(tr116Sample)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"TR116/model=gemma3:latest/scenario=baseline_vs_chimera/instances=2/lang=rust",
		"TR116/model=gemma3:latest/scenario=baseline_vs_chimera/instances=2/lang=python",
		"TR116/model=gemma3:latest/lang=rust/agent=baseline/start=cold/dir=gpu60_ctx1024_temp08/study-agent=baseline",
		"TR116/model=gemma3:latest/lang=rust/agent=chimera/num_gpu=80/num_ctx=1024/temp=0.8/start=warm/dir=gpu80_ctx1024_temp08/study-agent=chimera",
		"TR116/model=gemma3:latest/lang=python/agent=chimera/num_gpu=80/num_ctx=1024/temp=0.8/top_p=0.9/top_k=40/repeat_penalty=1.1/dir=gpu60_ctx1024_temp08/study-agent=baseline",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	// The Python run: the study's efficiency from Ollama-internal
	// durations, a-ns and b-ns the client wall clocks.
	aWall, bWall, wall := 16.89015790000008, 18.895263899999918, 18.906952199999978
	decode := (10509.1515 - 24.7498 + 12222.8703 - 60.0469) / 1e3
	wantPy := map[string]float64{
		"eff-%":            60.11551084367799,
		"legacy-speedup-x": 1.2023102168735598,
		"agg-tok/s":        (440 + 634) / wall,
		"tok/s":            (440 + 634) / decode,
		"balance-%":        (aWall + bWall) / (2 * bWall) * 100,
		"a-sec":            aWall,
		"b-sec":            bWall,
		"wall-sec":         wall,
		"overhead-sec":     wall - bWall,
		"prefill-sec":      (24.7498 + 60.0469) / 1e3,
		"decode-sec":       decode,
	}
	if diff := cmp.Diff(wantPy, vals[1], cmpopts.EquateApprox(1e-9, 1e-9)); diff != "" {
		t.Errorf("Python run values mismatch (-want +got):\n%s", diff)
	}
	if got := vals[0]["load-sec"]; !cmp.Equal(got, (2865.2173+430.8003+238.0712+258.0577)/1e3, cmpopts.EquateApprox(1e-9, 0)) {
		t.Errorf("Rust run load-sec = %v", got)
	}
	if diff := cmp.Diff(map[string]float64{"ttft-sec": 0.7915092, "e2e-sec": 10.2970998}, vals[3], cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("a call without tokens: values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]float64{"tok/s": 118.31705504575159}, vals[4]); diff != "" {
		t.Errorf("Python single-agent run: values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR116Errors(t *testing.T) {
	with := func(i int, old, new string) [5]string { return replacedIn(t, tr116Sample, i, old, new) }
	convert := func(files [5]string) error { _, _, err := convertTR116(files); return err }
	assertRefuses(t, convert, []refusal[[5]string]{
		{"Python efficiency not from internal durations", with(2, "60.11551084367799", "70"), "multi_python_runs.csv:2: column efficiency_pct"},
		{"Python decode rate not tokens / (total − prompt_eval)", with(2, "41.96710623935746", "42.5"), "multi_python_runs.csv:2: column a_throughput_tok_s"},
		{"Python model dir is another model", with(2, "gemma3_latest,gemma3_latest", "gemma3_latest,gemma3_1b"), "multi_python_runs.csv:2: column model_dir"},
		{"model slug without a Rust run", with(4, "gemma3_latest,", "phi3,"), "single_python_agent_runs.csv:2: column model_slug"},
		{"partial options", with(3, "80,1024,0.8,,,,791", "80,,0.8,,,,791"), "single_rust_llm_calls.csv:3: column num_gpu"},
		{"Rust stored efficiency inconsistent", with(0, "97.46433415067314", "97"), "multi_rust_runs.csv:2: column efficiency_pct"},
	})
}

// TestTR116Pack converts the data pack's TR116 files: 30 Rust and 30
// Python runs, 224 Rust single-agent calls, 112 Python single-agent runs.
func TestTR116Pack(t *testing.T) {
	assertPack(t, TR116Files, func(n string) string {
		switch {
		case strings.Contains(n, "/instances=2/lang=rust"):
			return "rust runs"
		case strings.Contains(n, "/instances=2/lang=python"):
			return "python runs"
		case strings.Contains(n, "/lang=rust/"):
			return "rust calls"
		case strings.Contains(n, "/lang=python/"):
			return "python single runs"
		}
		return ""
	}, map[string]int{"rust runs": 30, "python runs": 30, "rust calls": 224, "python single runs": 112})
}
