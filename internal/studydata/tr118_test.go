package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const tr118RecordsHeader = "run_label,raw_file,used_in_report,record_idx,mode,backend,scenario,prompt_set,model,device,repetition,batch_size,seq_len,status,degraded_count,degraded_reasons,n_samples\n"

// tr118Sample holds a clean prefill record with its two samples, a
// degraded generate record, a generate record with one sample, and a
// record of a raw file the report did not use.
func tr118Sample() TR118Inputs {
	records := tr118RecordsHeader +
		"deep/gpt2,bench_prefill_1,true,0,prefill,onnxruntime-cpu,single_micro,micro,gpt2,,0,1,8,ok,0,,2\n" +
		"deep/gpt2,bench_generate_1,true,0,generate,tensorrt-fp32,batch_short,short,gpt2,,3,4,19,degraded,2,exception:LogicError,0\n" +
		"deep/gpt2,bench_generate_1,true,1,generate,onnxruntime-cpu,single_long,long,gpt2,,1,1,27,ok,0,,1\n" +
		"gpt2_11m/gpt2-1m,bench_prefill_0,false,0,prefill,onnxruntime-cpu,single_micro,micro,gpt2-1m,,0,1,8,ok,0,,1\n"
	samples := "run_label,raw_file,record_idx,sample_idx,mode,backend,scenario,repetition,latency_ms,ttft_ms,tokens\n" +
		"deep/gpt2,bench_prefill_1,0,0,prefill,onnxruntime-cpu,single_micro,0,4.0,,8\n" +
		"deep/gpt2,bench_prefill_1,0,1,prefill,onnxruntime-cpu,single_micro,0,8.0001,,8\n" +
		"deep/gpt2,bench_generate_1,1,0,generate,onnxruntime-cpu,single_long,1,100.0,12.5,8\n" +
		"gpt2_11m/gpt2-1m,bench_prefill_0,0,0,prefill,onnxruntime-cpu,single_micro,0,1.0,,8\n"
	models := "run_label,model,parameter_count\ndeep/gpt2,gpt2,124439808\ngpt2_11m/gpt2-1m,gpt2-1m,11180928\n"
	artifacts := "run_label,raw_file,artifact,built,reused,build_time_s,file_size_mb,profiles,initializer_numel\n" +
		"deep/gpt2,bench_prefill_1,trt-fp32,true,false,66.80240330000015,778.6,5,\n" +
		"deep/gpt2,bench_prefill_1,trt-fp16,false,true,,312.3,5,\n" +
		"gpt2_11m/gpt2-1m,bench_prefill_0,trt-int8,true,false,10.5,50,5,\n"
	ppl := "run_label,backend,perplexity,nll_sum,token_count,mean_nll,delta_frac,pass,threshold,error\n" +
		"deep/gpt2,onnxruntime-cpu,58.34265741810369,294935.2,72531,4.06,-1.35e-05,true,0.001,\n" +
		"deep/gpt2,tensorrt-fp16,,,0,,,false,,set_input_shape_failed\n"
	return TR118Inputs{
		Records: strings.NewReader(records), Samples: strings.NewReader(samples), Models: strings.NewReader(models),
		Artifacts: strings.NewReader(artifacts), Perplexity: strings.NewReader(ppl),
		Files: [5]string{"records.csv", "samples.csv", "models.csv", "artifacts.csv", "perplexity.csv"},
	}
}

func TestTR118(t *testing.T) {
	recs, err := TR118(tr118Sample())
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	const gpt2 = "TR118/model=gpt2/params=124439808/"
	wantNames := []string{
		gpt2 + "backend=onnxruntime-cpu/scenario=single_micro/mode=prefill/rep=0",
		gpt2 + "backend=onnxruntime-cpu/scenario=single_micro/mode=prefill/rep=0",
		gpt2 + "backend=tensorrt-fp32/scenario=batch_short/mode=generate/rep=3",
		gpt2 + "backend=onnxruntime-cpu/scenario=single_long/mode=generate/rep=1",
		gpt2 + "backend=onnxruntime-cpu/eval=wikitext2",
		gpt2 + "artifact=trt-fp32/mode=prefill",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	// benchfmt tidies -ns units to seconds.
	want := []map[string]float64{
		{"padded-tok/s": 8 / 0.004, "prefill-sec": 0.004},
		{"padded-tok/s": 8 / 0.0080001, "prefill-sec": 0.0080001},
		{"degraded-calls": 2},
		{"tok/s": 80, "e2e-sec": 0.1, "ttft-sec": 0.0125},
		{"ppl": 58.34265741810369},
		{"build-sec": 66.80240330000015},
	}
	if diff := cmp.Diff(want, vals, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR118Errors(t *testing.T) {
	convert := func(edit func(*TR118Inputs)) error {
		in := tr118Sample()
		edit(&in)
		_, err := TR118(in)
		return err
	}
	assertRefuses(t, convert, []refusal[func(*TR118Inputs)]{
		{"sample count disagrees", func(in *TR118Inputs) {
			in.Records = strings.NewReader(tr118RecordsHeader + "deep/gpt2,bench_prefill_1,true,0,prefill,onnxruntime-cpu,single_micro,micro,gpt2,,0,1,8,ok,0,,3\n")
		}, "records.csv:2: column n_samples"},
		{"unknown run", func(in *TR118Inputs) {
			in.Records = strings.NewReader(tr118RecordsHeader + "deep/nonesuch,bench_prefill_1,true,0,prefill,onnxruntime-cpu,single_micro,micro,x,,0,1,8,ok,0,,2\n")
		}, "records.csv:2: column run_label"},
		{"no raw file used", func(in *TR118Inputs) {
			in.Records = strings.NewReader(tr118RecordsHeader)
		}, "no raw file is used_in_report"},
	})
}

// TestTR118Pack converts the data pack's TR118_v2.2 data: the used raw
// files' 3,560 samples, their degraded records (200 of the deep run's 720,
// PUBLISHED.md #208, and the crossover runs'), 10 perplexities and the
// engines built.
func TestTR118Pack(t *testing.T) {
	recs, err := TR118Files(requireDir(t))
	if err != nil {
		t.Fatal(err)
	}
	_, vals := results(recs)
	var samples, degraded, ppl, builds int
	for _, v := range vals {
		switch {
		case v["degraded-calls"] > 0:
			degraded++
		case v["ppl"] > 0:
			ppl++
		case v["build-sec"] > 0:
			builds++
		default:
			samples++
		}
	}
	if samples != 3560 || ppl != 10 {
		t.Errorf("%d samples and %d perplexities, want 3560 and 10", samples, ppl)
	}
	if degraded < 200 || builds == 0 {
		t.Errorf("%d degraded records and %d builds, want at least the deep run's 200 and one", degraded, builds)
	}
	assertReadsBack(t, recs)
}
