package studydata

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"
)

const tr119RecordsHeader = "run_label,raw_file,used_in_report,record_idx,mode,backend,scenario,prompt_set,model,device,repetition,batch_size,seq_len,status,degraded_count,degraded_reasons,n_samples,warmup_latencies_ms,started_at_unix,backend_init_ms,compile_ms,compile_backend,resource_samples,resource_duration_s,gpu_mem_mean_mb,gpu_mem_peak_mb,gpu_util_mean_pct,gpu_power_mean_w,gpu_power_peak_w,gpu_temp_mean_c,gpu_temp_peak_c,cpu_mem_mean_mb,cpu_mem_peak_mb,cpu_util_mean_pct,cpu_power_mean_w,cpu_power_peak_w\n"

// The records hold the shapes that matter, from the pack: a GPU prefill
// record of the analysed file (three power readings, both devices), a CPU
// one (charged its CPU power), a re-run of it in an older file that was
// not analysed and read no CPU power, and a generate record of the
// analysed generate file.
const (
	tr119Records = tr119RecordsHeader +
		"tr119_matrix,bench_tr119_1766283446,true,35,prefill,transformers-gpu,single_short,,,cuda,0,1,11,ok,0,,2,29.6513;22.845,,,,,3,0.5209,4944.6862,5242.0195,65.0,18.0307,18.966,47.0,47,2360.957,2623.9531,0.0,59.3292,68.3397\n" +
		"tr119_matrix,bench_tr119_1766283446,true,140,prefill,onnxruntime-cpu,single_short,,,cuda,0,1,11,ok,0,,2,22.946;17.705,,1240.3671,,,1,0.0,5294.0195,5294.0195,18.0,14.286,14.286,48.0,48,2843.3203,2843.3203,0.0,44.1288,44.1288\n" +
		"tr119_matrix,bench_tr119_1766283278,false,140,prefill,onnxruntime-cpu,single_short,,,cuda,0,1,11,ok,0,,2,23.4709;18.376,,1346.8025,,,1,0.0,5290.0195,5290.0195,0.0,20.568,20.568,51.0,51,2748.6836,2748.6836,0.0,,\n" +
		"tr119_matrix,bench_tr119_1766283570,true,105,generate,onnxruntime-gpu,single_short,,,cuda,0,1,19,ok,0,,2,137.0111;47.3925,,1686.3677,,,2,0.2674,5346.0195,5346.0195,0.0,1.818,1.818,50.0,50,2725.7402,2783.8438,0.0,47.9486,56.0404\n"
	tr119Samples = "run_label,raw_file,record_idx,sample_idx,mode,backend,scenario,repetition,latency_ms,ttft_ms,tokens\n" +
		"tr119_matrix,bench_tr119_1766283278,140,0,prefill,onnxruntime-cpu,single_short,0,18.2819,,11\n" +
		"tr119_matrix,bench_tr119_1766283278,140,1,prefill,onnxruntime-cpu,single_short,0,19.0553,,11\n" +
		"tr119_matrix,bench_tr119_1766283446,35,0,prefill,transformers-gpu,single_short,0,23.5145,,11\n" +
		"tr119_matrix,bench_tr119_1766283446,35,1,prefill,transformers-gpu,single_short,0,21.0259,,11\n" +
		"tr119_matrix,bench_tr119_1766283446,140,0,prefill,onnxruntime-cpu,single_short,0,19.0537,,11\n" +
		"tr119_matrix,bench_tr119_1766283446,140,1,prefill,onnxruntime-cpu,single_short,0,20.2493,,11\n" +
		"tr119_matrix,bench_tr119_1766283570,105,0,generate,onnxruntime-gpu,single_short,0,254.2789,,8\n" +
		"tr119_matrix,bench_tr119_1766283570,105,1,generate,onnxruntime-gpu,single_short,0,48.1372,,8\n"
)

