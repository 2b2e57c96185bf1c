#!/bin/sh
# cudacheck.sh checks the embedded build's CUDA backend on a real NVIDIA GPU,
# which its Go tests only fake. Two steps, because the GPU machines have no Go
# toolchain and no network (FACTS.md):
#
#   sh internal/ollamabuild/testdata/cudacheck.sh prep   # here: Go, module proxy; 3-6 min
#   sh internal/ollamabuild/testdata/cudacheck.sh run    # there: GPU, nvcc, cmake; ~4 min on 16 cores
#
# prep writes out/gpucheck.tgz (24 MB, git-ignored; carry it): a stripped CPU build of the
# pinned Ollama for any x86-64-v3 CPU (the cache's -march=native build is tied
# to this CPU), the pinned module's CUDA sources, and tr119.test built with
# -tags nvml. run executes the two cmake commands cmakeCUDA runs, lays out
# bin/ollama + lib/ollama as buildCUDALocked does, then runs BenchmarkTR119 on
# that server. It fails unless the server's log shows the CUDA library and
# layers offloaded to the GPU, and the benchmark reports gpu-util-%, W and J/tok.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
tgz=$root/out/gpucheck.tgz
out=${TMPDIR:-/tmp}/gpucheck
v=v0.17.4

case ${1:-} in
prep)
	rm -rf "$out" && mkdir -p "$out/bin" "$out/src"
	inc=$(ls -d "${CHIMERA_CACHE:-$HOME/.cache/chimeraforge}"/ollama/0.17.4-*/include | head -1) # the embedded build's pinned headers
	flags="-O3 -march=x86-64-v3"
	(cd /tmp && env GOBIN="$out/bin" GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=1 CGO_CFLAGS="$flags" CGO_CXXFLAGS="$flags" CGO_CPPFLAGS="-I$inc" \
		go install -ldflags "-s -w -X github.com/ollama/ollama/version.Version=${v#v}" github.com/ollama/ollama@$v)
	mod=$(cd /tmp && GOFLAGS=-mod=mod GOWORK=off go mod download -json github.com/ollama/ollama@$v | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	(cd "$mod" && tar cf - CMakeLists.txt CMakePresets.json ml/backend/ggml/ggml) | tar xf - -C "$out/src"
	chmod -R u+w "$out/src"
	(cd "$root" && CGO_CFLAGS=-Wno-deprecated-declarations go test -c -tags nvml -ldflags "-s -w" -o "$out/tr119.test" ./tr119)
	mkdir -p "$root/out" && tar czf "$tgz" -C "$out" bin src tr119.test
	ls -l "$tgz"
	;;
run)
	rm -rf "$out" && mkdir -p "$out" && tar xzf "$tgz" -C "$out"
	arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | tr -d . | sort -un | paste -sd';')
	nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
	"$nvcc" --version | tail -2
	cmake --version | head -1
	build=/tmp/gpucheck-cmake
	rm -rf "$build" "$out/cuda"
	start=$(date +%s)
	cmake -S "$out/src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch" -DCMAKE_CUDA_COMPILER="$nvcc" \
		-DCMAKE_BUILD_RPATH_USE_ORIGIN=ON -DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON >"$out/cmake.log" 2>&1
	cmake --build "$build" --target ggml-cuda -j"$(nproc)" >>"$out/cmake.log" 2>&1 || { tail -30 "$out/cmake.log"; exit 1; }
	echo "CUDA backend for compute capability $arch built in $(($(date +%s) - start)) s"
	mkdir -p "$out/cuda/bin" "$out/cuda/lib"
	cp -a "$build/lib/ollama" "$out/cuda/lib/"
	cp "$out/bin/ollama" "$out/cuda/bin/ollama"
	ls -l "$out/cuda/lib/ollama"
	readelf -d "$out/cuda/lib/ollama/libggml-cuda.so" | grep -E 'NEEDED|RUNPATH|RPATH'
	mkdir -p "$out/artifacts"
	CHIMERA_OLLAMA_BIN=$out/cuda/bin/ollama OLLAMA_DEBUG=1 CHIMERA_SAMPLER=nvml \
		"$out/tr119.test" -test.run '^$' -test.bench 'TR119/scenario=single_short' -test.benchtime 20x \
		-test.artifacts -test.outputdir "$out/artifacts" | tee "$out/bench.txt"
	log=$(find "$out/artifacts" -name 'ollama-*.log' | head -1)
	grep -iE 'inference compute|offload' "$log" | head -10
	grep -q 'library=CUDA' "$log" || { echo "FAIL: the server found no CUDA library ($log)"; exit 1; }
	grep -qiE 'offloaded [1-9][0-9]*/[0-9]+ layers to GPU' "$log" || { echo "FAIL: no layers offloaded to the GPU ($log)"; exit 1; }
	for u in gpu-util-% ' W' J/tok; do
		grep '^BenchmarkTR119' "$out/bench.txt" | grep -q -- "$u" || { echo "FAIL: no $u result in the benchmark's output"; exit 1; }
	done
	echo "PASS: the CUDA layout was found and used"
	;;
*)
	echo "usage: $0 prep|run" >&2
	exit 2
	;;
esac
