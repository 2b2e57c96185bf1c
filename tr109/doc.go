// Package tr109 reproduces TR109, the agent-workflow sweep: which Ollama
// options make a single agent fastest? The study's agent (the Go port in
// harness/agent, as tr111 runs it) does its 2-call workflow (ingest →
// analysis call → report call) with the baseline config (no options: the
// server's defaults) and the 18 chimera configs num_gpu {60, 80, 120} ×
// num_ctx {256, 512, 1024} × temperature {0.6, 0.8}: the 19 of
// harness.AgentConfigs, which tr111 sweeps too.
//
// # Benchmarks
//
//	BenchmarkTR109/agent=baseline
//	BenchmarkTR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6
//	…                                     (19 configs)
//
// One iteration is one workflow run; ns/op is its wall time. Before the
// iterations, one warm-up run (traced as run "warmup", excluded from every
// metric) loads the model with the config's options, so that a reload is
// never counted. -count 10 runs each config ten times in a row (the
// baseline first), then the next: a drift of the machine over the sweep
// shows as a difference from the baseline.
//
// # The optimisation success rate
//
// TR109 and TR112_v2 called a configuration a success when its mean
// throughput beat the baseline's, from one run each. [SuccessRate] computes
// that form and ours beside it from any benchfmt file of a sweep: a
// configuration is better (or worse) only when benchmath's Mann-Whitney U
// test, as benchstat runs it, finds the difference significant at α = 0.05
// ([Alpha]) over at least 10 samples a side ([MinSamples]). A -count 10 run
// gives ten samples of each config:
//
//	go test -run '^$' -bench . -count 10 ./tr109 > new.txt
//	go tool benchstat -table '' -ignore /dir,/study-agent,/gomaxprocs tr109/testdata/baseline.bench new.txt
//
// testdata/ours.bench is one such run, committed; the fragment renders the
// success rates of the study's TR109 and TR111_v2 data and of that run
// side by side (go test ./tr109 -run Report -update). The package declares
// the report once, as Report (harness.Run runs it, reporttest.Check checks
// it); its Render takes any run of BenchmarkTR109, or none.
//
// # Metrics
//
//	tok/s          decode throughput: Σ eval_count / Σ eval_duration (server)
//	ttft-ns        client TTFT: request start → first non-empty chunk, mean over calls
//	first-ttft-ns  TTFT of each run's first call
//	e2e-ns         client: request start → last chunk, mean over calls
//	itl-ns         mean gap between content chunks after the first
//	load-ns        server load_duration, mean over calls
//	prefill-ns     server prompt_eval_duration, mean over calls
//	study-ttft-ns  the study's TTFT: load_duration + prompt_eval_duration
//	prompt-tok     prompt tokens per call
//	no-*-calls     calls that lacked a TTFT, load or prefill measurement
//	invalid-calls  calls whose server accounting failed measure.Validate (left out of every metric)
//
// # Running
//
// With no environment set this starts the embedded default (an Ollama
// server built from the module version pinned in go.mod) and the synthetic
// llama3.1-tiny model; -count 10 takes about two minutes on two cores.
// Environment:
//
//	CHIMERA_OLLAMA_URLS   use running servers (the first one here)
//	CHIMERA_OPENAI_URLS   use OpenAI-compatible servers instead (the first one here)
//	CHIMERA_OPENAI_KEY    bearer token for them (never printed)
//	CHIMERA_OLLAMA_BIN    start this ollama binary (else ollama on PATH, else the embedded build)
//	CHIMERA_MODELS        real model tags (the first one here), pulled if absent
//	CHIMERA_NUM_THREAD    num_thread per request (default: cores−1 on a started server)
//	CHIMERA_NUM_PREDICT   tokens per call (default 128 for a synthetic model, unset for a real one)
//	CHIMERA_CORPUS        directory the agent ingests (default: the embedded 101-file corpus)
//	CHIMERA_TRACE_DIR     where the JSONL trace of every call goes
//	CHIMERA_CACHE         where the embedded Ollama build and synthetic models are cached
//
// On OpenAI-compatible servers (CHIMERA_OPENAI_URLS, as TR111's doc says)
// agent=baseline runs, its calls measured over OpenAI chat completions; the
// 18 chimera configs skip with the reason (num_gpu and num_ctx have no
// OpenAI equivalent and are never dropped), so SuccessRate has nothing to
// compare there.
//
// The study's own agent runs, as benchfmt, are testdata/baseline.bench
// (TR109); the fragment also reads tr111/testdata/baseline.bench (TR111_v2,
// for TR112_v2's Rust success rate) where tr111 keeps it.
package tr109
