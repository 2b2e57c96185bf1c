package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"
)

const tr120RunsHeader = "run_id,platform,torch_version,model,modes,repetitions,warmup_repetitions,max_new_tokens,compile_backend,compile_fallback_backend,compile_mode,compile_dynamic,compile_fullgraph,disable_cudagraphs,tokenization,has_samples\n"

const tr120Tier3Header = "backend,scenario,quantization,model,run_file,n_samples,first_ms,median_rest_ms,mean_ms,median_ms,p99_ms,max_ms,max_index,mean_excl_first_ms\n"

func tr120Sample() TR120Inputs {
	runs := tr120RunsHeader
	for _, id := range TR120Runs {
		cg := ""
		if id == "20251221_182658" {
			cg = "true"
		}
		runs += id + ",linux_docker_ngc,2.8.0a0,models/tiny-gpt2,prefill,30,3,64,inductor,aot_eager,reduce-overhead,false,false," + cg + ",,true\n"
	}
	runs += "20251221_172056,linux_docker_ngc,2.8.0a0,models/tiny-gpt2,prefill,30,3,64,inductor,aot_eager,reduce-overhead,false,false,,,true\n"
	samples := "run_id,mode,scenario,backend,sample_idx,latency_ms,cuda_event_ms,tokens\n" +
		"20251221_182658,prefill,single_micro,transformers-gpu-compile,0,0.19,,1\n" +
		"20251221_182658,kv_decode,single_long,transformers-gpu,0,97.54,,64\n" +
		"20251221_191009,prefill,single_short,transformers-gpu,0,1.9611,1.6914,9\n" +
		"20251221_172056,prefill,single_micro,transformers-gpu,0,5.0,,1\n"
	dynamo := "run_id,mode,unique_graphs,calls_captured,frames_total,frames_ok,recompile_limit_reached,graph_breaks,compile_wrapper_ms\n" +
		"20251221_182658,prefill,5,10,10,10,0,0,1.0\n" +
		"20251221_182658,e2e_kv,,,,,0,0,1.0\n"
	tier3 := tr120Tier3Header +
		"transformers-gpu,dual_medium,fp32,models/tiny-gpt2,run_1.json,14,1061.9028,293.1054,365.0918714285714,294.2499,989.2,1061.9,0,311.4910307692307\n"
	return TR120Inputs{Runs: strings.NewReader(runs), Samples: strings.NewReader(samples), Dynamo: strings.NewReader(dynamo), Tier3: strings.NewReader(tier3),
		Files: [4]string{"runs.csv", "samples.csv", "dynamo_counters.csv", "tier3_gpu_run_files.csv"}}
}

func TestTR120(t *testing.T) {
	recs, err := TR120(tr120Sample())
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	const padded = "TR120/run=20251221_182658/dynamic=false/cudagraphs=off"
	const tier3 = "TR120/source=tr117-tier3/backend=transformers-gpu/scenario=dual_medium/quant=fp32/file=run_1.json"
	wantNames := []string{
		padded + "/backend=transformers-gpu-compile/mode=prefill/scenario=single_micro/clock=wall",
		padded + "/backend=transformers-gpu/mode=kv_decode/scenario=single_long/clock=wall",
		"TR120/run=20251221_191009/dynamic=false/cudagraphs=on/backend=transformers-gpu/mode=prefill/scenario=single_short/clock=wall",
		"TR120/run=20251221_191009/dynamic=false/cudagraphs=on/backend=transformers-gpu/mode=prefill/scenario=single_short/clock=cuda-event",
		padded + "/mode=prefill/counter=dynamo",
		tier3 + "/sample=first",
		tier3 + "/sample=rest",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	want := []map[string]float64{
		{"prefill-sec": 0.00019, "prompt-tok": 1},
		{"decode-sec": 0.09754},
		{"prefill-sec": 0.0019611, "prompt-tok": 9},
		{"prefill-sec": 0.0016914},
		{"graphs": 5},
		{"e2e-sec": 1.0619028},
		{"e2e-sec": 0.3114910307692307, "e2e-p50-sec": 0.2931054},
	}
	if diff := cmp.Diff(want, vals, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
	last := recs[len(recs)-1].(*benchfmt.Result)
	if last.Iters != 13 {
		t.Errorf("the rest of a 14-sample file has %d iterations, want 13", last.Iters)
	}
}

func TestTR120Errors(t *testing.T) {
	convert := func(edit func(*TR120Inputs)) error {
		in := tr120Sample()
		edit(&in)
		_, err := TR120(in)
		return err
	}
	assertRefuses(t, convert, []refusal[func(*TR120Inputs)]{
		{"a cited run missing", func(in *TR120Inputs) { in.Runs = strings.NewReader(tr120RunsHeader) }, "0 of the 4 cited runs"},
		{"a summary whose mean is not its parts'", func(in *TR120Inputs) {
			in.Tier3 = strings.NewReader(tr120Tier3Header + "transformers-gpu,dual_medium,fp32,m,run_1.json,14,1061.9028,293.1,400,294,989,1061,0,311.49\n")
		}, "tier3_gpu_run_files.csv:2: column mean_ms"},
		{"a file of one sample", func(in *TR120Inputs) {
			in.Tier3 = strings.NewReader(tr120Tier3Header + "transformers-gpu,dual_medium,fp32,m,run_1.json,1,10,10,10,10,10,10,0,10\n")
		}, "tier3_gpu_run_files.csv:2: column n_samples"},
	})
}

// TestTR120Pack converts the data pack: the four cited runs' 4,320 timed
// calls (270 per run, mode and backend: 173112 and 182658 ran three
// modes, 181045 and 191009 prefill), 540 CUDA-event twins (191009), 5
// graph counts and 42 TR117 run files.
func TestTR120Pack(t *testing.T) {
	assertPack(t, TR120Files, func(n string) string {
		switch {
		case strings.HasSuffix(n, "/clock=wall"):
			return "wall"
		case strings.HasSuffix(n, "/clock=cuda-event"):
			return "cuda"
		case strings.HasSuffix(n, "/counter=dynamo"):
			return "dynamo"
		case strings.HasSuffix(n, "/sample=first"):
			return "files"
		}
		return ""
	}, map[string]int{"wall": 4320, "cuda": 540, "dynamo": 5, "files": 42})
}
