package studydata

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// backendMachine is the study's machine without the Ollama lines: the
// inference-backend reports (TR118, TR120, and TR121's Hugging Face runs)
// ran Python in-process, not through Ollama.
func backendMachine(pkg, source string) [][2]string {
	return slices.DeleteFunc(machine(pkg, source), func(kv [2]string) bool {
		return kv[0] == "ollama-version" || kv[0] == "num-parallel"
	})
}

// tr118Units are the units of the TR118 baseline, in the order written.
var tr118Units = []string{
	"padded-tok/s",   // prefill: batch × padded length / latency, as the study counted
	"prefill-ns",     // prefill: one forward of the padded batch
	"tok/s",          // generate: steps × batch / latency
	"e2e-ns",         // generate: the whole ≤ 8-step uncached loop
	"ttft-ns",        // generate: its first step
	"degraded-calls", // a degraded record: its prompt executions that failed
	"build-ns",       // a TensorRT engine built in the run
	"ppl",            // WikiText-2 perplexity of a backend
}

// TR118Inputs are the data pack's TR118_v2.2 files; File names each in
// errors.
type TR118Inputs struct {
	Records, Samples, Models, Artifacts, Perplexity io.Reader
	Files                                           [5]string
}

// TR118Files converts the TR118 files of dir (as from Dir).
func TR118Files(dir string) ([]benchfmt.Record, error) {
	names := [5]string{"records.csv", "samples.csv", "models.csv", "artifacts.csv", "perplexity.csv"}
	var in TR118Inputs
	readers := []*io.Reader{&in.Records, &in.Samples, &in.Models, &in.Artifacts, &in.Perplexity}
	for i, n := range names {
		p := filepath.Join(dir, "tr118", n)
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("convert TR118: %w", err)
		}
		defer f.Close()
		*readers[i] = f
		in.Files[i] = p
	}
	return TR118(in)
}

// tr118Model is a study model's name segment and parameter count.
type tr118Model struct {
	name   string
	params int
}

