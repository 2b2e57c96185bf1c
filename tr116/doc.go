// Package tr116 reproduces TR116: two agents at once, each on its own
// Ollama instance, across three models (gemma3:latest,
// llama3.1:8b-instruct-q4_0, qwen2.5:7b) and two scenarios
// (baseline_vs_chimera, chimera_homo), 5 runs each, in two programs: the
// study's Rust agents (TR114_v2's: an analysis and a report call each) and
// reconstructed Python agents (one persona call each); and one agent alone
// on the same models the same day.
//
// # Baseline
//
// testdata/baseline.bench holds TR116's data, converted from the data pack
// (study/tr116) by internal/studydata.TR116:
//
//	BenchmarkTR116/model=<tag>/scenario=<scenario>/instances=2/lang=rust    30 Rust runs
//	BenchmarkTR116/model=<tag>/scenario=<scenario>/instances=2/lang=python  30 Python runs
//	BenchmarkTR116/model=<tag>/lang=rust/agent=…/start=…/dir=…/study-agent=…  224 Rust single-agent calls
//	BenchmarkTR116/model=<tag>/lang=python/agent=…/dir=…/study-agent=…        112 Python single-agent runs
//
// agent=baseline names an agent that sent no options, agent=chimera one
// that did, with the options it sent (the Python "baseline" agent sent
// them too); dir and study-agent are the study's directory and label.
// A Rust run carries TR114's metrics (see package tr114) and load-ns, the
// server's load_duration summed over its calls. A Python run carries the
// study's eff-% and legacy-speedup-x, which its code computed from the
// agents' Ollama-internal durations (prompt_eval + eval, kept as
// prefill-ns + decode-ns summed over both agents), with a-ns and b-ns the
// agents' client wall clocks. A Rust single-agent call carries TR111's
// metrics; a Python single-agent run only tok/s, the mean of its two
// calls' decode rates (per-call data were not saved). There is no
// corrected speedup-x: no agent ran alone next to the multi-agent runs.
//
// # Report fragment
//
// The package declares the report once, as Report: its baseline
// (embedded), BenchmarkTR116's matrix and body, Render and the claims.
// testdata/report.md.golden, Render's fragment, recomputes every TR116
// row of the data pack's PUBLISHED.md (#130–#174) from the baseline with
// the study's own definitions (Rust: agent times inside the run; Python: Ollama-internal
// durations) and sets each beside the published number: the means and
// speedups follow; 18 rows do not (11 of the Rust table's 12 peaks and
// SDs, e.g. qwen2.5 SD 8.6 and 10.2 pp, not 2.3 and 1.5; all six Python
// peaks; "Python never exceeds 86 %", when a run reaches 91.7 %). It then
// compares two Rust agents together with one alone per model: together
// they made 69–81 % of one agent's tokens per wall second. The charts
// (testdata/efficiency.svg, testdata/throughput.svg) show the legacy
// efficiencies by model and the throughput comparison. All are rendered
// from the committed baseline only; regenerate them, and the baseline
// from the data pack (study/, or CHIMERA_STUDY_DIR),
// with
//
//	go test ./tr116 -update
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go test -run '^$' -bench . -count 10 ./tr116 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs,/dir,/study-agent tr116/testdata/baseline.bench new.txt
//
// # The benchmark
//
// BenchmarkTR116 runs both scenarios with Go agents on the live setup, one
// instance per agent, for every model
// (BenchmarkTR116/model=<tag>/scenario=…/instances=2/lang=go; the
// baseline's lines are lang=rust and lang=python, so benchstat -col /lang
// sets Go beside them, -col /model compares the models). With
// CHIMERA_MODELS unset it runs the three synthetic families
// (synth:llama3.1-tiny, synth:qwen2.5-tiny, synth:gemma3-tiny); with it
// set, any list of real tags (the study used gemma3:latest,
// llama3.1:8b-instruct-q4_0 and qwen2.5:7b). On synthetic models the
// chimera agents send num_ctx 1024 instead of the study's 512, for all
// three families alike (a config line says so): the synthetic gemma3
// crashes Ollama's KV-cache shift when prompt plus output exceed num_ctx,
// and the analysis prompt is ~471 tokens. Real models keep 512. Metrics
// are tr114's. One iteration is one interleaved sample.
//
//	go test -run '^$' -bench TR116 -count 6 ./tr116 > new.txt
//	go tool benchstat -table '' -col /lang -ignore /gomaxprocs tr116/testdata/baseline.bench new.txt
//
// On OpenAI-compatible servers (CHIMERA_OPENAI_URLS, two URLs; CHIMERA_MODELS
// must name models they serve, or they must be Ollama, which creates the
// synthetic ones) the calls are OpenAI chat completions, but both tests'
// agent B sends num_gpu and num_ctx, which the protocol lacks: every
// sub-benchmark skips with that reason rather than run with them dropped.
package tr116
