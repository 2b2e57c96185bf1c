package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"
)

const (
	tr108QuantHeader  = "row_idx,timestamp,model,quant_tag,prompt_index,ttft_s,throughput_tok_s,load_s,prompt_eval_s,eval_s,prompt_eval_count,eval_count,total_tokens,response_chars,error\n"
	tr108TuningHeader = "row_idx,timestamp,model,num_gpu,num_ctx,temperature,ttft_s,throughput_tok_s,load_s,prompt_eval_s,eval_s,prompt_eval_count,eval_count,total_tokens,response_chars,error\n"
	tr108GemmaHeader  = "model,phase,row_idx,prompt_index,num_gpu,num_ctx,temperature,config_name,ttft_s,throughput_tok_s,load_s,prompt_eval_s,eval_s,eval_count,response_chars,error\n"
)

// The samples hold the shapes that matter: a warm and a cold quantisation
// run (q5_K_M's tag in its case), a cold tuning request, a gemma3 baseline
// and tuning request, a gemma3:270m reload of about a second (cold), and a
// request that timed out.
const (
	tr108QuantSample = tr108QuantHeader +
		"0,2025-09-30T20:09:43,llama3.1:8b-instruct-q4_0,q4_0,1,0.1382,74.11,0.0704,0.0678,3.6029,22,267,289,1062,\n" +
		"5,2025-09-30T20:09:53,llama3.1:8b-instruct-q5_K_M,q5_K_M,1,6.3563,63.59,6.2012,0.1551,4.1925,22,267,289,1000,\n"
	tr108TuningSample = tr108TuningHeader +
		"0,2025-09-30T20:11:33,llama3.1:8b-instruct-q4_0,999,1024,0.2,5.7669,77.5,5.5808,0.1861,1.2773,25,99,124,500,\n"
	tr108GemmaSample = tr108GemmaHeader +
		"gemma3:latest,baseline,1,2,,,,,0.12506040000000002,102.77679452860026,0.1079958,0.0170646,3.1135433,320,1031,\n" +
		"gemma3:latest,param_tuning,0,,999,1024,0.2,g999_c1024_t0.2,2.5176155999999996,101.4449506143006,2.2951013,0.2225143,9.5322635,967,,\n" +
		"gemma3:270m,param_tuning,3,,999,2048,0.2,g999_c2048_t0.2,1.0912,290.5,0.9653,0.1259,1.0,300,,\n" +
		"gemma3:270m,param_tuning,18,,60,1024,0.2,g60_c1024_t0.2,,,,,,,,timed out\n"
)

func convertTR108(t *testing.T, quant, tuning, gemma string) ([]benchfmt.Record, error) {
	t.Helper()
	return TR108(strings.NewReader(quant), strings.NewReader(tuning), strings.NewReader(gemma), "quant.csv", "tuning.csv", "gemma.csv")
}

func TestTR108Names(t *testing.T) {
	recs, err := convertTR108(t, tr108QuantSample, tr108TuningSample, tr108GemmaSample)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok {
			var us []string
			for _, v := range res.Values {
				us = append(us, v.Unit)
			}
			got = append(got, res.Name.String()+" "+strings.Join(us, ","))
		}
	}
	const llama = "tok/s,study-ttft-sec,load-sec,prefill-sec,decode-sec,prompt-tok"
	const gemma = "tok/s,study-ttft-sec,load-sec,prefill-sec,decode-sec"
	want := []string{
		"TR108/model=llama3.1:8b-instruct-q4_0/quant=q4_0/num_gpu=999/num_ctx=2048/temp=0.3/start=warm/phase=baseline/prompt=1 " + llama,
		"TR108/model=llama3.1:8b-instruct-q5_K_M/quant=q5_k_m/num_gpu=999/num_ctx=2048/temp=0.3/start=cold/phase=baseline/prompt=1 " + llama,
		"TR108/model=llama3.1:8b-instruct-q4_0/quant=q4_0/num_gpu=999/num_ctx=1024/temp=0.2/start=cold/phase=tuning " + llama,
		"TR108/model=gemma3:latest/num_gpu=999/num_ctx=2048/temp=0.3/start=warm/phase=baseline/prompt=2 " + gemma,
		"TR108/model=gemma3:latest/num_gpu=999/num_ctx=1024/temp=0.2/start=cold/phase=tuning " + gemma,
		"TR108/model=gemma3:270m/num_gpu=999/num_ctx=2048/temp=0.2/start=cold/phase=tuning " + gemma,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names and units mismatch (-want +got):\n%s", diff)
	}
}

func TestTR108Values(t *testing.T) {
	recs, err := convertTR108(t, tr108QuantSample, tr108TuningHeader, tr108GemmaHeader)
	if err != nil {
		t.Fatal(err)
	}
	var res *benchfmt.Result
	for _, r := range recs {
		if r, ok := r.(*benchfmt.Result); ok {
			res = r
			break
		}
	}
	got := map[string]float64{}
	for _, v := range res.Values {
		u, x := v.Unit, v.Value
		if v.OrigUnit != "" {
			u, x = v.OrigUnit, v.OrigValue
		}
		got[u] = x
	}
	want := map[string]float64{
		"tok/s": 74.11, "study-ttft-ns": 138_200_000, "load-ns": 70_400_000, "prefill-ns": 67_800_000,
		"decode-ns": 3_602_900_000, "prompt-tok": 22,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR108Errors(t *testing.T) {
	convert := func(in [3]string) error { _, err := convertTR108(t, in[0], in[1], in[2]); return err }
	assertRefuses(t, convert, []refusal[[3]string]{
		{"unknown gemma3 phase", [3]string{tr108QuantHeader, tr108TuningHeader,
			tr108GemmaHeader + "gemma3:latest,warmup,0,1,,,,,1,2,3,4,5,6,7,\n"}, "gemma.csv:2: column phase"},
		{"bad tuning number", [3]string{tr108QuantHeader,
			tr108TuningHeader + "0,t,llama3.1:8b-instruct-q4_0,999,x,0.2,1,2,3,4,5,6,7,8,9,\n", tr108GemmaHeader}, "tuning.csv:2: column num_ctx"},
		{"bad prompt index", [3]string{tr108QuantHeader + "0,t,m,q4_0,first,1,2,3,4,5,6,7,8,9,\n", tr108TuningHeader, tr108GemmaHeader}, "quant.csv:2: column prompt_index"},
	})
}
