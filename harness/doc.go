// Package harness runs Ollama servers and measures agents against them.
//
// It is imported by the tr1xx packages' tests and benchmarks:
//
//   - [Servers] finds, connects to, starts or builds the servers
//     (CHIMERA_OLLAMA_URLS, then CHIMERA_OLLAMA_BIN or ollama on PATH, then
//     the embedded build of the Ollama version in go.mod); started servers
//     bind loopback and never outlive the test.
//   - [Models] makes sure the models exist on every instance: real ones
//     named by CHIMERA_MODELS (pulled if absent), else deterministic
//     synthetic ones (internal/synth) created through the real server.
//   - [Measure] turns one streamed call into a [Record]; a [Trace] appends
//     every record to a JSONL file before the next request starts.
//   - [Agent] is the study's 2-call agent workflow; [RunConcurrent] starts
//     N agents together; [CallMetrics] pools records into benchfmt metrics.
//   - [Provenance] and [PrintConfig] write the config lines that identify a
//     live run; [BenchOnce] drives a benchmark body once from a test.
//
// The package's own benchmarks show that the harness is not what a
// benchmark measures, and what synthetic models decode at here:
//
//	go test -run '^$' -bench 'MeasureChunk|Agents' -count 5 ./harness
//	go test -run '^$' -bench Decode -count 5 ./harness
//
//	BenchmarkMeasureChunk        ns/chunk, allocs/chunk: client cost per streamed chunk;
//	                             first-parse-ns: what the client adds to TTFT
//	BenchmarkAgents/agents=N     eff-% (legacy), true-eff-%, speedup-x, balance-%,
//	                             overhead-ns for N agents on N independent fakes
//	BenchmarkDecode/instances=N/model=P   tok/s per instance and agg-tok/s, live
//
// Environment (read at call time): CHIMERA_OLLAMA_URLS, CHIMERA_OLLAMA_BIN,
// CHIMERA_MODELS (real tags, or synth:<preset>), CHIMERA_NUM_THREAD, CHIMERA_CACHE (the Ollama
// build and synthetic model files), CHIMERA_CORPUS (what agents ingest),
// CHIMERA_TRACE_DIR (where traces go).
package harness
