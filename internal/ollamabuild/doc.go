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
// CGO_CPPFLAGS=-I<dir of our miniaudio stub header>. The first build took
// 1m53s on this project's idle 2-core CI machine with empty Go and
// Chimeraforge caches (bash .ci/run with fresh GOCACHE and XDG_CACHE_HOME),
// and up to ~6 min on a busy one; later ones are free (cache hit) or
// seconds (Go's build cache). Progress goes to the caller's writer, with a tick
// every 15 s; on failure the error quotes the tail of go's output and the
// whole output is in build.log next to the binary.
//
// The build needs a Go toolchain on PATH, a C and a C++ compiler, and two
// header-only libraries that module zips leave out of Ollama's vendor/
// directories: nlohmann/json.hpp and stb/stb_image.h (Debian/Ubuntu:
// apt-get install -y nlohmann-json3-dev libstb-dev). The third such header,
// miniaudio.h, is not packaged; the package writes a stub of its own (see
// miniaudio/miniaudio.h) that disables audio input for multimodal models.
// [CheckPrereqs] reports what is missing, with the exact fix, as an error
// wrapping [ErrMissingPrereq]; callers skip on it.
//
// Cache layout:
//
//	$CHIMERA_CACHE/ollama/<version>-<key>/ollama     the server
//	$CHIMERA_CACHE/ollama/<version>-<key>/build.log  go's output of the last build
//	$CHIMERA_CACHE/ollama/<version>-<key>/lock       flock(2): one build at a time
//
// CHIMERA_CACHE defaults to os.UserCacheDir()/chimeraforge. <key> is the
// first 12 hex digits of a SHA-256 over GOOS/GOARCH, the CPU's identity as
// -march=native sees it (the first "model name" and "flags" lines of
// /proc/cpuinfo, or "CPU implementer"/"CPU part"/"Features" on arm64), the
// compiler flags and the stub header: a binary is reused only on the CPU
// family and with the recipe it was built for. The binary is installed by
// rename, so a killed build never leaves a partial one, and the lock makes
// concurrent test processes (go test ./... runs packages in parallel)
// build once while the others wait.
//
// Environment: CHIMERA_CACHE; CC and CXX if set (else go's defaults, falling
// back to cc and c++); CPATH and CPLUS_INCLUDE_PATH are searched for the
// headers as the compiler would.
package ollamabuild
