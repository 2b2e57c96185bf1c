package studydata

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"
)

// tr117Sample holds the first rows of each TR117 file of the data pack: a
// Python pair of the buf65536 condition, a phase-2 Rust run and its four
// calls, two loop-lag samples and a tier-3 run file.
var tr117Sample = [5]string{
	"phase,model_dir,condition,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_tokens,a_throughput_tok_s,a_ttft_ms,a_total_duration_ms,a_eval_count,a_eval_duration_ns,a_prompt_eval_duration_ns,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_tokens,b_throughput_tok_s,b_ttft_ms,b_total_duration_ms,b_eval_count,b_eval_duration_ns,b_prompt_eval_duration_ns,concurrent_wall_ms,speedup,efficiency_pct,read_buffer_size,throttle_rate_tok_s\n" +
		"phase1,gemma3_latest,buf65536,chimera_homo,1,80,512,1.0,,,,http://localhost:11434,381,37.67871056925839,10110.378699999274,10111.810999998852,381,9485436700,13918100,80,512,1.0,,,,http://localhost:11435,655,51.25796274843426,12639.766799999052,12778.502400000434,655,11935364400,27604600,12804.663099999743,1.7876544834670227,89.38272417335114,65536,\n",
	"model_dir,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_ingest_s,a_analysis_s,a_report_s,a_benchmark_data_count,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_ingest_s,b_analysis_s,b_report_s,b_benchmark_data_count,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
		"gemma3_latest,chimera_homo,1,80,512,1.0,,,,http://localhost:11434,gemma3:latest,56.3180041,2,2068,0.0002569,24.5039447,31.8137264,0,2025-11-27T22:00:51.589510Z,80,512,1.0,,,,http://localhost:11435,gemma3:latest,56.6094547,2,2096,0.000623,24.3821692,32.226588,0,2025-11-27T22:00:51.880948700Z,56.6095906,112.92745880000001,1.9948467671836514,99.74233835918257,false,38.52695614268504,38.70046093371253,511.4096,413.4377,0.17350479102749006,97.9719\n",
	"model_dir,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
		"gemma3_latest,1,a,collector,1,analysis,329.5135,39.49019375597889,24503.9176,929,47.9715,23524.8276,270.463\n" +
		"gemma3_latest,1,a,collector,2,report,693.3057,37.563718529391174,31813.7095,1139,409.6422,30321.8117,276.1393\n" +
		"gemma3_latest,1,b,insight,1,analysis,335.0844,39.23107033761678,24382.1516,918,47.5398,23399.8204,275.5767\n" +
		"gemma3_latest,1,b,insight,2,report,491.791,38.16985152980828,32226.5648,1178,203.1101,30862.0535,280.2864\n",
	"condition,sample_idx,timestamp_s,lag_ms\n" +
		"default,0,13991.0604035,9.377\n" +
		"default,1,13991.1679985,7.4706\n",
	"backend,scenario,quantization,model,run_file,n_samples,first_ms,median_rest_ms,mean_ms,median_ms,p99_ms,max_ms,max_index,mean_excl_first_ms\n" +
		"transformers-gpu,dual_medium,fp16,models/tiny-gpt2,run_1765147485262.json,14,298.86810000243713,293.36979999789037,298.51283571432367,293.42554999857384,355.8186209995619,361.9777999992948,4,298.48550769216115\n",
}

const tr117ChunkSample = "condition,row_idx,timestamp_s,agent,chunk_index,bytes,gap_ms,parse_ms\n" +
	"default,0,13996.4025859,collector,0,99,0.0,0.038\n" +
	"default,2,13996.4292728,collector,1,102,26.6869,0.0181\n"

func convertTR117(files [5]string) ([]string, []map[string]float64, []int, error) {
	in := TR117Inputs{Files: tr117Names}
	for i, r := range []*io.Reader{&in.PythonRuns, &in.RustRuns, &in.RustCalls, &in.LoopLag, &in.Tier3} {
		*r = strings.NewReader(files[i])
	}
	recs, err := TR117(in)
	if err != nil {
		return nil, nil, nil, err
	}
	names, vals := results(recs)
	return names, vals, iters(recs), nil
}

// iters returns the iteration count of every benchmark line of recs.
func iters(recs []benchfmt.Record) []int {
	var n []int
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok {
			n = append(n, res.Iters)
		}
	}
	return n
}

