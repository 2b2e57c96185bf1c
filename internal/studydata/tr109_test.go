package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"
)

const tr109Header = "config_id,run_number,agent,agent_type,model,num_gpu,num_ctx,temperature,top_p,top_k,repeat_penalty,total_requests,total_duration_ms,total_tokens,avg_ttft_ms,avg_throughput_tok_s,p95_ttft_ms,p95_throughput_tok_s,benchmark_data_count,execution_time_s,start_time,end_time,subprocess_duration_s\n"

const (
	tr109Baseline = "run_gpu120_ctx1024_temp0p6,1,baseline,baseline,gemma3:latest,,,,,,,2,28003.936,2495,1395.8144499999999,99.28596980391364,2514.9359,100.36239036435543,0,28.638067,2025-10-09T16:57:27.135082,2025-10-09T16:57:55.773149,29.095343\n"
	tr109Chimera  = "run_gpu120_ctx1024_temp0p6,1,chimera,chimera_optimized,gemma3:latest,120,1024,0.6,0.9,40,1.1,2,23203.0589,1973,1615.02505,98.79983656676288,2843.547,99.16820116936738,0,23.86057,2025-10-09T16:56:30.674943,2025-10-09T16:56:54.535513,24.350237\n"
)

func TestTR109NamesAndValues(t *testing.T) {
	recs, err := TR109(strings.NewReader(tr109Header+tr109Baseline+tr109Chimera), "agent_runs.csv")
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		Name   string
		Values map[string]float64
	}
	var got []line
	for _, r := range recs {
		res, ok := r.(*benchfmt.Result)
		if !ok {
			continue
		}
		l := line{Name: res.Name.String(), Values: map[string]float64{}}
		for _, v := range res.Values {
			u, x := v.Unit, v.Value
			if v.OrigUnit != "" {
				u, x = v.OrigUnit, v.OrigValue
			}
			l.Values[u] = x
		}
		got = append(got, l)
		if c := res.GetConfig("study-chimera-options"); c != "top_p=0.9 top_k=40 repeat_penalty=1.1" {
			t.Errorf("study-chimera-options = %q", c)
		}
	}
	want := []line{
		{"TR109/agent=baseline/dir=run_gpu120_ctx1024_temp0p6/study-agent=baseline",
			map[string]float64{"ns/op": 28_638_067_000, "tok/s": 99.28596980391364, "study-ttft-ns": 1_395_814_450}},
		{"TR109/agent=chimera/num_gpu=120/num_ctx=1024/temp=0.6/dir=run_gpu120_ctx1024_temp0p6/study-agent=chimera",
			map[string]float64{"ns/op": 23_860_570_000, "tok/s": 98.79983656676288, "study-ttft-ns": 1_615_025_050}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestTR109Errors(t *testing.T) {
	convert := func(csv string) error {
		_, err := TR109(strings.NewReader(tr109Header+csv), "agent_runs.csv")
		return err
	}
	assertRefuses(t, convert, []refusal[string]{
		{"baseline sent an option", replaced(t, tr109Baseline, ",,,,,,,2,", ",,,0.7,,,,2,"), "agent_runs.csv:2: column temperature"},
		{"chimera sent another top_p", replaced(t, tr109Chimera, ",0.9,40,", ",0.95,40,"), "agent_runs.csv:2: column top_p"},
		{"another model", replaced(t, tr109Chimera, "gemma3:latest", "llama3.1:8b"), "agent_runs.csv:2: column model"},
		{"unknown agent", replaced(t, tr109Chimera, ",chimera,", ",tuned,"), "agent_runs.csv:2: column agent"},
	})
}
