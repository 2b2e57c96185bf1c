// Package tr111 reproduces TR111_v2: a single agent (the study's Rust
// demo_agent, here the Go port in harness) against one Ollama instance,
// the 2-call workflow (ingest → analysis call → report call), for the
// baseline agent (no options: the server's defaults) and the 18-config
// sweep num_gpu {60,80,120} × num_ctx {256,512,1024} × temperature {0.6,0.8}.
//
// # Benchmarks
//
//	BenchmarkTR111/agent=baseline/start=warm
//	BenchmarkTR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=cold
//	BenchmarkTR111/agent=baseline/start=fresh
//	…                                     (19 configs × start={warm,cold}, baseline also fresh)
//	BenchmarkTR111Process/agent=baseline  (the agent as its own process)
//
// One iteration of BenchmarkTR111 is one workflow run; ns/op is its wall
// time. Before the iterations, one warm-up run (traced as run "warmup",
// excluded from every metric) loads the model with the config's options,
// so the reload the study's TTFT "spikes" came from is never counted as
// warm. start=cold unloads the model (keep_alive 0, confirmed by /api/ps)
// before every run, outside the timer; start=fresh (baseline only, on a
// server the harness started) restarts the server process before every run
// (the study's "process isolation"). A server that dies fails its
// sub-benchmark with its last log lines, and the next one restarts it.
//
// # Metrics
//
//	tok/s          decode throughput: Σ eval_count / Σ eval_duration (server)
//	ttft-ns        client TTFT: request start → first non-empty chunk, mean over calls
//	first-ttft-ns  TTFT of each run's first call (the cold one under start=cold)
//	e2e-ns         client: request start → last chunk, mean over calls
//	itl-ns         mean gap between content chunks after the first
//	load-ns        server load_duration, mean over calls
//	prefill-ns     server prompt_eval_duration, mean over calls
//	study-ttft-ns  the study's TTFT: load_duration + prompt_eval_duration
//	prompt-tok     prompt tokens per call (server prompt_eval_count)
//	no-*-calls     calls that lacked a TTFT, load or prefill measurement (left out of those means)
//	invalid-calls  calls whose server accounting failed measure.Validate (left out of every metric)
//	startup-ns     BenchmarkTR111Process: exec → first request at the server
//	peak-rss-B     BenchmarkTR111Process: the agent process's peak RSS
//
// # Running
//
//	go test -run '^$' -bench . -count 10 ./tr111 > new.txt
//	go tool benchstat new.txt
//
// With no environment set this starts the embedded default (an Ollama
// server built from the module version pinned in go.mod) and a synthetic
// model. Environment:
//
//	CHIMERA_OLLAMA_URLS   use running servers (the first one here)
//	CHIMERA_OLLAMA_BIN    start this ollama binary (else ollama on PATH, else the embedded build)
//	CHIMERA_MODELS        real model tags (the first one here), pulled if absent
//	CHIMERA_NUM_THREAD    num_thread per request (default: (cores−1)/instances on started servers)
//	CHIMERA_NUM_PREDICT   tokens per call (default 128 for a synthetic model, unset for a real one)
//	CHIMERA_CORPUS        directory the agent ingests (default: the embedded 101-file corpus)
//	CHIMERA_TRACE_DIR     where the JSONL trace of every call goes (default: the test's artifact dir)
//	CHIMERA_CACHE         where the embedded Ollama build and synthetic models are cached
//
// The benchmarks run on harness.NewLive: provenance (server, model and its
// digest, corpus digest, num_thread, num_predict) and a Unit line for every
// unit are printed once on stdout; sweep progress goes to the terminal.
//
// The study's own data, as benchfmt, is testdata/baseline.bench; the report
// fragments in testdata are rendered from it (go test ./tr111 -update).
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go tool benchstat -table '' -ignore /dir,/study-agent,/gomaxprocs tr111/testdata/baseline.bench new.txt
package tr111