func TestTR119(t *testing.T) {
	recs, err := TR119(strings.NewReader(tr119Records), strings.NewReader(tr119Samples), "records.csv", "samples.csv")
	if err != nil {
		t.Fatal(err)
	}
	names, vals := results(recs)
	gpu := "backend=transformers-gpu/mode=prefill/scenario=single_short/run=1766283446"
	cpu := "backend=onnxruntime-cpu/mode=prefill/scenario=single_short/run=1766283446"
	rerun := "backend=onnxruntime-cpu/mode=prefill/scenario=single_short/run=1766283278"
	gen := "backend=onnxruntime-gpu/mode=generate/scenario=single_short/run=1766283570"
	wantNames := []string{
		"TR119/" + gpu, "TR119Power/" + gpu + "/device=gpu/readings=3", "TR119Power/" + gpu + "/device=cpu/readings=3",
		"TR119/" + cpu, "TR119Power/" + cpu + "/device=gpu/readings=1", "TR119Power/" + cpu + "/device=cpu/readings=1",
		"TR119/" + rerun, "TR119Power/" + rerun + "/device=gpu/readings=1",
		"TR119/" + gen, "TR119Power/" + gen + "/device=gpu/readings=2", "TR119Power/" + gen + "/device=cpu/readings=2",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Fatalf("names mismatch (-want +got):\n%s", diff)
	}
	thr := func(tokens float64, lats ...float64) float64 {
		var s float64
		for _, l := range lats {
			s += tokens / (l / 1e3)
		}
		return s / float64(len(lats))
	}
	wantVals := []map[string]float64{
		{"tok/s": thr(11, 23.5145, 21.0259), "e2e-sec": (23.5145 + 21.0259) / 2 / 1e3, "W": 18.0307}, // a GPU backend is charged its GPU's power
		{"W": 18.0307, "gpu-util-%": 65},
		{"W": 59.3292},
		{"tok/s": thr(11, 19.0537, 20.2493), "e2e-sec": (19.0537 + 20.2493) / 2 / 1e3, "W": 44.1288}, // a CPU backend its CPU's
		{"W": 14.286, "gpu-util-%": 18},
		{"W": 44.1288},
		{"tok/s": thr(11, 18.2819, 19.0553), "e2e-sec": (18.2819 + 19.0553) / 2 / 1e3}, // no CPU power read: no W, never 0
		{"W": 20.568, "gpu-util-%": 0},
		{"tok/s": thr(8, 254.2789, 48.1372), "e2e-sec": (254.2789 + 48.1372) / 2 / 1e3, "W": 1.818},
		{"W": 1.818, "gpu-util-%": 0},
		{"W": 47.9486},
	}
	if diff := cmp.Diff(wantVals, vals, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok && strings.HasPrefix(res.Name.String(), "TR119/") && res.Iters != 2 {
			t.Errorf("%s: Iters %d, want its 2 samples", res.Name, res.Iters)
		}
	}
}

func TestTR119Errors(t *testing.T) {
	convert := func(in [2]string) error {
		_, err := TR119(strings.NewReader(in[0]), strings.NewReader(in[1]), "records.csv", "samples.csv")
		return err
	}
	assertRefuses(t, convert, []refusal[[2]string]{
		{"an analysed file that is not the latest of its mode", [2]string{replaced(t, tr119Records, "bench_tr119_1766283278,false", "bench_tr119_1766283278,true"), tr119Samples},
			"records.csv:4: column used_in_report: says true, but the analysis used the latest prefill file (bench_tr119_1766283446)"},
		{"a degraded record", [2]string{replaced(t, tr119Records, ",ok,0,,2,29.6513", ",degraded,1,oom,2,29.6513"), tr119Samples}, "records.csv:2: column status"},
		{"a record whose samples are missing", [2]string{tr119Records, replaced(t, tr119Samples, "bench_tr119_1766283570,105,1", "bench_tr119_1766283570,106,1")},
			"records.csv:5: column n_samples: the record says 2 generate onnxruntime-gpu single_short samples, samples.csv has 1"},
		{"samples of another backend", [2]string{tr119Records, replaced(t, tr119Samples, "35,1,prefill,transformers-gpu", "35,1,prefill,transformers-cpu")}, "samples.csv:5: column record_idx"},
	})
}

// TestTR119Pack converts the pack: 875 records (350 analysed), each with
// its GPU telemetry and, where read, the CPU's.
func TestTR119Pack(t *testing.T) {
	recs, err := TR119Files(requireDir(t))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok {
			name := res.Name.String()
			base, _, _ := strings.Cut(name, "/")
			counts[base]++
			if strings.Contains(name, "/run=1766283446") || strings.Contains(name, "/run=1766283570") {
				counts[base+" analysed"]++
			}
		}
	}
	want := map[string]int{"TR119": 875, "TR119 analysed": 350, "TR119Power": 875 + 392, "TR119Power analysed": 700}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("result counts mismatch (-want +got):\n%s", diff)
	}
}