func TestTR117(t *testing.T) {
	names, vals, its, err := convertTR117(tr117Sample)
	if err != nil {
		t.Fatal(err)
	}
	tier3 := "TR117/backend=transformers-gpu/model=tiny-gpt2/scenario=dual_medium/quant=fp16/stat="
	want := []string{
		"TR117Agents/lang=python/model=gemma3:latest/condition=buf65536/agents=2/op=run",
		"TR117Agents/lang=rust/model=gemma3:latest/scenario=chimera_homo/agents=2/op=run",
		"TR117Agents/lang=python/model=gemma3:latest/condition=default/agents=2/op=sleep-100ms",
		"TR117Agents/lang=python/model=gemma3:latest/condition=default/agents=2/op=sleep-100ms",
		tier3 + "first", tier3 + "median-rest", tier3 + "mean", tier3 + "mean-excl-first", tier3 + "median", tier3 + "p99", tier3 + "max",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("names mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 1, 1, 1, 14, 14, 14, 14, 14, 14, 14}, its); diff != "" {
		t.Errorf("iterations mismatch (-want +got):\n%s", diff)
	}
	// The Python pair: the study's efficiency from the agents' client
	// wall clocks, which are a-ns and b-ns.
	a, b, wall := 10.111810999998852, 12.778502400000434, 12.804663099999743
	wantPy := map[string]float64{
		"eff-%":            89.38272417335114,
		"legacy-speedup-x": 1.7876544834670227,
		"agg-tok/s":        (381 + 655) / wall,
		"tok/s":            (381 + 655) / (9.4854367 + 11.9353644),
		"balance-%":        (a + b) / (2 * b) * 100,
		"a-sec":            a,
		"b-sec":            b,
		"wall-sec":         wall,
		"overhead-sec":     wall - b,
		"ttft-sec":         (10.110378699999274 + 12.639766799999052) / 2,
		"e2e-sec":          (a + b) / 2,
	}
	approx := cmpopts.EquateApprox(1e-9, 1e-9)
	if diff := cmp.Diff(wantPy, vals[0], approx); diff != "" {
		t.Errorf("Python pair values mismatch (-want +got):\n%s", diff)
	}
	if got, want := vals[1]["load-sec"], (270.463+276.1393+275.5767+280.2864)/1e3; !cmp.Equal(got, want, approx) {
		t.Errorf("Rust run load-sec = %v, want %v", got, want)
	}
	// A loop-lag sample is one iteration of the monitor: the 100 ms sleep
	// and the lag after it.
	if diff := cmp.Diff(map[string]float64{"sec/op": 0.109377}, vals[2], approx); diff != "" {
		t.Errorf("loop-lag sample mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]float64{"e2e-sec": 0.3619777999992948}, vals[10], approx); diff != "" {
		t.Errorf("tier-3 max mismatch (-want +got):\n%s", diff)
	}
}

func TestTR117Errors(t *testing.T) {
	with := func(i int, old, new string) [5]string { return replacedIn(t, tr117Sample, i, old, new) }
	convert := func(files [5]string) error { _, _, _, err := convertTR117(files); return err }
	assertRefuses(t, convert, []refusal[[5]string]{
		{"Python efficiency not from the wall clocks", with(0, "89.38272417335114", "86.82"), "multiagent_python_runs.csv:2: column efficiency_pct"},
		{"Python tokens not eval_count", with(0, "http://localhost:11434,381,", "http://localhost:11434,380,"), "multiagent_python_runs.csv:2: column a_tokens"},
		{"Python pair on one instance", with(0, "http://localhost:11435", "http://localhost:11434"), "multiagent_python_runs.csv:2: column b_url"},
		{"phase 1 on another model", with(0, "phase1,gemma3_latest", "phase1,qwen2_5_7b"), "multiagent_python_runs.csv:2: column model_dir"},
		{"unknown model directory", with(1, "gemma3_latest,chimera_homo", "phi3,chimera_homo"), "phase2_rust_runs.csv:2: column model_dir"},
		{"Rust stored efficiency inconsistent", with(1, "99.74233835918257", "99"), "phase2_rust_runs.csv:2: column efficiency_pct"},
		{"a lag that is not a number", with(3, "9.377", "n/a"), "loop_lag.csv:2: column lag_ms"},
		{"a tier-3 model outside models/", with(4, "models/tiny-gpt2", "tiny-gpt2"), "tier3_gpu_run_files.csv:2: column model"},
	})
}

func TestTR117Chunks(t *testing.T) {
	recs, err := TR117Chunks(strings.NewReader(tr117ChunkSample), "chunk_metrics.csv")
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	name := "TR117Chunks/condition=default/agent=collector"
	if diff := cmp.Diff([]string{name, name}, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	// A zero is written as is (benchunit has no scale to tidy it to).
	want := []map[string]float64{{"itl-ns": 0}, {"itl-sec": 0.0266869}}
	if diff := cmp.Diff(want, vals, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
	if _, err := TR117Chunks(strings.NewReader(strings.Replace(tr117ChunkSample, "collector,1", "coll ector,1", 1)), "chunk_metrics.csv"); err == nil ||
		!strings.Contains(err.Error(), "chunk_metrics.csv:3: column agent") {
		t.Errorf("an agent name with a space: error = %v", err)
	}
}

// TestTR117Pack converts the data pack's TR117 files: 20 Python pairs, 10
// Rust runs, 1914 loop-lag samples, 42 tier-3 run files of 7 statistics
// each, and 5277 chunks.
func TestTR117Pack(t *testing.T) {
	assertPack(t, TR117Files, func(n string) string {
		switch {
		case strings.Contains(n, "/lang=python/") && strings.HasSuffix(n, "/op=run"):
			return "python pairs"
		case strings.Contains(n, "/lang=rust/"):
			return "rust runs"
		case strings.HasSuffix(n, "/op=sleep-100ms"):
			return "loop-lag samples"
		case strings.HasPrefix(n, "TR117/"):
			return "tier-3 statistics"
		}
		return ""
	}, map[string]int{"python pairs": 20, "rust runs": 10, "loop-lag samples": 1914, "tier-3 statistics": 42 * 7})
	assertPack(t, TR117ChunkFile, each, map[string]int{"results": 5277})
}
