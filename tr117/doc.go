// Package tr117 reproduces TR117: the study's cross-backend matrix, on the
// backends Go can run (Ollama serving a synthetic GGUF model, ONNX Runtime
// running a synthetic ONNX model of matched size), and the Go analogue of
// TR117_multi_agent's "event loop" study (N agents streaming while the Go
// scheduler's latency and a timer's oversleep are measured).
//
//	go test -run '^$' -bench '^BenchmarkTR117$' -benchtime 1x -count 10 ./tr117 > new.txt
//	go test -run '^$' -bench '^BenchmarkTR117Agents$' -benchtime 1x -count 10 ./tr117 >> new.txt
//	go tool benchstat -table '' -col /backend -filter '.name:TR117' new.txt
//
// Anchor the patterns: -bench TR117 alone also matches BenchmarkTR117Agents.
// A short run of both on two cores (under a minute once Ollama is built):
//
//	go test -run '^$' -bench '^BenchmarkTR117$/backend=/size=tiny/|^BenchmarkTR117Agents$/agents=[12]/' -benchtime 1x ./tr117
//
// # BenchmarkTR117
//
// Sub-benchmarks are backend=…/size=…/scenario=…; one iteration is one
// call, after one untimed warm-up call:
//
//   - backend=ollama: a streamed /api/generate call to an Ollama server the
//     harness finds or starts (harness.NewLive; OLLAMA_NUM_PARALLEL=1), with
//     its num_thread and num_predict.
//   - backend=onnxruntime: a prefill and num_predict − 1 greedy decode
//     steps with the KV cache on ONNX Runtime's CPU provider
//     (harness/onnx), so that both emit num_predict tokens (128 by
//     default), with intra-op threads equal to Ollama's num_thread.
//   - size: the GGUF preset (internal/synth, llama3.1 family) and the
//     onnxsynth preset nearest in parameters (Nearest): tiny is
//     llama3.1-tiny (5,507,328) against gpt2-5m (5,036,720), small is
//     llama3.1-small (49,295,872) against gpt2-50m (51,475,968). The GGUF
//     models untie a 4k–8k-token output matrix, the ONNX ones tie GPT-2's
//     50,257-token one, so the multiply-adds per token are alike too. A
//     config line per size (onnxsynth-tiny, onnxsynth-small) names both.
//   - scenario: the study's single_micro, single_short, single_medium and
//     single_long prompt sets, two prompts each, used in turn (the warm-up
//     takes the other prompt than call 0, so Ollama never serves a timed
//     prompt from its cache). The ONNX side gets as many token ids as the
//     synthetic tokenizer makes of the prompt, BOS included (Scenarios);
//     the Ollama side fails if the server counts otherwise.
//
// Metrics, through measure.CallMetrics for both backends: tok/s (decode),
// ttft-ns, itl-ns, e2e-ns (the mean), prefill-ns; and over the same calls
// e2e-p95-ns and e2e-max-ns (TailValues: the p95 as LatencyStats computes
// it, and the slowest call); ns/op is the wall time per call. With
// -benchtime 1x a line is one call, so all three e2e units are that call's
// and the fragment takes the tail across lines.
// The Ollama side also brackets its calls with the hardware sampler (W,
// J/tok where measured). Each backend is its own benchmark level, so a
// pattern that leaves one out starts none of it: backend=onnxruntime alone
// needs no Ollama. Its config lines (onnxruntime-…, onnxsynth) come
// before its results, after Ollama's; an empty -table keeps both in one
// table.
//
// The study's latency statistics (mean, median and p95 with 95 % CIs,
// LatencyStats) are computed over the calls of a sub-benchmark: with
// -benchtime 1x each result line is one call. benchstat gives medians and
// their CIs itself.
//
// # BenchmarkTR117Agents
//
// N agents (AgentCounts: 1, 2, 4, 8; the harness's two-call workflow) on
// one Ollama instance with OLLAMA_NUM_PARALLEL=8, as agents=N/op=run: one
// iteration is one interleaved sample, each agent's workflow alone, then
// all together (harness/multiagent). Reported: the legacy eff-% and
// legacy-speedup-x, the corrected speedup-x and true-eff-%, balance-%,
// overhead-ns, wall-ns, agg-tok/s, the concurrent calls' tok/s, ttft-ns and
// e2e-ns, and their e2e-p95-ns and e2e-max-ns (TailValues, over the line's
// concurrent calls: 2N a sample); sched-p50-ns and sched-p99-ns, quantiles
// of the Go scheduler's latency (runtime/metrics /sched/latencies:seconds,
// the counts added over the together halves, multiagent.SchedHist), Go's
// analogue of the study's event-loop lag; and oversleep-p50-ns and
// oversleep-p99-ns, the median and p99 of the oversleep (actual −
// requested) of the time.Sleep(OversleepPeriod) calls (10 ms) that a
// goroutine of the benchmark makes one after the other through the whole
// timed region (OversleepRegion), as the study's monitor slept
// asyncio.sleep(0.1) on its loop through its runs. A sleep still running
// when the timed region ends is left out. Only time.Sleep is sampled, not a
// time.Ticker: its lag would need units or a sub-benchmark of its own to be
// told apart.
//
// The study's loop-lag samples stay in the baseline as op=sleep-100ms
// iterations (ns/op = 100 ms + the lag). Ours are the oversleep itself,
// in units of their own on the op=run lines: benchstat cannot line the two
// up, and the fragment sets them side by side.
//
// The study's "ceiling" of ~86 % was output-length imbalance between its
// two personas (its efficiency equals the balance bound in every pair)
// and a 5 ms mean loop lag set by the Windows timer tick. With equal
// outputs Go's legacy efficiency stays near 100 % at every N; the
// corrected speedup shows the CPU server's own limit.
//
// # Baseline and report fragment
//
// testdata/baseline.bench is the study's TR117 data (studydata.TR117): the
// Python pairs and Rust runs of TR117_multi_agent, its loop-lag samples,
// and the tier-3 per-run-file summaries; testdata/chunks.bench its
// per-chunk stream gaps. testdata/ours.bench is one run of both benchmarks
// on the repository's two-core CPU: the two commands above with -count 6.
// The package declares the report once: its baselines (embedded), Render
// and claims, and one harness.Report per benchmark over them, Report
// (BenchmarkTR117 on the harness's two backends, Ollama and ONNX Runtime)
// and Agents (BenchmarkTR117Agents). testdata/report.md.golden,
// testdata/latency.svg and testdata/oversleep.svg are Render's fragment of
// those files (with no run, the study's part alone); regenerate them, and
// the baselines from the data pack (study/, or CHIMERA_STUDY_DIR), with
//
//	go test ./tr117 -run Report -update
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go test -run '^$' -bench '^BenchmarkTR117Agents$/agents=2/' -count 10 ./tr117 > new.txt
//	go tool benchstat -table '' -ignore /lang,/model,/condition,/gomaxprocs -filter '/agents:2 /op:run -/lang:rust' tr117/testdata/baseline.bench new.txt
//
// # Environment
//
// Read by the harness: CHIMERA_OLLAMA_URLS, CHIMERA_OLLAMA_BIN,
// CHIMERA_NUM_THREAD (also the ONNX side's threads), CHIMERA_NUM_PREDICT
// (also the ONNX side's tokens), CHIMERA_CORPUS, CHIMERA_CACHE,
// CHIMERA_TRACE_DIR, CHIMERA_PROGRESS; by harness/onnx:
// ONNXRUNTIME_SHARED_LIBRARY_PATH, CHIMERA_ONNXRUNTIME_FETCH,
// CHIMERA_NPM_REGISTRY; CHIMERA_STUDY_DIR for the tests that read the data
// pack. CHIMERA_MODELS is not used for the matrix (its sizes are
// synthetic, so that ONNX can match them); BenchmarkTR117Agents runs its
// first model.
package tr117
