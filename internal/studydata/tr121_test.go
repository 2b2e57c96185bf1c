package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const tr121Header = "run_id,sub_run,task_idx,scenario,backend,backend_kind,model,model_kind,params_millions,params_millions_config,params_millions_measured,prompt_chars,gen_tokens_target,batch_size_config,call_idx,is_warmup,warmup_idx,rep,status,error,started_at_unix,batch_size,seq_len,prompt_tokens_raw,prefill_ms,prefill_cuda_event_ms,kv_decode_ms,kv_decode_ms_equiv,kv_decode_cuda_event_ms,gen_tokens_raw,gen_tokens_equiv,ollama_wall_ms,ollama_total_duration_ms,ollama_load_ms,ollama_done_reason,gpu_peak_mb,hf_load_ms\n"

// tr121Sample holds an Ollama warm-up that stopped early (58 of 64
// tokens), a measured Hugging Face CPU call, a call of another run, and a
// failed call.
const tr121Sample = tr121Header +
	"20251224_002149,,0,short,ollama,ollama,llama3.1:8b-instruct-q4_0,ollama,8000.0,8000.0,8000.0,31,64,1,0,true,0,,ok,,1766553740.9,1,,19,19.9786,,656.9594,724.9207172413793,,58,64,8411.7293,8409.3339,7691.5968,stop,,\n" +
	"20251224_002149,,1,short,hf_cpu_fp32,hf,models/gpt2-45m,hf,45.171,45.171,45.1712,31,64,1,5,false,,0,ok,,1766553766.6,1,9,9,23.1816,,966.7443,,,64,,,,,,,\n" +
	"20251224_002740,,1,short,hf_cpu_fp32,hf,models/gpt2-45m,hf,45.171,45.171,45.1712,31,64,1,5,false,,0,ok,,1766553766.6,1,9,9,23.1816,,966.7443,,,64,,,,,,,\n" +
	"20251224_002149,,2,micro,ollama,ollama,gemma3:270m,ollama,268.1,268.1,0,5,64,1,1,false,,0,error,timeout,1766553766.6,1,,,,,,,,,,,,,,,\n"

func TestTR121(t *testing.T) {
	recs, err := TR121(strings.NewReader(tr121Sample), "calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	wantNames := []string{
		"TR121/backend=ollama/model=llama3.1:8b-instruct-q4_0/params=8000.0/scenario=short/gen=64/start=warmup",
		"TR121/backend=hf_cpu_fp32/model=gpt2-45m/params=45.1712/scenario=short/gen=64/start=warm",
		"TR121/backend=ollama/model=gemma3:270m/params=268.1/scenario=micro/gen=64/start=warm",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	want := []map[string]float64{
		{"prefill-sec": 0.0199786, "decode-sec": 0.6569594, "tok/s": 58 / 0.6569594, "prompt-tok": 19, "load-sec": 7.6915968},
		{"prefill-sec": 0.0231816, "decode-sec": 0.9667443, "tok/s": 64 / 0.9667443, "prompt-tok": 9},
		{"degraded-calls": 1},
	}
	if diff := cmp.Diff(want, vals, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestTR121Errors(t *testing.T) {
	convert := func(csv string) error { _, err := TR121(strings.NewReader(csv), "calls.csv"); return err }
	assertRefuses(t, convert, []refusal[string]{
		{"a projection that is not the measured rate's", replaced(t, tr121Sample, "724.9207172413793", "700"), "calls.csv:2: column kv_decode_ms_equiv"},
		{"a Hugging Face call that decoded fewer tokens", replaced(t, tr121Sample, "966.7443,,,64,", "966.7443,,,60,"), "calls.csv:3: column gen_tokens_raw"},
		{"no call of the run", tr121Header, "no call of run 20251224_002149"},
	})
}

// TestTR121Pack converts the data pack's TR121v1 main run: 228 calls.
func TestTR121Pack(t *testing.T) {
	assertPack(t, TR121File, each, map[string]int{"results": 228}) // one per call
}
