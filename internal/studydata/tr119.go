package studydata

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// tr119Units are the units of the TR119 baseline, in the order written.
var tr119Units = []string{
	"tok/s",      // record mean of the per-sample tokens / latency (the study's throughput)
	"e2e-ns",     // record mean of the per-sample latency (one forward, or the whole ≤ 8-step loop)
	"W",          // TR119: the power the study charged; TR119Power: one device's power mean
	"gpu-util-%", // TR119Power device=gpu: NVML utilisation mean over the record's readings
}

// TR119Files converts dir/tr119/records.csv and dir/tr119/samples.csv.
func TR119Files(dir string) ([]benchfmt.Record, error) {
	rp, sp := filepath.Join(dir, "tr119", "records.csv"), filepath.Join(dir, "tr119", "samples.csv")
	records, err := os.Open(rp)
	if err != nil {
		return nil, fmt.Errorf("convert TR119: %w", err)
	}
	defer records.Close()
	samples, err := os.Open(sp)
	if err != nil {
		return nil, fmt.Errorf("convert TR119: %w", err)
	}
	defer samples.Close()
	return TR119(records, samples, rp, sp)
}

// TR119 converts TR119's records (one per backend × scenario × mode ×
// repetition of gpt2 on ONNX Runtime, TensorRT-less PyTorch and
// torch.compile, CPU and GPU) and their samples (one per prompt) into
// benchfmt: Unit lines, then per record
//
//	TR119/backend=<b>/mode=<prefill|generate>/scenario=<s>/run=<t>
//
// with Iters the record's samples (prompt executions), tok/s (their mean
// of tokens / latency, the study's throughput), e2e-ns (their mean
// latency) and W, the power the
// study charged it: the GPU's for GPU backends, the CPU package's for
// backends whose name says cpu (and not gpu), absent where that was not
// read. <t> is the raw file's Unix time: three prefill and two generate
// files exist, and the published analysis used only the latest of each
// mode (TR119 fails if used_in_report says otherwise). And per record and
// device, the telemetry behind W:
//
//	TR119Power/backend=…/mode=…/scenario=…/run=<t>/device=<gpu|cpu>/readings=<n>
//
// with that device's W (the arithmetic mean of n power readings, 4 Hz,
// over the whole record block: engine preparation, warm-ups and prompts)
// and, for the GPU, gpu-util-%. n is the readings of the block; with one,
// W is a single instantaneous reading. No record in the pack is degraded;
// TR119 fails on one rather than guess how to write it.
func TR119(records, samples io.Reader, recordsFile, samplesFile string) ([]benchfmt.Record, error) {
	st, err := readTable(samples, samplesFile)
	if err != nil {
		return nil, err
	}
	type sums struct {
		n                 int
		thr, latMS        float64
		mode, back, scene string
	}
	bySample := map[string]*sums{}
	for i := range st.rows {
		r := st.row(i)
		k := r.str("raw_file") + "#" + r.str("record_idx")
		s := bySample[k]
		if s == nil {
			s = &sums{mode: r.str("mode"), back: r.str("backend"), scene: r.str("scenario")}
			bySample[k] = s
		}
		if s.mode != r.str("mode") || s.back != r.str("backend") || s.scene != r.str("scenario") {
			r.fail("record_idx", "samples of one record name different modes, backends or scenarios")
		}
		lat, tokens := r.float("latency_ms"), r.int("tokens")
		s.n++
		s.thr += float64(tokens) / (lat / 1e3)
		s.latMS += lat
		if r.err != nil {
			return nil, r.err
		}
	}

	t, err := readTable(records, recordsFile)
	if err != nil {
		return nil, err
	}
	latest := map[string]string{} // mode → latest raw file
	for i := range t.rows {
		r := t.row(i)
		if f := r.str("raw_file"); f > latest[r.str("mode")] {
			latest[r.str("mode")] = f
		}
	}
	recs, err := unitRecords(tr119Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", recordsFile, err)
	}
	cfg := fileConfig(tr119Machine())
	for i := range t.rows {
		r := t.row(i)
		back, mode, file := r.str("backend"), r.str("mode"), r.str("raw_file")
		if used := fmt.Sprint(file == latest[mode]); r.str("used_in_report") != used {
			r.fail("used_in_report", fmt.Sprintf("says %s, but the analysis used the latest %s file (%s)", r.str("used_in_report"), mode, latest[mode]))
		}
		if r.str("status") != "ok" || r.str("degraded_count") != "0" {
			r.fail("status", "a degraded record; the pack has none and the converter does not write them")
		}
		run, ok := strings.CutPrefix(file, "bench_tr119_")
		if !ok {
			r.fail("raw_file", "not bench_tr119_<unix time>")
		}
		s := bySample[file+"#"+r.str("record_idx")]
		switch {
		case s == nil:
			r.fail("record_idx", "no samples in "+samplesFile)
			s = &sums{n: 1}
		case s.n != r.int("n_samples") || s.mode != mode || s.back != back || s.scene != r.str("scenario"):
			r.fail("n_samples", fmt.Sprintf("the record says %d %s %s %s samples, %s has %d %s %s %s", r.int("n_samples"), mode, back, r.str("scenario"), samplesFile, s.n, s.mode, s.back, s.scene))
		}
		key := fmt.Sprintf("backend=%s/mode=%s/scenario=%s/run=%s", back, mode, r.str("scenario"), run)
		vals := []benchfmt.Value{
			value(s.thr/float64(s.n), "tok/s"),
			value(ns(s.latMS/float64(s.n), 1e-3), "e2e-ns"),
		}
		charged := "gpu_power_mean_w"
		if strings.Contains(back, "cpu") && !strings.Contains(back, "gpu") {
			charged = "cpu_power_mean_w"
		}
		if r.str(charged) != "" {
			vals = append(vals, value(r.float(charged), "W"))
		}
		readings := r.str("resource_samples")
		if _, err := strconv.Atoi(readings); err != nil {
			r.fail("resource_samples", "not an integer")
		}
		power := []*benchfmt.Result{{
			Config: cfg, Name: benchfmt.Name("TR119Power/" + key + "/device=gpu/readings=" + readings), Iters: 1,
			Values: []benchfmt.Value{value(r.float("gpu_power_mean_w"), "W"), value(r.float("gpu_util_mean_pct"), "gpu-util-%")},
		}}
		if r.str("cpu_power_mean_w") != "" {
			power = append(power, &benchfmt.Result{
				Config: cfg, Name: benchfmt.Name("TR119Power/" + key + "/device=cpu/readings=" + readings), Iters: 1,
				Values: []benchfmt.Value{value(r.float("cpu_power_mean_w"), "W")},
			})
		}
		if r.err != nil {
			return nil, r.err
		}
		recs = append(recs, &benchfmt.Result{Config: cfg, Name: benchfmt.Name("TR119/" + key), Iters: s.n, Values: vals})
		for _, p := range power {
			recs = append(recs, p)
		}
	}
	return recs, nil
}

// tr119Machine is the study's machine without Ollama (TR119 ran gpt2 in
// PyTorch and ONNX Runtime), with the telemetry behind its power.
func tr119Machine() [][2]string {
	var kv [][2]string
	for _, p := range machine("github.com/chimeraforge/chimeraforge/tr119", "chimeraforge-study TR119 experiments/TR119/results/tr119_matrix/raw") {
		if p[0] != "ollama-version" && p[0] != "num-parallel" {
			kv = append(kv, p)
		}
	}
	return append(kv,
		[2]string{"model", "gpt2"},
		[2]string{"power-telemetry", "NVML board power and Windows PDH RAPL package power, every 0.25 s over each record block"},
	)
}
