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
//	CHIMERA_OPENAI_URLS   use OpenAI-compatible servers instead (the first one here), see below
//	CHIMERA_OPENAI_KEY    bearer token for them (never printed)
//	CHIMERA_OLLAMA_BIN    start this ollama binary (else ollama on PATH, else the embedded build)
//	CHIMERA_MODELS        real model tags (the first one here), pulled if absent
//	CHIMERA_NUM_THREAD    num_thread per request (default: (cores−1)/instances on started servers)
//	CHIMERA_NUM_PREDICT   tokens per call (default 128 for a synthetic model, unset for a real one)
//	CHIMERA_CORPUS        directory the agent ingests (default: the embedded 101-file corpus)
//	CHIMERA_TRACE_DIR     where the JSONL trace of every call goes (default: the test's artifact dir)
//	CHIMERA_CACHE         where the embedded Ollama build and synthetic models are cached
//
// # OpenAI-compatible servers
//
// With CHIMERA_OPENAI_URLS=http://h:8000/v1 (vLLM, SGLang, TGI, llama.cpp's
// llama-server, or Ollama's own /v1) and CHIMERA_MODELS naming a model the
// server lists, BenchmarkTR111 measures its calls over OpenAI chat
// completions (streamed, with usage). The config lines say "protocol:
// openai", the server and its version, and whether it reports usage and
// timings. What runs: agent=baseline/start=warm (temperature, max_tokens
// from num_predict and seed map onto the protocol), and start=cold where
// the server is Ollama (it unloads through the native API). What skips,
// with the reason: the 18 chimera configs (they send num_gpu and num_ctx,
// which the protocol lacks: such a server fixes them at launch; they are
// never run with the options dropped), start=cold on other servers (no
// unload), start=fresh (not listed: the harness started no server), and
// BenchmarkTR111Process (the agent process speaks Ollama's native API).
// Without server timings tok/s, prefill-ns and study-ttft-ns are omitted;
// stream-tok/s, the client's decode rate, is reported on every protocol.
// Against Ollama's /v1 the harness creates the synthetic default model
// through the native API, so against a bare Ollama (ollama serve, default
// port 11434) this runs as is:
//
//	CHIMERA_OPENAI_URLS=http://127.0.0.1:11434/v1 go test -run '^$' -bench 'TR111/agent=baseline/start=warm' -benchtime 1x -count 6 ./tr111
//
// The benchmarks run on harness.NewLive: provenance (server, model and its
// digest, corpus digest, num_thread, num_predict) and a Unit line for every
// unit are printed once on stdout; sweep progress goes to the terminal.
//
// The study's own data, as benchfmt, is testdata/baseline.bench, embedded
// and exported as Baseline (tr109 and tr114 read it there); the report
// fragments in testdata are rendered from it by Report's Render (go test
// ./tr111 -run Report -update).
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go tool benchstat -table '' -ignore /dir,/study-agent,/gomaxprocs tr111/testdata/baseline.bench new.txt
package tr111
