// Package tr121 reproduces TR121v1, the study's scaling study: prefill
// and decode latency against parameter count, fitted as a power law
// latency = a·params^b. Here the two families are synthetic GGUF models
// served by Ollama (internal/synth, through the harness's live setup) and
// synthetic GPT-2 decoders on ONNX Runtime's CPU provider
// (internal/onnxsynth, harness/onnx).
//
//	go test -run '^$' -bench . -benchtime 1x -count 3 ./tr121 > new.txt
//	CHIMERA_MODELS=synth:llama3.1-tiny,synth:llama3.1-small,synth:llama3.1-medium \
//	CHIMERA_ONNX_MODELS=tiny-gpt2,gpt2-5m,gpt2-11m,gpt2-25m,gpt2-45m,gpt2-50m,gpt2-75m,gpt2-100m,gpt2 \
//	    go test -run '^$' -bench . -benchtime 1x -count 3 ./tr121
//
// The first line runs the defaults, a few minutes on two cores: Ollama
// with llama3.1-tiny and -small (~5M, ~50M), ONNX Runtime with tiny-gpt2,
// gpt2-5m, gpt2-25m and gpt2-100m.
//
// # BenchmarkTR121
//
// Sub-benchmarks are backend=…/model=…/params=…/scenario=…:
//
//   - backend: onnx-cpu (skipped, with the reason, when no ONNX Runtime
//     library can be had) or ollama (skipped when no Ollama can be had).
//   - model: an onnxsynth preset, or "synth:<preset>" (or a real tag) as
//     CHIMERA_MODELS names it; params its parameter count in millions.
//   - scenario: micro, short, medium, the first prompt of each of the
//     study's sets (text for Ollama, GPT-2 tokens for ONNX Runtime).
//
// One iteration is one call, after one untimed warm-up call per
// sub-benchmark: the prompt's prefill, then GenTokens (64) decoded tokens
// (Ollama: num_predict 64, temperature 0, top_p 1, streamed; ONNX Runtime:
// 64 greedy steps with the KV cache). Metrics (internal/units), means over
// the clean calls:
//
//	prefill-ns      the prefill (Ollama: prompt_eval_duration; ONNX: the prefill forward)
//	decode-ns       the decode (Ollama: eval_duration; ONNX: the decode steps' forwards)
//	e2e-ns          call start → last token, as the client saw it
//	tok/s           generated tokens / decode-ns
//	prompt-tok      prompt tokens per call
//	degraded-calls  ONNX only: calls left out (a failed Ollama call fails the benchmark)
//	ns/op           wall time per call
//
// # Baseline and report
//
// testdata/baseline.bench is the study's main TR121v1 run converted by
// internal/studydata.TR121 (228 calls, warm-ups marked start=warmup).
// testdata/cpu.bench is a run of ours with four GGUF and nine ONNX sizes.
// testdata/report.md.golden recomputes every TR121v1 row of PUBLISHED.md
// (#276–#311) from the first, and fits both of our families from the
// second: Points and Fit (the study's median per scenario, geometric mean
// over scenarios, least squares of log10 latency on log10 parameters,
// internal/stats.FitPowerLaw) with the slope's 95 % t-interval, and how a
// call's time splits between prefill and decode. The package declares the
// report once, as Report (the baseline, BenchmarkTR121's matrix and body
// on the harness's two backends, ONNX Runtime and Ollama, and Render), in
// report.go; like the harness and golden/report, it links no
// gonum.org/v1/plot (internal/doccheck's TestLayering).
//
//	go test ./tr121 -run Report -update
//
// testdata/cpu.bench ran as below (one thread per backend); compare a run
// of ours with it, as the report fragment prints it:
//
//	CHIMERA_NUM_THREAD=1 CHIMERA_ONNX_THREADS=1 \
//	CHIMERA_MODELS=synth:llama3.1-tiny,synth:llama3.1-small,synth:llama3.1-medium,synth:llama3.1-large \
//	CHIMERA_ONNX_MODELS=tiny-gpt2,gpt2-5m,gpt2-11m,gpt2-25m,gpt2-45m,gpt2-50m,gpt2-75m,gpt2-100m,gpt2 \
//	    go test -run '^$' -bench . -benchtime 1x -count 3 -timeout 1h ./tr121 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs tr121/testdata/cpu.bench new.txt
//
// # Environment
//
//	CHIMERA_MODELS                   Ollama models (default: DefaultOllamaModels)
//	CHIMERA_NUM_PREDICT              decode length for Ollama (default here: 64, the study's)
//	CHIMERA_OLLAMA_URLS, CHIMERA_OLLAMA_BIN, CHIMERA_CACHE   where Ollama comes from (see harness)
//	ONNXRUNTIME_SHARED_LIBRARY_PATH  the ONNX Runtime library (≥ 1.24) to load
//	CHIMERA_ONNXRUNTIME_FETCH        1: tests may fetch the library; 0: nothing may
//	CHIMERA_ONNX_MODELS              comma-separated onnxsynth presets (default: DefaultONNXModels)
//	CHIMERA_ONNX_THREADS             ONNX Runtime intra-op threads (default: its own)
//	CHIMERA_TRACE_DIR                where the trace of every call goes
//	CHIMERA_PROGRESS                 progress lines: stderr, or off
package tr121
