// Package tr108 reproduces TR108, the single-inference sweep: which Ollama
// options make one request fastest? For every model, the study's
// baseline-phase options (num_gpu 999, num_ctx 2048, temperature 0.3), then
// its tuning grid num_gpu {999, 80, 60, 40} × num_ctx {1024, 2048, 4096} ×
// temperature {0.2, 0.4, 0.8}, on the study's five short banter prompts.
//
// # Benchmarks
//
//	BenchmarkTR108/model=synth:llama3.1-tiny/quant=f16/num_gpu=999/num_ctx=2048/temp=0.3/start=warm
//	BenchmarkTR108/model=…/quant=…/num_gpu=40/num_ctx=1024/temp=0.4/start=warm
//	…                                     (37 configs per model)
//
// One iteration is one request: iteration i sends prompt i mod 5, so
// -benchtime 1x sends prompt 1 (the study's tuning phase) and -benchtime 5x
// the five prompts once (its baseline phase); ns/op is the request's wall
// time. Before the iterations, one warm-up request (traced as run "warmup",
// excluded from every metric) loads the model with the config's options:
// changing num_gpu or num_ctx reloads the model, and the study counted that
// reload as TTFT (PUBLISHED.md #27's "temperature spike" is load_duration).
// Hence start=warm in every name; the study's own requests are start=warm or
// start=cold in testdata/baseline.bench.
//
// The quantisation axis is the models: with CHIMERA_MODELS naming several
// tags (llama3.1:8b-instruct-q4_0,llama3.1:8b-instruct-q5_K_M,…), each is
// swept in turn, quant= saying what the server reports
// (details.quantization_level), and the previous model is unloaded first.
// Synthetic models are F16 only: the default run has one quantisation.
//
// # Metrics
//
//	tok/s          decode throughput: Σ eval_count / Σ eval_duration (server)
//	ttft-ns        client TTFT: request start → first non-empty chunk
//	study-ttft-ns  the study's TTFT: load_duration + prompt_eval_duration (server)
//	load-ns        server load_duration (warm: the runner's check, not a reload)
//	prefill-ns     server prompt_eval_duration
//	e2e-ns         client: request start → done chunk
//	itl-ns         mean gap between content chunks after the first
//	prompt-tok     prompt tokens per request
//	no-*-calls     requests that lacked a TTFT, load or prefill measurement
//	invalid-calls  calls whose server accounting failed measure.Validate (left out of every metric)
//
// # Running
//
//	go test -run '^$' -bench . -benchtime 5x -count 10 ./tr108 > new.txt
//	go tool benchstat -table '' -ignore /phase,/prompt,/gomaxprocs tr108/testdata/baseline.bench new.txt
//
// With no environment set this starts the embedded default (an Ollama
// server built from the module version pinned in go.mod) and the synthetic
// llama3.1-tiny model; `-benchtime 1x` sweeps its 37 configs in about
// 15 s on two cores (a cached build). Environment:
//
//	CHIMERA_OLLAMA_URLS   use running servers (the first one here)
//	CHIMERA_OLLAMA_BIN    start this ollama binary (else ollama on PATH, else the embedded build)
//	CHIMERA_MODELS        real model tags, each swept (the quantisation axis), pulled if absent
//	CHIMERA_NUM_THREAD    num_thread per request (default: cores−1 on a started server)
//	CHIMERA_NUM_PREDICT   tokens per request (default 128 for a synthetic model, unset for a real one)
//	CHIMERA_TRACE_DIR     where the JSONL trace of every request goes
//	CHIMERA_CACHE         where the embedded Ollama build and synthetic models are cached
//
// The study's own requests, as benchfmt, are testdata/baseline.bench
// (embedded). The package declares the report once, as Report: the
// baseline, BenchmarkTR108's matrix and body, and Render, whose fragment
// in testdata recomputes PUBLISHED.md's 27 TR108 rows from the baseline
// (go test ./tr108 -run Report -update).
package tr108
