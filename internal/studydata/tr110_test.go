package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"
)

// tr110Runs holds two rows of the data pack: a chimera_hetero run and a
// flagged baseline_vs_chimera run whose baseline agent waited 32 s.
const tr110Runs = "test_id,phase,scenario,run_number,run_dir,cfg_gpu_layers,cfg_context,cfg_temperature,cfg_gpu2_layers,cfg_context2,cfg_temperature2,a_url,b_url,a_agent_type,a_num_gpu,a_num_ctx,a_temperature,a_total_requests,a_total_duration_ms,a_total_tokens,a_avg_ttft_ms,a_avg_throughput_tok_s,a_p95_ttft_ms,a_p95_throughput_tok_s,b_agent_type,b_num_gpu,b_num_ctx,b_temperature,b_total_requests,b_total_duration_ms,b_total_tokens,b_avg_ttft_ms,b_avg_throughput_tok_s,b_p95_ttft_ms,b_p95_throughput_tok_s,a_exec_time_s,b_exec_time_s,concurrent_wall_s,sequential_estimated_s,speedup,contention_flag,throughput_delta,ttft_delta_ms,test_start_time,test_end_time\n" +
	"T007,phase_1,chimera_hetero,1,run_1,60,512,0.8,80,1024,0.6,http://localhost:11434,http://localhost:11435,chimera_optimized,60,512,0.8,2,107052.1997,2367,1075.8983500000002,43.52741008962194,1372.7423000000001,44.38952294251958,chimera_optimized,80,1024,0.6,2,88041.2555,2082,16589.281,37.95457854976327,30583.8543,38.21629818481187,107.858074,89.230393,107.85826539993286,197.088467,1.8272912722006625,false,-5.572831539858669,-15513.38265,2025-10-09T23:07:58.762329,2025-10-09T23:17:14.180334\n" +
	"T002,phase_1,baseline_vs_chimera,1,run_1,60,1024,0.8,,,,http://localhost:11434,http://localhost:11435,baseline,,,,2,106530.11249999999,2293,32232.09085,55.93714744824472,35205.0195,73.14784043261551,chimera_optimized,60,1024,0.8,2,46534.4306,1940,517.0017,42.70639277003262,768.8175,44.77740182994467,107.424924,47.584152,107.42512917518616,155.009076,1.4429498683423982,true,-13.2307546782121,31715.08915,2025-10-09T22:20:56.055855,2025-10-09T22:30:15.372519\n"

// results returns the benchmark lines of recs: name and values by unit
// (as benchfmt reads them back: durations in seconds).
func results(recs []benchfmt.Record) (names []string, vals []map[string]float64) {
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok {
			names = append(names, res.Name.String())
			m := map[string]float64{}
			for _, v := range res.Values {
				m[v.Unit] = v.Value
			}
			vals = append(vals, m)
		}
	}
	return names, vals
}

func TestTR110(t *testing.T) {
	recs, err := TR110(strings.NewReader(tr110Runs), "runs.csv")
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	wantNames := []string{
		"TR110/scenario=chimera_hetero/test=T007/instances=2/config=gpu60-80_ctx512-1024_temp0.8-0.6",
		"TR110/scenario=baseline_vs_chimera/test=T002/instances=2/config=gpu60_ctx1024_temp0.8",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	a, b, wall := 107.424924, 47.584152, 107.42512917518616
	want := map[string]float64{
		"eff-%":            (a + b) / wall / 2 * 100,
		"legacy-speedup-x": 1.4429498683423982,
		"contention-%":     100,
		"agg-tok/s":        (2293 + 1940) / wall,
		"balance-%":        (a + b) / (2 * a) * 100,
		"study-ttft-sec":   32.23209085,
		"a-sec":            a,
		"b-sec":            b,
		"wall-sec":         wall,
		"overhead-sec":     wall - a,
	}
	if diff := cmp.Diff(want, vals[1], cmpopts.EquateApprox(1e-9, 1e-9)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
	if vals[0]["contention-%"] != 0 {
		t.Errorf("unflagged run: contention-%% = %v, want 0", vals[0]["contention-%"])
	}
}

func TestTR110Errors(t *testing.T) {
	convert := func(runs string) error { _, err := TR110(strings.NewReader(runs), "runs.csv"); return err }
	assertRefuses(t, convert, []refusal[string]{
		{"stored speedup inconsistent", replaced(t, tr110Runs, "1.4429498683423982", "1.5"), "runs.csv:3: column speedup"},
		{"stored flag is not speedup < 1.5", replaced(t, tr110Runs, "1.4429498683423982,true", "1.4429498683423982,false"), "runs.csv:3: column contention_flag"},
		{"sequential estimate is not a + b", replaced(t, tr110Runs, "155.009076", "155.1"), "runs.csv:3: column sequential_estimated_s"},
		{"both agents on one instance", replaced(t, tr110Runs, "http://localhost:11434,http://localhost:11435,baseline", "http://localhost:11434,http://localhost:11434,baseline"), "runs.csv:3: column b_url"},
		{"an agent made one call", replaced(t, tr110Runs, "baseline,,,,2,", "baseline,,,,1,"), "runs.csv:3: column a_total_requests"},
		{"test config missing", replaced(t, tr110Runs, "T002,phase_1,baseline_vs_chimera,1,run_1,60,", "T002,phase_1,baseline_vs_chimera,1,run_1,,"), "runs.csv:3: column cfg_gpu_layers"},
	})
}

// TestTR110Pack converts the data pack's TR110 runs: 30 tests × 5 runs,
// valid benchfmt, Unit lines as registered.
func TestTR110Pack(t *testing.T) {
	assertPack(t, TR110File, each, map[string]int{"results": 150}) // one per run
}
