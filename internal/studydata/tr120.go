package studydata

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/perf/benchfmt"
)

// TR120Runs are the runs of the TR120 report that PUBLISHED.md cites
// (#248–#275 and its context check): unpadded with CUDA graphs (173112,
// and 191009, which has CUDA-event times), padded without CUDA graphs
// (182658) and compiled with dynamic=True (181045).
var TR120Runs = []string{"20251221_173112", "20251221_182658", "20251221_181045", "20251221_191009"}

// tr120Units are the units of the TR120 baseline, in the order written.
var tr120Units = []string{
	"prefill-ns", // prefill: one forward with use_cache
	"decode-ns",  // kv_decode: 64 single-token steps after an untimed prefill
	"e2e-ns",     // e2e_kv: prefill and 64 steps; TR117: InferenceService.generate
	"prompt-tok", // prefill: attention_mask.sum(), the prompt's own tokens
	"e2e-p50-ns", // TR117: the median of a run file's calls after its first
	"graphs",     // torch._dynamo unique_graphs of a run's mode
}

// TR120Inputs are the data pack's files TR120 reads; Files names each in
// errors: tr120/runs.csv, tr120/samples.csv, tr120/dynamo_counters.csv and
// tr117/tier3_gpu_run_files.csv.
type TR120Inputs struct {
	Runs, Samples, Dynamo, Tier3 io.Reader
	Files                        [4]string
}

// TR120Files converts the TR120 files of dir (as from Dir).
func TR120Files(dir string) ([]benchfmt.Record, error) {
	paths := [4]string{
		filepath.Join(dir, "tr120", "runs.csv"), filepath.Join(dir, "tr120", "samples.csv"),
		filepath.Join(dir, "tr120", "dynamo_counters.csv"), filepath.Join(dir, "tr117", "tier3_gpu_run_files.csv"),
	}
	in := TR120Inputs{Files: paths}
	readers := []*io.Reader{&in.Runs, &in.Samples, &in.Dynamo, &in.Tier3}
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("convert TR120: %w", err)
		}
		defer f.Close()
		*readers[i] = f
	}
	return TR120(in)
}

// tr120Modes maps the study's modes to the unit of their latency.
var tr120Modes = map[string]string{"prefill": "prefill-ns", "kv_decode": "decode-ns", "e2e_kv": "e2e-ns"}

