package studydata

import (
	"strings"
	"testing"
)

// Seeds: a header and one row of each of the study's files, as in the
// data pack.
const (
	fuzzTR114Runs = "test_id,scenario_dir,scenario,run_number,a_num_gpu,a_num_ctx,a_temperature,a_top_p,a_top_k,a_repeat_penalty,a_url,a_model,a_exec_time_s,a_n_calls,a_total_tokens,a_ingest_s,a_analysis_s,a_report_s,a_benchmark_data_count,a_timestamp,b_num_gpu,b_num_ctx,b_temperature,b_top_p,b_top_k,b_repeat_penalty,b_url,b_model,b_exec_time_s,b_n_calls,b_total_tokens,b_ingest_s,b_analysis_s,b_report_s,b_benchmark_data_count,b_timestamp,concurrent_wall_s,sequential_estimated_s,speedup,efficiency_pct,contention_flag,a_avg_throughput_tok_s,b_avg_throughput_tok_s,a_avg_ttft_ms,b_avg_ttft_ms,throughput_delta,ttft_delta_ms\n" +
		"T001,baseline-vs-chimera,baseline_vs_chimera,1,,,,,,,http://localhost:11434,gemma3:latest,56.5819366,2,2406,0.0160522,29.6329123,26.9316042,101,2025-11-14T21:12:55.266512100Z,60,512,0.8,,,,http://localhost:11435,gemma3:latest,52.9029828,2,2021,0.0158602,27.4113545,25.4737677,101,2025-11-14T21:12:51.587575300Z,56.5835561,109.4849194,1.9349246838870913,96.74623419435456,false,45.29470879015473,40.22135189205163,913.5951000000001,753.0370499999999,-5.0733568981031,160.5580500000002\n"
	fuzzTR114Calls = "test_id,scenario_dir,run_number,agent,role,call_idx,stage,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n" +
		"T001,baseline-vs-chimera,1,a,collector,1,analysis,498.6718,41.06527453254869,29632.9049,1169,207.3511,28466.8741,281.621\n"
)

// FuzzStudyData feeds arbitrary CSV to the study-data converters (TR111,
// TR114 and the table reader under them): they must not panic, and an
// error must name the file it came from.
func FuzzStudyData(f *testing.F) {
	f.Add(tr111Sample, fuzzTR114Runs, fuzzTR114Calls)
	f.Add(tr111Header+"d,a,1,1,analysis,60,,,,,,1,2,3,4,5,6,7\n", "", "")                                // options half set
	f.Add(tr111Header+"d,a,1,1,analysis,,,,,,,1,2,3,NaN,5,6,7\n", fuzzTR114Runs, "test_id,run_number\n") // a run with no calls
	f.Add("a,b\n\"unterminated\n", "x\n1,2\n", "\n")                                                     // ragged CSV
	f.Fuzz(func(t *testing.T, calls111, runs114, calls114 string) {
		if _, err := TR111(strings.NewReader(calls111), "tr111/llm_calls.csv"); err != nil && !strings.Contains(err.Error(), "tr111/llm_calls.csv") {
			t.Errorf("TR111 error does not name the file: %v", err)
		}
		_, err := TR114(strings.NewReader(runs114), strings.NewReader(calls114), "tr114/runs.csv", "tr114/llm_calls.csv")
		if err != nil && !strings.Contains(err.Error(), "tr114/runs.csv") && !strings.Contains(err.Error(), "tr114/llm_calls.csv") {
			t.Errorf("TR114 error does not name a file: %v", err)
		}
	})
}
