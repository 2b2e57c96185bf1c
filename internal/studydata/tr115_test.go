package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tr115Runs holds runs 1 and 2 of async-std's baseline_vs_chimera config:
// the serialised runtime, 50 % by construction.
const tr115Runs = "runtime,config_id,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_ingest_s,a_analysis_s,a_report_s,a_benchmark_data_count,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_ingest_s,b_analysis_s,b_report_s,b_benchmark_data_count,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,25.9716468,2,2168,0.0132006,13.7419836,12.213851,101,2025-11-15T21:11:57.351061500Z,80,512,1.0,,,,http://localhost:11435,gemma3:latest,24.2343663,2,1990,0.0132973,13.9172393,10.3019042,101,2025-11-15T21:12:21.587886600Z,50.2111751,50.2060131,0.9998971942004998,49.99485971002499,true,106.35723229429118,115.99060663863635,2076.7824,3107.865,9.633374344345171,-1031.0825999999997\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,baseline_vs_chimera,2,,,,,,,http://localhost:11434,gemma3:latest,24.5505836,2,2565,0.0276202,10.1075647,14.4115394,101,2025-11-15T21:12:46.176227700Z,80,512,1.0,,,,http://localhost:11435,gemma3:latest,22.8242946,2,2243,0.0269614,9.8790565,12.9164231,101,2025-11-15T21:13:09.002242Z,47.3774873,47.3748782,0.9999449295404064,49.99724647702032,true,115.7800400256199,111.23210866135254,643.10915,611.87105,-4.547931364267356,31.23810000000003\n"

const tr115Calls = "runtime,config_id,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,1,a,collector,1,analysis,3491.3525,109.16913789309913,13741.5725,1042,78.1662,9544.8221,3061.5043\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,1,a,collector,2,report,662.2123,103.54532669548323,12213.758800000001,1126,380.5007,10874.4647,272.4532\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,1,b,insight,1,analysis,5712.905,116.41561093465462,13917.132,905,83.9345,7773.8715,5274.0443\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,1,b,insight,2,report,502.825,115.56560234261808,10301.801,1085,231.4682,9388.6068,260.5191\n" +
	"async-std,baseline_vs_chimera_gpu80_ctx512,2,a,collector,1,analysis,676.7369,118.1185033367479,10107.1525,1065,81.1452,9016.3689,260.5713\n"

func TestTR115(t *testing.T) {
	recs, err := TR115(strings.NewReader(tr115Runs), strings.NewReader(tr115Calls), "runs.csv", "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	want := []string{
		"TR115/runtime=async-std/scenario=baseline_vs_chimera/config=gpu80_ctx512/instances=2",
		"TR115/runtime=async-std/scenario=baseline_vs_chimera/config=gpu80_ctx512/instances=2",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	a, b, wall := 25.9716468, 24.2343663, 50.2111751
	decode := (9544.8221 + 10874.4647 + 7773.8715 + 9388.6068) / 1e3
	wantVals := map[string]float64{
		"eff-%":            49.99485971002499,
		"legacy-speedup-x": 0.9998971942004998,
		"agg-tok/s":        (2168 + 1990) / wall,
		"tok/s":            (1042 + 1126 + 905 + 1085) / decode,
		"balance-%":        (a + b) / (2 * a) * 100,
		"a-sec":            a,
		"b-sec":            b,
		"wall-sec":         wall,
		"overhead-sec":     wall - a,
		"load-sec":         (3061.5043 + 272.4532 + 5274.0443 + 260.5191) / 1e3,
	}
	if diff := cmp.Diff(wantVals, vals[0], cmpopts.EquateApprox(1e-9, 1e-9)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR115Errors(t *testing.T) {
	swapped := strings.Replace(strings.Replace(tr115Runs, "baseline_vs_chimera,1,", "baseline_vs_chimera,X,", 1), "baseline_vs_chimera,2,", "baseline_vs_chimera,1,", 1)
	swapped = strings.Replace(swapped, "baseline_vs_chimera,X,", "baseline_vs_chimera,2,", 1)
	unprefixed := func(s string) string {
		return strings.ReplaceAll(s, "baseline_vs_chimera_gpu80_ctx512,", "gpu80_ctx512,")
	}
	convert := func(in [2]string) error {
		_, err := TR115(strings.NewReader(in[0]), strings.NewReader(in[1]), "runs.csv", "llm_calls.csv")
		return err
	}
	assertRefuses(t, convert, []refusal[[2]string]{
		{"runs out of order", [2]string{swapped, tr115Calls}, "runs.csv:2: column run_number"},
		{"config without its scenario prefix", [2]string{unprefixed(tr115Runs), unprefixed(tr115Calls)}, "runs.csv:2: column config_id"},
		{"stored efficiency inconsistent", [2]string{replaced(t, tr115Runs, "49.99485971002499", "50"), tr115Calls}, "runs.csv:2: column efficiency_pct"},
		{"both agents on one instance", [2]string{replaced(t, tr115Runs, "http://localhost:11435", "http://localhost:11434"), tr115Calls}, "runs.csv:2: column b_url"},
	})
}

// TestTR115Pack converts the data pack's TR115_v2 runs: 5 runtimes × 6
// configs × 5 runs.
func TestTR115Pack(t *testing.T) {
	assertPack(t, TR115Files, each, map[string]int{"results": 150}) // one per run
}
