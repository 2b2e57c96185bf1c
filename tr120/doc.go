// Package tr120 reproduces TR120, the study's root cause of its "compile
// paradox": whether torch.compile helped or hurt depended on which samples
// were counted. In Go the backend is ONNX Runtime's CPU provider
// (harness/onnx), its "compile" the graph optimisation ONNX Runtime does
// when it makes a session, and the model a synthetic GPT-2
// (internal/onnxsynth).
//
//	go test -run '^$' -bench . -benchtime 200x -count 5 ./tr120 > new.txt
//	CHIMERA_ONNX_MODELS=tiny-gpt2 go test -run '^$' -bench . -benchtime 20x ./tr120
//
// # BenchmarkTR120
//
// Sub-benchmarks are model=…/opt=…/shape=…/start=…, every combination of
// three factors, so that each can be changed on its own:
//
//   - opt: all (ONNX Runtime's default graph optimisation, at session
//     creation) or none (the graph as written): compiled against eager.
//   - shape: dynamic (each prompt at its own length: eight shapes) or
//     bucketed (right-padded, masked, to 8, 16, 32 or 64: four shapes).
//   - start: cold (every call on a new session, the session's creation
//     timed apart) or warm (one session, warmed by a pass over every
//     prompt, as in steady state).
//
// model is an onnxsynth preset: tiny-gpt2, the study's TR120 model (a
// call is dispatch overhead), and gpt2-5m (a call is compute) by default.
// One iteration is one prefill of the next of the study's nine TR120
// prompts (two of each prompt set and the stress prompt, 1–51 GPT-2
// tokens), batch 1. Decode is left out: its steps take one token whatever
// the prompt's shape.
//
// Metrics (internal/units), over the sub-benchmark's clean calls:
//
//	prefill-ns      mean prefill forward time
//	prefill-p50-ns  its median (numpy-linear percentiles)
//	prefill-p99-ns  its 99th percentile: the tail the study compared
//	build-ns        cold only: mean session creation (graph optimisation included)
//	degraded-calls  calls that failed or gave non-finite logits: traced, counted, never pooled
//	ns/op           wall time per iteration (cold: creation, call and close)
//
// Cold and warm samples are never pooled: they are different
// sub-benchmarks. The trace holds every call, a cold one with its session
// creation as load_duration.
//
// # Baseline and report
//
// testdata/baseline.bench is the study's TR120 data converted by
// internal/studydata.TR120: every sample of the four runs PUBLISHED.md
// cites (prefill, KV decode and end to end, eager and compiled, wall and
// CUDA-event clocks), their torch._dynamo graph counts, and TR117's
// per-run-file first-sample summary (TR120 §A). testdata/cpu.bench is a
// run of ours on a two-core CPU. The package declares the report once, as
// Report: the baseline (embedded), BenchmarkTR120's matrix and body on the
// harness's ONNX Runtime backend, and Render, whose
// testdata/report.md.golden recomputes every TR120 row of PUBLISHED.md
// (#244–#275) from the first and shows what each factor does on its own
// from the second (with no run, the study's part alone):
//
//	go test ./tr120 -run Report -update
//
// Compare a run of ours with the CPU run committed beside the baseline, as
// the report fragment prints it:
//
//	go tool benchstat -table '' -ignore /gomaxprocs tr120/testdata/cpu.bench new.txt
//
// # Environment
//
//	ONNXRUNTIME_SHARED_LIBRARY_PATH  the ONNX Runtime library (≥ 1.24) to load
//	CHIMERA_CACHE                    where the fetched library is cached
//	CHIMERA_ONNXRUNTIME_FETCH        1: tests may fetch the library; 0: nothing may
//	                                 (benchmarks fetch it when absent by default)
//	CHIMERA_ONNX_MODELS              comma-separated onnxsynth presets (default: DefaultModels)
//	CHIMERA_ONNX_THREADS             ONNX Runtime intra-op threads (default: its own)
//	CHIMERA_TRACE_DIR                where the trace of every call goes
//	CHIMERA_PROGRESS                 progress lines: stderr, or off
package tr120