// TR120 converts the TR120 data into benchfmt records. Each timed call of
// the runs in TR120Runs is one result per clock,
//
//	TR120/run=<run_id>/dynamic=<bool>/cudagraphs=<on|off>/backend=<b>/mode=<m>/scenario=<s>/clock=wall
//
// with the latency in prefill-ns, decode-ns or e2e-ns by mode (and a
// prefill's prompt-tok), and a clock=cuda-event twin where the run
// recorded CUDA-event times. Per run and mode with a count, the compiled
// graphs (…/mode=<m>/counter=dynamo, graphs). Then TR120 §A's source,
// TR117's per-run-file summary of its two GPU backends, two results per
// file:
//
//	TR120/source=tr117-tier3/backend=<b>/scenario=<s>/quant=<q>/file=<f>/sample=first   1 iteration: the first call's e2e-ns
//	TR120/source=tr117-tier3/backend=<b>/scenario=<s>/quant=<q>/file=<f>/sample=rest    n−1 iterations: their mean e2e-ns, median e2e-p50-ns
//
// so that the mean with and without each file's first call, and which
// first calls stood out, can be recomputed. (The per-sample TR117 data
// were never committed; the summary is derived, and TR120 fails if its
// mean disagrees with its parts.)
func TR120(in TR120Inputs) ([]benchfmt.Record, error) {
	tabs := make([]*table, 4)
	for i, r := range []io.Reader{in.Runs, in.Samples, in.Dynamo, in.Tier3} {
		t, err := readTable(r, in.Files[i])
		if err != nil {
			return nil, err
		}
		tabs[i] = t
	}
	runs, samples, dynamo, tier3 := tabs[0], tabs[1], tabs[2], tabs[3]
	recs, err := unitRecords(tr120Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", in.Files[1], err)
	}
	cfg := fileConfig(backendMachine("github.com/chimeraforge/chimeraforge/tr120",
		"chimeraforge-study TR120 experiments/TR120/results/tr120_root_cause and TR117 tier-3 (per-run-file summary)"))
	result := func(name string, iters int, vals ...benchfmt.Value) {
		recs = append(recs, &benchfmt.Result{Config: cfg, Name: benchfmt.Name(name), Iters: iters, Values: vals})
	}

	prefix := map[string]string{} // run id → its name's run keys
	for i := range runs.rows {
		r := runs.row(i)
		id := r.str("run_id")
		if !slices.Contains(TR120Runs, id) {
			continue
		}
		cg := "on"
		if r.str("disable_cudagraphs") == "true" {
			cg = "off"
		}
		prefix[id] = fmt.Sprintf("TR120/run=%s/dynamic=%s/cudagraphs=%s", id, r.str("compile_dynamic"), cg)
		if r.err != nil {
			return nil, r.err
		}
	}
	if len(prefix) != len(TR120Runs) {
		return nil, fmt.Errorf("convert %s: %d of the %d cited runs found", in.Files[0], len(prefix), len(TR120Runs))
	}

	for i := range samples.rows {
		r := samples.row(i)
		p, ok := prefix[r.str("run_id")]
		if !ok {
			continue
		}
		mode := r.str("mode")
		unit, ok := tr120Modes[mode]
		if !ok {
			r.fail("mode", "unknown mode "+mode)
		}
		name := fmt.Sprintf("%s/backend=%s/mode=%s/scenario=%s", p, r.str("backend"), mode, r.str("scenario"))
		vals := []benchfmt.Value{value(ns(r.float("latency_ms"), 1e-3), unit)}
		if mode == "prefill" {
			vals = append(vals, value(r.float("tokens"), "prompt-tok"))
		}
		result(name+"/clock=wall", 1, vals...)
		if ev := r.str("cuda_event_ms"); ev != "" {
			result(name+"/clock=cuda-event", 1, value(ns(r.float("cuda_event_ms"), 1e-3), unit))
		}
		if r.err != nil {
			return nil, r.err
		}
	}

	for i := range dynamo.rows {
		r := dynamo.row(i)
		p, ok := prefix[r.str("run_id")]
		if !ok || r.str("unique_graphs") == "" {
			continue
		}
		result(fmt.Sprintf("%s/mode=%s/counter=dynamo", p, r.str("mode")), 1, value(r.float("unique_graphs"), "graphs"))
		if r.err != nil {
			return nil, r.err
		}
	}

	for i := range tier3.rows {
		r := tier3.row(i)
		n := r.int("n_samples")
		first, rest, mean := r.float("first_ms"), r.float("mean_excl_first_ms"), r.float("mean_ms")
		if n < 2 {
			r.fail("n_samples", fmt.Sprintf("%d samples: no rest after the first", n))
		} else if whole := (first + rest*float64(n-1)) / float64(n); math.Abs(whole-mean) > 1e-9*mean {
			r.fail("mean_ms", fmt.Sprintf("%v is not the mean of the first (%v) and the rest (%v × %d) = %v", mean, first, rest, n-1, whole))
		}
		name := fmt.Sprintf("TR120/source=tr117-tier3/backend=%s/scenario=%s/quant=%s/file=%s",
			r.str("backend"), r.str("scenario"), r.str("quantization"), r.str("run_file"))
		if r.err != nil {
			return nil, r.err
		}
		// Not rounded to whole nanoseconds: a mean over calls has more
		// digits than the clock.
		result(name+"/sample=first", 1, value(ns(first, 1e-3), "e2e-ns"))
		result(name+"/sample=rest", n-1, value(rest*1e6, "e2e-ns"), value(r.float("median_rest_ms")*1e6, "e2e-p50-ns"))
	}
	return recs, nil
}
