// Package tr118 reproduces TR118_v2.2's ONNX Runtime runs: prefill and
// decode of GPT-2-style decoders, per execution provider, model size and
// the study's six scenarios, on synthetic models written from Go
// (internal/onnxsynth) and run in-process through ONNX Runtime
// (harness/onnx).
//
//	go test -run '^$' -bench . -benchtime 1x ./tr118            # every size, once
//	go test -run '^$' -bench . -count 10 ./tr118 > new.txt       # for benchstat
//	CHIMERA_ONNX_MODELS=tiny-gpt2 go test -run '^$' -bench . ./tr118
//
// # BenchmarkTR118
//
// Sub-benchmarks are provider=…/model=…/scenario=…/mode=…:
//
//   - provider: cpu, cuda, tensorrt — each one the loaded library can run
//     (the npm build fetched by default has the CPU only; the others are
//     logged as skipped, with ONNX Runtime's reason). A session on a GPU
//     provider is strict: it fails rather than run nodes on the CPU.
//   - model: onnxsynth presets, the study's own sizes to the parameter
//     (tiny-gpt2 0.1M, gpt2-5m, gpt2-25m, gpt2-100m by default).
//   - scenario: single_micro, single_short, single_medium, single_long
//     (batch 1) and batch_short, batch_medium (batch 4): rows of the
//     study's prompt sets in GPT-2 tokens, right-padded to the set's
//     length as the study padded them (8, 11, 19, 27).
//   - mode: prefill (one forward over batch × padded length) or decode (a
//     prefill, then 8 greedy steps with the KV cache).
//
// One iteration is one call, after one untimed warm-up call. Metrics
// (internal/units), computed from the calls' records through the harness's
// measure.CallMetrics:
//
//	prefill: prefill-tok/s   real prompt tokens / prefill forward time
//	         padded-tok/s    batch × padded length / prefill forward time (the study's count)
//	         prefill-ns      prefill forward time per call
//	decode:  tok/s           generated tokens (batch × 8) / decode steps' forward time
//	         ttft-ns         call start → first token chosen (prefill + greedy pick)
//	         itl-ns          mean gap between tokens after the first
//	         e2e-ns          call start → last token
//	         prefill-ns      prefill forward time per call
//	both:    degraded-calls  calls left out of the metrics (0 when none)
//	         ns/op           wall time per call
//
// prefill-tok/s counts real tokens. The study counted padded ones (batch × padded
// length per prefill): padded-tok/s is that count, the one to set against
// the baseline; single_micro's "Hello" is 1 real token of 8.
//
// A call that fails or yields non-finite logits is degraded: it stays in
// the trace with its reason (measure.Record.Err), is logged and counted
// (degraded-calls), and is never pooled; a sub-benchmark whose calls all
// degrade fails. The config lines name the ONNX Runtime version, its
// library's SHA-256, the providers it can run, the thread setting and the
// synthetic recipe.
//
// Departures from the study: the study's "generate" re-ran the whole padded
// forward at every step (no KV cache); decode here uses the cache, as
// serving does. Its backends also included PyTorch and TensorRT; here the
// backends are ONNX Runtime's providers (Ollama is tr117's). Weights are
// random, so the tokens are gibberish, but the work per token is the
// architecture's.
//
// # Baseline and report
//
// testdata/baseline.bench is the study's TR118_v2.2 data (the raw files
// its report used), one result per measured prompt execution, converted
// by internal/studydata.TR118: padded-tok/s and prefill-ns (prefill),
// tok/s, e2e-ns and ttft-ns (its uncached generate), degraded-calls for a
// degraded record, ppl and build-ns for its perplexity gate and TensorRT
// builds, embedded. The package declares the report once, as Report: the
// baseline, BenchmarkTR118's matrix and body on the harness's ONNX Runtime
// backend, and Render, whose testdata/report.md.golden recomputes every
// TR118_v2.2 row of the data pack's PUBLISHED.md (#190–#222) from it, with
// the crossover fit (internal/stats.FitPowerLaw) and its charts:
//
//	go test ./tr118 -run Report -update
//
// Compare a CPU run of ours with the study's ONNX Runtime CPU prefill, as
// the report fragment prints it:
//
//	go test -run '^$' -bench 'TR118/provider=cpu/.*/.*/mode=prefill' -count 5 ./tr118 > new.txt
//	go tool benchstat -table '' -filter '(/backend:onnxruntime-cpu OR /provider:cpu) .unit:padded-tok/s' \
//	    -ignore /rep,/params,/backend,/provider,/gomaxprocs tr118/testdata/baseline.bench new.txt
//
// # Environment
//
//	ONNXRUNTIME_SHARED_LIBRARY_PATH  the ONNX Runtime library (≥ 1.24) to load
//	CHIMERA_CACHE                    where the fetched library is cached
//	CHIMERA_ONNXRUNTIME_FETCH        1: tests may fetch the library; 0: nothing may
//	                                 (benchmarks fetch it when absent by default)
//	CHIMERA_NPM_REGISTRY             npm registry to fetch from
//	CHIMERA_ONNX_MODELS              comma-separated onnxsynth presets (default: DefaultModels)
//	CHIMERA_ONNX_THREADS             ONNX Runtime intra-op threads (default: its own)
//	CHIMERA_TRACE_DIR                where the trace of every call goes
//	CHIMERA_PROGRESS                 progress lines: stderr, or off
package tr118