// TR118 converts the TR118_v2.2 data (the deep run of tiny-gpt2 and gpt2,
// and the crossover models' prefill runs) into benchfmt records, from the
// raw files the report used (records.csv used_in_report) only. Each
// measured prompt execution is one result named
//
//	TR118/model=<model>/params=<count>/backend=<backend>/scenario=<scenario>/mode=<prefill|generate>/rep=<r>
//
// (prefill: padded-tok/s and prefill-ns; generate: tok/s, e2e-ns and
// ttft-ns), so that a record is the results sharing a name and the study's
// aggregation (record mean → mean over repetitions → mean over scenarios)
// can be redone; benchstat -ignore /rep,/params pools the repetitions. A
// degraded record (status not ok, or degraded prompt executions) has no
// samples: it is one result under its name with degraded-calls, its
// degraded count (never dropped, never a 0 sample). The study's model
// "gpt2-1m" is named gpt2-11m, as its 11,180,928 parameters and
// onnxsynth's preset are.
//
// Then, per model and backend with a value, the WikiText-2 perplexity
// (…/backend=<b>/eval=wikitext2, ppl), and per TensorRT engine the run
// built, its build time (…/artifact=<a>/mode=<m>, build-ns).
func TR118(in TR118Inputs) ([]benchfmt.Record, error) {
	tabs := make([]*table, 5)
	for i, r := range []io.Reader{in.Records, in.Samples, in.Models, in.Artifacts, in.Perplexity} {
		t, err := readTable(r, in.Files[i])
		if err != nil {
			return nil, err
		}
		tabs[i] = t
	}
	records, samples, models, artifacts, ppl := tabs[0], tabs[1], tabs[2], tabs[3], tabs[4]
	recs, err := unitRecords(tr118Units)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", in.Files[0], err)
	}
	cfg := fileConfig(backendMachine("github.com/chimeraforge/chimeraforge/tr118", "chimeraforge-study TR118_v2.2 experiments/TR118/results"))
	result := func(name string, vals ...benchfmt.Value) {
		recs = append(recs, &benchfmt.Result{Config: cfg, Name: benchfmt.Name(name), Iters: 1, Values: vals})
	}

	byLabel := map[string]tr118Model{}
	for i := range models.rows {
		r := models.row(i)
		name := r.str("model")
		if name == "gpt2-1m" {
			name = "gpt2-11m"
		}
		byLabel[r.str("run_label")] = tr118Model{name, r.int("parameter_count")}
		if r.err != nil {
			return nil, r.err
		}
	}
	model := func(r *row) tr118Model {
		m, ok := byLabel[r.str("run_label")]
		if !ok {
			r.fail("run_label", "no such run in models.csv")
		}
		return m
	}

	// Samples of a record, in file order.
	bySample := map[string][]int{}
	for i := range samples.rows {
		k := joinKey(samples.row(i), "run_label", "raw_file", "record_idx")
		bySample[k] = append(bySample[k], i)
	}
	used := map[string]bool{}
	for i := range records.rows {
		r := records.row(i)
		if r.str("used_in_report") != "true" {
			continue
		}
		used[joinKey(r, "run_label", "raw_file")] = true
		m := model(r)
		mode := r.str("mode")
		name := fmt.Sprintf("TR118/model=%s/params=%d/backend=%s/scenario=%s/mode=%s/rep=%d",
			m.name, m.params, r.str("backend"), r.str("scenario"), mode, r.int("repetition"))
		idx := bySample[joinKey(r, "run_label", "raw_file", "record_idx")]
		if r.str("status") != "ok" || r.int("degraded_count") > 0 {
			if len(idx) > 0 {
				r.fail("n_samples", fmt.Sprintf("a degraded record with %d samples", len(idx)))
			}
			result(name, value(float64(max(r.int("degraded_count"), 1)), "degraded-calls"))
			if r.err != nil {
				return nil, r.err
			}
			continue
		}
		if n := r.int("n_samples"); n != len(idx) || n == 0 {
			r.fail("n_samples", fmt.Sprintf("says %d, samples.csv has %d", n, len(idx)))
		}
		if r.err != nil {
			return nil, r.err
		}
		for _, j := range idx {
			s := samples.row(j)
			lat, tokens := s.float("latency_ms"), s.float("tokens")
			rate := tokens / (lat / 1e3)
			switch mode {
			case "prefill":
				result(name, value(rate, "padded-tok/s"), value(ns(lat, 1e-3), "prefill-ns"))
			case "generate":
				result(name, value(rate, "tok/s"), value(ns(lat, 1e-3), "e2e-ns"), value(ns(s.float("ttft_ms"), 1e-3), "ttft-ns"))
			default:
				s.fail("mode", "neither prefill nor generate: "+mode)
			}
			if s.err != nil {
				return nil, s.err
			}
		}
	}

	for i := range ppl.rows {
		r := ppl.row(i)
		m := model(r)
		if r.str("perplexity") == "" {
			continue // the backend failed the gate's run: no value, never a 0
		}
		result(fmt.Sprintf("TR118/model=%s/params=%d/backend=%s/eval=wikitext2", m.name, m.params, r.str("backend")),
			value(r.float("perplexity"), "ppl"))
		if r.err != nil {
			return nil, r.err
		}
	}
	for i := range artifacts.rows {
		r := artifacts.row(i)
		if !used[joinKey(r, "run_label", "raw_file")] || r.str("built") != "true" {
			continue
		}
		m := model(r)
		mode, _, _ := strings.Cut(strings.TrimPrefix(r.str("raw_file"), "bench_"), "_")
		result(fmt.Sprintf("TR118/model=%s/params=%d/artifact=%s/mode=%s", m.name, m.params, r.str("artifact"), mode),
			value(ns(r.float("build_time_s"), 1), "build-ns"))
		if r.err != nil {
			return nil, r.err
		}
	}
	if len(used) == 0 {
		return nil, errors.New("convert " + in.Files[0] + ": no raw file is used_in_report")
	}
	return recs, nil
}
