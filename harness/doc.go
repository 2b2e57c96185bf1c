// Package harness is the live setup every report's benchmarks run against:
// Ollama servers, models, the per-request base options, the trace, and the
// provenance and Unit lines that make a run's stdout clean benchfmt.
//
//   - [NewLive] is the one setup a report calls from its top-level
//     benchmark: it finds or starts the servers ([Servers]), makes sure the
//     models exist ([Models]), reads CHIMERA_NUM_PREDICT once for the suite
//     ([NumPredict]), opens the trace ([NewTrace]), prints the provenance
//     (including the corpus digest) and a Unit line for every unit the
//     benchmark declares, and holds a slot for a hardware [Sampler].
//     [Live.Report] refuses a unit that is unregistered (internal/units) or
//     undeclared.
//   - [Servers] finds, connects to, starts or builds the servers
//     (CHIMERA_OLLAMA_URLS, then CHIMERA_OLLAMA_BIN or ollama on PATH, then
//     the embedded build of the Ollama version in go.mod); started servers
//     bind loopback and never outlive the test.
//   - [Models] makes sure the models exist on every instance: real ones
//     named by CHIMERA_MODELS (pulled if absent; a named model that cannot
//     be had fails), else deterministic synthetic ones (internal/synth)
//     created through the real server.
//   - [Sweep] runs a benchmark's configurations with progress lines
//     ("config 7/39 …, eta 2m10s") that benchfmt never reads
//     (internal/progress); [BenchOnce] drives a benchmark body once from a
//     test, so no benchmark rots unseen.
//
// Below it: harness/measure turns one streamed call into a Record (no
// testing import), harness/agent is the study's 2-call agent workflow
// (all that cmd/chimera-agent links), harness/multiagent runs N agents
// together and interleaves each agent alone for the corrected speedup,
// and harness/ollamatest is a fake Ollama with exact timing.
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
// With CHIMERA_OPENAI_URLS (OpenAI-compatible servers: vLLM, SGLang, TGI,
// llama.cpp, Ollama's /v1) the benchmarks that opt in ([LiveConfig.OpenAI])
// measure their calls over OpenAI chat completions (harness/measure's
// NewOpenAIClient), with CHIMERA_OPENAI_KEY as the bearer token; the
// others skip, saying so. [Live.Unsupported] skips a configuration whose
// options the protocol lacks. BenchmarkProtocols compares the two
// protocols on one Ollama in one run (a loop of invocations alternates
// them sample by sample):
//
//	for i in 1 2 3 4 5 6; do go test -run '^$' -bench Protocols -benchtime 1x ./harness; done
//
// Environment (read at call time): CHIMERA_OLLAMA_URLS, CHIMERA_OPENAI_URLS,
// CHIMERA_OPENAI_KEY, CHIMERA_OLLAMA_BIN,
// CHIMERA_MODELS (real tags, or synth:<preset>), CHIMERA_NUM_THREAD,
// CHIMERA_NUM_PREDICT, CHIMERA_STALL, CHIMERA_CACHE (the Ollama build and
// synthetic model files), CHIMERA_CORPUS (what agents ingest),
// CHIMERA_TRACE_DIR (where traces go), CHIMERA_PROGRESS (stderr or off).
// Numeric ones are bounded (CHIMERA_NUM_THREAD 1–[MaxNumThread],
// CHIMERA_NUM_PREDICT 1–[MaxNumPredict]); a bad value, or an unusable
// path, is an error naming the variable. User info in a URL is sent as
// basic auth and never printed or stored.
package harness
