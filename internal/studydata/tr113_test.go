package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tr113Runs holds two rows of the data pack: a baseline_vs_chimera config
// that TR114_v2 ran as T001 and one it never ran (temperature 0.6).
const tr113Runs = "config_id,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
	"bvc_gpu60_ctx512_temp0p8,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,4.63294,1,432,2025-11-12T22:54:53.948162Z,60,512,0.8,0.9,40,1.1,http://localhost:11434,gemma3:latest,15.625157399999999,1,594,2025-11-12T22:55:04.940676900Z,15.6259889,20.258097399999997,1.296436182672573,64.82180913362865,true,98.6133209384911,97.21289325765741,251.5925,9475.1407,-1.4004276808336868,-9223.5482\n" +
	"bvc_gpu60_ctx512_temp0p6,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,19.3999962,1,417,2025-11-12T22:54:49.264632500Z,60,512,0.6,0.9,40,1.1,http://localhost:11434,gemma3:latest,10.807719,1,626,2025-11-12T22:54:40.672972500Z,19.4006892,30.207715200000003,1.55704340647857,77.8521703239285,false,97.1784957831524,98.25250388109163,15077.013799999999,4394.362,1.0740080979392275,10682.6518\n"

const tr113Calls = "config_id,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
	"bvc_gpu60_ctx512_temp0p6,1,a,collector,1,persona,15077.013799999999,97.1784957831524,19399.9962,417,372.8023,4291.0728,14692.1069\n" +
	"bvc_gpu60_ctx512_temp0p6,1,b,insight,1,persona,4394.362,98.25250388109163,10807.719000000001,626,420.6986,6371.3389,3954.665\n" +
	"bvc_gpu60_ctx512_temp0p8,1,a,collector,1,persona,251.5925,98.6133209384911,4632.94,432,14.6436,4380.7469,222.3079\n" +
	"bvc_gpu60_ctx512_temp0p8,1,b,insight,1,persona,9475.1407,97.21289325765741,15625.157399999998,594,504.1572,6110.3006,8957.1403\n"

// tr114Matrix is the part of tr114/runs.csv TR113 reads: T001 and a T202
// that sends the same options and must not win the match.
const tr114Matrix = "test_id,scenario,a_num_gpu,a_num_ctx,a_temperature,b_num_gpu,b_num_ctx,b_temperature\n" +
	"T001,baseline_vs_chimera,,,,60,512,0.8\n" +
	"T202,baseline_vs_chimera,,,,60,512,0.8\n" +
	"T013,chimera_homo,60,512,0.8,60,512,0.8\n"

func convertTR113(runs, calls string) ([]string, []map[string]float64, error) {
	recs, err := TR113(strings.NewReader(runs), strings.NewReader(calls), strings.NewReader(tr114Matrix), "runs.csv", "llm_calls.csv", "tr114.csv")
	if err != nil {
		return nil, nil, err
	}
	names, vals := results(recs)
	return names, vals, nil
}

func TestTR113(t *testing.T) {
	names, vals, err := convertTR113(tr113Runs, tr113Calls)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"TR114/scenario=baseline_vs_chimera/test=T001/instances=1/dir=bvc_gpu60_ctx512_temp0p8",
		"TR114/scenario=baseline_vs_chimera/instances=1/dir=bvc_gpu60_ctx512_temp0p6",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	a, b, wall := 4.63294, 15.625157399999999, 15.6259889
	wantVals := map[string]float64{
		"eff-%":            64.82180913362865,
		"legacy-speedup-x": 1.296436182672573,
		"agg-tok/s":        (432 + 594) / wall,
		"tok/s":            (432 + 594) / ((4380.7469 + 6110.3006) / 1e3),
		"balance-%":        (a + b) / (2 * b) * 100,
		"a-sec":            a,
		"b-sec":            b,
		"wall-sec":         wall,
		"overhead-sec":     wall - b,
		"load-sec":         (222.3079 + 8957.1403) / 1e3,
	}
	if diff := cmp.Diff(wantVals, vals[0], cmpopts.EquateApprox(1e-9, 1e-9)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR113Errors(t *testing.T) {
	convert := func(in [2]string) error { _, _, err := convertTR113(in[0], in[1]); return err }
	assertRefuses(t, convert, []refusal[[2]string]{
		{"agents on two instances", [2]string{replaced(t, tr113Runs, "0.9,40,1.1,http://localhost:11434", "0.9,40,1.1,http://localhost:11435"), tr113Calls}, "runs.csv:2: column b_url"},
		{"stored efficiency inconsistent", [2]string{replaced(t, tr113Runs, "64.82180913362865", "65"), tr113Calls}, "runs.csv:2: column efficiency_pct"},
		{"stored flag is not speedup < 1.5", [2]string{replaced(t, tr113Runs, "64.82180913362865,true", "64.82180913362865,false"), tr113Calls}, "runs.csv:2: column contention_flag"},
		{"run without calls", [2]string{tr113Runs, strings.Join(strings.Split(tr113Calls, "\n")[:3], "\n") + "\n"}, "runs.csv:2: column run_number"},
	})
}

// TestTR113Pack converts the data pack's TR113 runs: 19 configs × 1 run,
// 11 of them named after a TR114_v2 test.
func TestTR113Pack(t *testing.T) {
	assertPack(t, TR113Files, func(n string) string {
		if strings.Contains(n, "/test=") {
			return "named after a TR114 test"
		}
		return "no TR114 test"
	}, map[string]int{"named after a TR114 test": 11, "no TR114 test": 8})
}
