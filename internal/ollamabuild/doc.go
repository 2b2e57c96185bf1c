// Package ollamabuild builds the embedded default Ollama server: the
// github.com/ollama/ollama module at the version pinned in our go.mod (the
// same version as the api client the harness links), compiled from the Go
// module cache with `go install` and cached for reuse.
//
// [Binary] returns the cached server, building it first when absent:
//
//	go install -ldflags "-X github.com/ollama/ollama/version.Version=0.17.4" \
//	    github.com/ollama/ollama@v0.17.4
//
// run in a temporary directory outside our module, with GOBIN set to the
// cache, GOFLAGS=-mod=mod, GOWORK=off, CGO_ENABLED=1,
// CGO_CFLAGS/CGO_CXXFLAGS="-O3 -march=native" (about 10x faster CPU decode
// than Go's default -O2; the binary is then tied to this CPU family) and
// CGO_CPPFLAGS=-I<cache dir>/include. The first build took
// 1m53s on this project's idle 2-core CI machine with empty Go and
// Chimeraforge caches (bash .ci/run with fresh GOCACHE and XDG_CACHE_HOME),
// and up to ~6 min on a busy one; later ones are free (cache hit) or
// seconds (Go's build cache). Progress goes to the caller's writer, with a tick
// every 15 s, in lines starting "Ollama build:" (benchfmt ignores them, so
// they cannot split benchstat's tables when go test merges stderr into
// stdout); on failure the error quotes the tail of go's output and the
// whole output is in build.log next to the binary.
//
// The build needs a Go toolchain on PATH and a C and a C++ compiler; it
// runs on Linux and macOS (on Windows, [Binary] and [CheckPrereqs] return
// an error wrapping [ErrMissingPrereq]: install Ollama, or set
// CHIMERA_OLLAMA_BIN or CHIMERA_OLLAMA_URLS). Module zips leave Ollama's
// vendor/ directories out, and with them three header-only C++ libraries.
// The build brings its own and never uses the system's, so every machine
// compiles the same sources: nlohmann/json.hpp (3.11.3) and
// stb/stb_image.h come from the module github.com/ollama/ollama@v0.5.7
// (llama/json.hpp and llama/stb_image.h; a 2.8 MB zip fetched with
// `go mod download`, checksum-verified like any module, then checked
// against pinned sha256 sums), nlohmann/json_fwd.hpp is a one-line
// #include "json.hpp", and miniaudio/miniaudio.h is a stub of ours (see
// miniaudio/miniaudio.h) that disables audio input for multimodal models.
// [CheckPrereqs] reports what is missing, with the exact fix, as an error
// wrapping [ErrMissingPrereq]; callers skip on it. A header download that
// fails is a build failure, not a skip.
//
// Cache layout:
//
//	$CHIMERA_CACHE/ollama/<version>-<key>/ollama     the server
//	$CHIMERA_CACHE/ollama/<version>-<key>/build.log  go's output of the last build
//	$CHIMERA_CACHE/ollama/<version>-<key>/include/   the headers passed with -I
//	$CHIMERA_CACHE/ollama/<version>-<key>/lock       flock(2): one build at a time
//
// CHIMERA_CACHE defaults to os.UserCacheDir()/chimeraforge. <key> is the
// first 12 hex digits of a SHA-256 over GOOS/GOARCH, the CPU's identity as
// -march=native sees it (the first "model name" and "flags" lines of
// /proc/cpuinfo, or "CPU implementer"/"CPU part"/"Features" on arm64), the
// compiler flags, the header module's version, the pinned sha256 of each
// header and our own headers: a binary is reused only on the CPU family
// and with the recipe it was built for. The binary is installed by
// rename, so a killed build never leaves a partial one, and the lock makes
// concurrent test processes (go test ./... runs packages in parallel)
// build once while the others wait.
//
// Environment: CHIMERA_CACHE; CC and CXX if set (else go's defaults, falling
// back to cc and c++); the go command's own (GOPROXY, GOMODCACHE, GOCACHE).
package ollamabuild
