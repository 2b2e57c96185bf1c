// Package ollamabuild builds the embedded default Ollama server: the
// github.com/ollama/ollama module at the version pinned in our go.mod (the
// same version as the api client the harness links), compiled from the Go
// module cache with `go install` and cached for reuse; on Linux with an
// NVIDIA GPU and the CUDA toolkit, with Ollama's CUDA backend beside it.
//
// [Build] returns the cached server, building it first when absent:
//
//	go install -ldflags "-X github.com/ollama/ollama/version.Version=0.17.4" \
//	    github.com/ollama/ollama@v0.17.4
//
// run in a temporary directory outside our module, with GOBIN set to the
// cache, GOFLAGS=-mod=mod, GOWORK=off, CGO_ENABLED=1,
// CGO_CFLAGS/CGO_CXXFLAGS="-O3 -march=native" less the extensions the
// module does not compile (about 10x faster CPU decode than Go's default
// -O2; the binary is then tied to this CPU family; see below) and
// CGO_CPPFLAGS=-I<cache dir>/include. The first build took
// 1m53s on this project's idle 2-core CI machine with empty Go and
// Chimeraforge caches (bash .ci/run with fresh GOCACHE and XDG_CACHE_HOME),
// and up to ~6 min on a busy one; later ones are free (cache hit) or
// seconds (Go's build cache). Progress goes to the caller's writer, with a tick
// every 15 s, in lines starting "Ollama build:" (benchfmt ignores them, so
// they cannot split benchstat's tables when go test merges stderr into
// stdout); on failure the error ([*BuildError]), also written to the
// progress writer, is a few lines: per try, the flags and the compiler's
// or linker's first error lines (never the link command line), the log's
// path, and the ways out (CHIMERA_OLLAMA_MARCH, CHIMERA_OLLAMA_BIN, an
// installed ollama). The whole output is in build.log next to the binary.
//
// Compiler flags. -march=native alone does not link everywhere: on an
// Intel CPU with AMX it defines __AMX_INT8__ and __AVX512VNNI__, and the
// module's ggml-cpu.cpp then calls the AMX buffer type, whose source
// (ggml-cpu/amx/) no cgo package compiles. The flags are derived from
// what the module compiles (cflags.go gives the evidence, file:line, and
// TestLeftOutISAsMatchThePinnedModule rechecks it): native, with
// -mno-amx-tile -mno-amx-int8 -mno-amx-bf16 where the CPU has AMX; on
// arm64 nothing is left out (SVE, i8mm and dot-product kernels are
// compiled inline). A native build that fails anyway is tried once more
// at a portable level (x86-64-v3 where the CPU has its features, else
// x86-64-v2; armv8.2-a on arm64), as a progress line says.
// CHIMERA_OLLAMA_MARCH=<target> (x86-64-v3, sapphirerapids, znver4, …)
// builds for that -march instead (AMX off all the same), with no
// fallback: a target the user named is never replaced, and its failure
// fails. Each try first compiles an empty C and C++ file with its flags,
// so that a -march the compiler rejects fails in a fraction of a second,
// not after go install has built every package without cgo (6 min on a
// cold Go build cache on a busy 2-core machine, measured). The flags the
// binary was built with are [Server.CFlags] and the
// provenance's identifying ollama-cflags line. The command
// ./internal/ollamabuild/cmd/ollamabuild builds without running anything.
//
// The build needs a Go toolchain on PATH and a C and a C++ compiler; it
// runs on Linux and macOS (on Windows, [Build] and [CheckPrereqs] return
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
//	$CHIMERA_CACHE/ollama/<version>-<key>/fallback-build.log  of its fallback try, if any
//	$CHIMERA_CACHE/ollama/<version>-<key>/cflags     the flags the server was built with
//	$CHIMERA_CACHE/ollama/<version>-<key>/include/   the headers passed with -I
//	$CHIMERA_CACHE/ollama/<version>-<key>/lock       flock(2): one build at a time
//
// CHIMERA_CACHE defaults to os.UserCacheDir()/chimeraforge. <key> is the
// first 12 hex digits of a SHA-256 over GOOS/GOARCH, the CPU's identity as
// -march=native sees it (the first "model name" and "flags" lines of
// /proc/cpuinfo, or "CPU implementer"/"CPU part"/"Features" on arm64), the
// target asked for (native or CHIMERA_OLLAMA_MARCH's), the compiler flags
// of both tries, the header module's version, the pinned sha256 of each
// header and our own headers: a binary is reused only on the CPU family
// and with the recipe it was built for. The binary is installed by
// rename, so a killed or failed build never leaves a partial one (nor a
// remembered failure: the next run builds again), and the lock makes
// concurrent test processes (go test ./... runs packages in parallel)
// build once while the others wait.
//
// # The CUDA backend
//
// On Linux with an NVIDIA GPU, the CUDA toolkit's nvcc and cmake, [Build]
// also builds Ollama's CUDA backend from the pinned module's own sources
// in the module cache (CMakeLists.txt, CMakePresets.json and
// ml/backend/ggml/ggml/, the module fetched with `go mod download`):
//
//	cmake -S <module dir> -B <tmp>/cmake -DCMAKE_BUILD_TYPE=Release \
//	    -DCMAKE_CUDA_ARCHITECTURES=<arch> -DCMAKE_CUDA_COMPILER=<nvcc> \
//	    -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON -DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON
//	cmake --build <tmp>/cmake --target ggml-cuda -j<NumCPU>
//
// (146 s on 16 cores of an H100 machine for arch 90). <arch> is the GPUs'
// compute capability as nvidia-smi reads it from NVML
// (--query-gpu=compute_cap: 9.0 → 90; several kinds → 86;90), or
// CHIMERA_CUDA_ARCH. The libraries (libggml-cuda.so and the libggml-base.so
// it links) go to lib/ollama and the CPU build's binary is hard-linked
// (else copied) to bin/ollama beside it, the layout the pinned Ollama's
// ml/path.go searches on Linux (<dir of the executable>/../lib/ollama);
// the server is started as that bin/ollama, and its runner loads the
// backend from there. TestCUDALayoutMatchesPinnedOllama checks that path,
// and CMakeLists.txt's output directory, in the pinned module.
//
//	$CHIMERA_CACHE/ollama/<version>-<key>/cuda-sm<arch>-<cudakey>/bin/ollama
//	…/cuda-sm<arch>-<cudakey>/lib/ollama/libggml-cuda.so, libggml-base.so*
//	…/cuda-sm<arch>-<cudakey>/build.log   cmake's output
//	…/cuda-sm<arch>-<cudakey>/failed      the error of a failed build
//	…/cuda-sm<arch>-<cudakey>/lock        flock(2): one build at a time
//
// The directory lies in the CPU build's (module version, CPU, headers);
// <cudakey> hashes the architectures, the toolkit (nvcc --version's
// release and build lines), cmake's version, the C and C++ compilers and
// the recipe. bin/ollama is installed last, so its presence means a whole
// layout. [Server.Backend] (cuda or cpu) is what the harness records as
// the provenance line ollama-backend.
//
// Without a GPU, nvcc or cmake, the server is the CPU build exactly as
// without this section, and a progress line says why there is no CUDA
// backend. A CUDA build that fails is reported the same way (with the
// compiler's last lines, indented) and the server runs on the CPU, which
// the provenance then says; the failure is kept in the failed file and not
// retried, for it takes minutes and would fail again, until that
// directory is removed. CHIMERA_OLLAMA_BACKEND=cuda makes a missing
// prerequisite an [ErrMissingPrereq] (skip) and a failed build an error,
// so that a GPU check can never pass on the CPU; CHIMERA_OLLAMA_BACKEND=cpu
// never builds the backend.
//
// This path is tested with fake nvidia-smi, nvcc and cmake scripts only:
// it has not yet run against a real CUDA toolkit. testdata/cudacheck.sh
// runs its recipe and layout on a GPU machine (which has no Go toolchain)
// and checks that the server finds and uses the backend.
//
// Environment: CHIMERA_CACHE; CHIMERA_OLLAMA_MARCH (the CPU build's
// -march target instead of native); CC and CXX if set (else go's defaults, falling
// back to cc and c++); the go command's own (GOPROXY, GOMODCACHE, GOCACHE);
// CHIMERA_OLLAMA_BACKEND (auto, the default; cpu; cuda); CHIMERA_CUDA_ARCH
// (e.g. 90, or 86;90: instead of asking nvidia-smi); CUDACXX (the nvcc to
// use, else nvcc on PATH, else /usr/local/cuda/bin/nvcc).
package ollamabuild
