// Package onnx is the suite's ONNX Runtime: finding (or fetching) the
// library, the process's one environment, sessions per model and execution
// provider, and a decoder that runs prefill and KV-cached decode steps and
// records them the way an Ollama call is recorded. It is the only package
// that links github.com/yalue/onnxruntime_go, and so the only one that
// needs cgo; built without cgo, [Start] returns an error wrapping
// [ErrNoCgo] and everything else still compiles.
//
// # The library
//
// onnxruntime_go v1.27.0 loads libonnxruntime ≥ 1.24 at run time (dlopen).
// [FindLibrary] takes ONNXRUNTIME_SHARED_LIBRARY_PATH if set, else the
// cached copy at [CachedLibraryPath] (under CHIMERA_CACHE, default
// os.UserCacheDir()/chimeraforge). [FetchLibrary] fills the cache: it
// downloads onnxruntime-node 1.24.1's tarball (86 MB) from the npm registry
// (CHIMERA_NPM_REGISTRY, default registry.npmjs.org), extracts this
// platform's library, verifies its size and SHA-256 against the pinned ones
// and installs it, printing progress through internal/progress. It took
// under a second here. The npm build has the CPU execution provider only.
//
// onnxtest decides when a test binary may fetch: benchmarks may (unless
// CHIMERA_ONNXRUNTIME_FETCH=0), plain tests only with
// CHIMERA_ONNXRUNTIME_FETCH=1, so go test ./... never touches the network
// unasked; without a library, tests skip and say how to get one.
//
// # Providers
//
// [Provider] names CPU, CUDA and TensorRT. [Runtime.Available] asks the
// library whether it can run one, and a session on any provider other than
// the CPU is strict (session.disable_cpu_ep_fallback): a graph it cannot
// run entirely fails instead of running on the CPU under the GPU's name,
// which is what the study's "onnxruntime-gpu" did. The provider that ran
// is in every [Record].
//
// # Records
//
// [Decoder.Run] runs one [Batch]: prompts right-padded to a length (the
// study's prefill counted the padding), one prefill forward, then greedy
// decode steps with the KV cache. Its [Record] holds the prefill and each
// step's forward time, the token offsets, real and padded token counts,
// and, for a call that failed or produced unusable output, the reason it
// is degraded. [Record.Measure] turns it into the harness's measure.Record,
// so ONNX Runtime and Ollama calls share metrics and traces.
package onnx
