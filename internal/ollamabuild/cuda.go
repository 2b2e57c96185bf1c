package ollamabuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
)

// Backends the embedded server runs on, as [Server.Backend] and the
// provenance's ollama-backend line say.
const (
	BackendCPU  = "cpu"
	BackendCUDA = "cuda"
)

// A Server is the embedded Ollama as [Build] made it for this machine.
type Server struct {
	// Bin is the executable to start. With the CUDA backend it is
	// <dir>/bin/ollama beside <dir>/lib/ollama/libggml-cuda.so, where the
	// pinned Ollama's ml/path.go looks on Linux (<dir of the executable>/../lib/ollama).
	Bin     string
	Backend string // BackendCUDA or BackendCPU
	// NoCUDA says why Backend is BackendCPU ("" with CUDA): no NVIDIA
	// GPU, no nvcc or cmake, CHIMERA_OLLAMA_BACKEND=cpu, or a CUDA
	// build that failed (with where its log is).
	NoCUDA string
	// CFlags are the C/C++ compiler flags of the CPU build, e.g.
	// "-O3 -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16": the
	// kernels it has depend on them.
	CFlags string
}

// cudaRecipe versions what the CUDA build does beyond its inputs (the
// cmake arguments, the layout): change it when they change, so that no
// cached backend of the old recipe is reused.
const cudaRecipe = "cuda-recipe-1"

// A CUDAPrereqError lists what the CUDA backend's build needs and lacks,
// each with its fix. It is an [ErrMissingPrereq]: with
// CHIMERA_OLLAMA_BACKEND=cuda a caller skips on it; otherwise [Build]
// falls back to the CPU and says why.
type CUDAPrereqError struct {
	Missing []Missing
}

func (e *CUDAPrereqError) Error() string {
	var parts []string
	for _, m := range e.Missing {
		parts = append(parts, fmt.Sprintf("%s (fix: %s)", m.What, m.Fix))
	}
	return "no CUDA backend: missing " + strings.Join(parts, "; ")
}

// Is reports that a CUDAPrereqError is an [ErrMissingPrereq].
func (e *CUDAPrereqError) Is(target error) bool { return target == ErrMissingPrereq }

// cudaToolchain is what the CUDA build runs and targets, as findCUDA
// found it.
type cudaToolchain struct {
	arch         string // CMAKE_CUDA_ARCHITECTURES: "90", or "86;90" for two kinds of GPU
	nvcc, cmake  string // paths
	nvccVersion  string // "13.0.88"
	nvccIdentity string // nvcc --version's release and build lines, for the cache key
	cmakeVersion string // "cmake version 3.31.6"
}

// cudaSystem is the part of the host findCUDA looks at, so that tests can
// stand in for it.
type cudaSystem struct {
	getenv   func(string) string
	lookPath func(string) (string, error)
	// output runs a tool and returns its stdout.
	output func(ctx context.Context, name string, args ...string) ([]byte, error)
}

func hostCUDASystem() cudaSystem {
	return cudaSystem{
		getenv:   os.Getenv,
		lookPath: exec.LookPath,
		output: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, name, args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				if msg := strings.TrimSpace(stderr.String()); msg != "" {
					err = fmt.Errorf("%w: %s", err, msg)
				}
				return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
			}
			return out, nil
		},
	}
}

// archPattern is one CMAKE_CUDA_ARCHITECTURES entry: "90", "90a", "120".
var archPattern = regexp.MustCompile(`^[0-9]{2,3}[a-z]?$`)

// findCUDA finds what the CUDA backend's build needs: the GPUs' compute
// capability (CHIMERA_CUDA_ARCH, else nvidia-smi's compute_cap, which
// reads it from NVML), nvcc (CUDACXX, else on PATH, else the toolkit's
// default /usr/local/cuda/bin/nvcc) and cmake. It returns a
// [*CUDAPrereqError] for what is absent (no GPU: only that, since nothing
// else matters then), and a plain error for a tool that is present but
// does not answer.
func findCUDA(ctx context.Context, sys cudaSystem) (cudaToolchain, error) {
	var ct cudaToolchain
	if set := sys.getenv("CHIMERA_CUDA_ARCH"); set != "" {
		archs := strings.Split(set, ";")
		for _, a := range archs {
			if !archPattern.MatchString(a) {
				return ct, fmt.Errorf("CHIMERA_CUDA_ARCH=%q: want CMAKE_CUDA_ARCHITECTURES entries like 90 or 86;90 (compute capability 9.0 is 90)", set)
			}
		}
		ct.arch = set
	} else {
		arch, missing := gpuArch(ctx, sys)
		if missing != nil {
			return ct, &CUDAPrereqError{Missing: []Missing{*missing}}
		}
		ct.arch = arch
	}

	var missing []Missing
	candidates := []string{"nvcc", "/usr/local/cuda/bin/nvcc"}
	if set := sys.getenv("CUDACXX"); set != "" {
		candidates = []string{set} // an explicit choice is not second-guessed
	}
	for _, c := range candidates {
		if p, err := sys.lookPath(c); err == nil {
			ct.nvcc = p
			break
		}
	}
	if ct.nvcc == "" {
		missing = append(missing, Missing{
			What: "the CUDA toolkit's nvcc (tried " + strings.Join(candidates, ", ") + ")",
			Fix:  "install the CUDA toolkit (https://developer.nvidia.com/cuda-downloads) and put its bin directory on PATH, or set CUDACXX",
		})
	}
	if p, err := sys.lookPath("cmake"); err == nil {
		ct.cmake = p
	} else {
		missing = append(missing, Missing{What: "cmake on PATH", Fix: "apt-get install -y cmake (3.21 or later)"})
	}
	if len(missing) > 0 {
		return ct, &CUDAPrereqError{Missing: missing}
	}

	out, err := sys.output(ctx, ct.nvcc, "--version")
	if err != nil {
		return ct, err
	}
	ct.nvccVersion, ct.nvccIdentity, err = parseNvccVersion(out)
	if err != nil {
		return ct, fmt.Errorf("%s --version: %w", ct.nvcc, err)
	}
	out, err = sys.output(ctx, ct.cmake, "--version")
	if err != nil {
		return ct, err
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if !strings.HasPrefix(first, "cmake version ") {
		return ct, fmt.Errorf("%s --version says %q, not \"cmake version …\"", ct.cmake, first)
	}
	ct.cmakeVersion = first
	return ct, nil
}

// gpuArch asks nvidia-smi (which reads NVML) for every GPU's compute
// capability and returns them as CMAKE_CUDA_ARCHITECTURES ("9.0" → "90";
// several kinds of GPU → "86;90"), or what is missing.
func gpuArch(ctx context.Context, sys cudaSystem) (string, *Missing) {
	smi, err := sys.lookPath("nvidia-smi")
	if err != nil {
		return "", &Missing{
			What: "an NVIDIA GPU (nvidia-smi, which the driver installs, is not on PATH)",
			Fix:  "on a machine with an NVIDIA GPU install its driver, or set CHIMERA_CUDA_ARCH to the compute capability (9.0 is 90)",
		}
	}
	out, err := sys.output(ctx, smi, "--query-gpu=compute_cap", "--format=csv,noheader")
	if err != nil {
		return "", &Missing{
			What: "an NVIDIA GPU whose compute capability nvidia-smi reports (" + err.Error() + ")",
			Fix:  "set CHIMERA_CUDA_ARCH to the GPU's compute capability (9.0 is 90)",
		}
	}
	var archs []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		major, minor, ok := strings.Cut(line, ".")
		_, e1 := strconv.Atoi(major)
		_, e2 := strconv.Atoi(minor)
		if !ok || e1 != nil || e2 != nil {
			return "", &Missing{
				What: fmt.Sprintf("an NVIDIA GPU whose compute capability nvidia-smi reports (it said %q)", line),
				Fix:  "set CHIMERA_CUDA_ARCH to the GPU's compute capability (9.0 is 90)",
			}
		}
		if a := major + minor; !slices.Contains(archs, a) {
			archs = append(archs, a)
		}
	}
	if len(archs) == 0 {
		return "", &Missing{What: "an NVIDIA GPU (nvidia-smi lists none)", Fix: "check that the driver sees the GPU (nvidia-smi -L)"}
	}
	slices.SortFunc(archs, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return strings.Join(archs, ";"), nil
}

var nvccRelease = regexp.MustCompile(`release [0-9.]+, V([0-9][0-9.]*)`)

// parseNvccVersion returns the toolkit's version ("13.0.88") from nvcc
// --version, and its release and build lines, which identify the toolkit
// in the cache key (the copyright and "Built on" lines do not).
func parseNvccVersion(out []byte) (version, identity string, err error) {
	m := nvccRelease.FindSubmatch(out)
	if m == nil {
		return "", "", fmt.Errorf("no \"release X.Y, VX.Y.Z\" in its output: %q", strings.TrimSpace(string(out)))
	}
	var id []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if strings.Contains(line, "release ") || strings.HasPrefix(line, "Build ") {
			id = append(id, line)
		}
	}
	return string(m[1]), strings.Join(id, "\n"), nil
}

// cudaKey identifies a CUDA backend build: the GPU architectures, the
// toolkit (nvcc's release and build), cmake's version, the host compilers
// and the recipe. It is the last part of the backend's cache directory,
// which lies inside the CPU build's (module version, CPU, headers).
func cudaKey(ct cudaToolchain, tc toolchain) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\narch=%s\nnvcc=%s\n%s\ncc=%s\ncxx=%s\n", cudaRecipe, ct.arch, ct.nvccIdentity, ct.cmakeVersion, tc.cc, tc.cxx)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cudaDirName is the backend's cache directory under the CPU build's:
// cuda-sm90-<key>, cuda-sm86_90-<key>.
func cudaDirName(ct cudaToolchain, tc toolchain) string {
	return "cuda-sm" + strings.ReplaceAll(ct.arch, ";", "_") + "-" + cudaKey(ct, tc)
}

// cmakeConfigureArgs configures Ollama's own CMake project (the module's
// CMakeLists.txt, which builds ggml from ml/backend/ggml/ggml) for the
// given architectures. The module cache is read-only, so the build tree
// is outside it (-S/-B). BUILD_RPATH_USE_ORIGIN makes libggml-cuda.so find
// libggml-base.so beside itself once moved into the cache (Ollama's runner
// also puts that directory on LD_LIBRARY_PATH). Vulkan is not looked for:
// where its SDK is half installed it fails the configure step, and only
// ggml-cuda is built.
func cmakeConfigureArgs(src, build string, ct cudaToolchain) []string {
	return []string{
		"-S", src, "-B", build,
		"-DCMAKE_BUILD_TYPE=Release",
		"-DCMAKE_CUDA_ARCHITECTURES=" + ct.arch,
		"-DCMAKE_CUDA_COMPILER=" + ct.nvcc,
		"-DCMAKE_BUILD_RPATH_USE_ORIGIN=ON",
		"-DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON",
	}
}

// cmakeBuildArgs builds only the CUDA backend (and libggml-base, which it
// links), on every core.
func cmakeBuildArgs(build string, jobs int) []string {
	return []string{"--build", build, "--target", "ggml-cuda", "-j" + strconv.Itoa(jobs)}
}

// cudaSources are what the CUDA build needs from the pinned module.
var cudaSources = []string{"CMakeLists.txt", "CMakePresets.json", "ml/backend/ggml/ggml/src/ggml-cuda"}

// cmakeCUDA is the real CUDA build: cmake configure, then build the
// ggml-cuda target, each in its own process group (cancelling ctx stops
// the compilers too), output to out. The libraries land in
// <build>/lib/ollama (Ollama's CMakeLists.txt sets OLLAMA_BUILD_DIR).
func cmakeCUDA(ctx context.Context, ct cudaToolchain, tc toolchain, src, build string, out io.Writer) error {
	env := append(os.Environ(), "CC="+tc.cc, "CXX="+tc.cxx, "CUDACXX="+ct.nvcc)
	for _, args := range [][]string{cmakeConfigureArgs(src, build, ct), cmakeBuildArgs(build, runtime.NumCPU())} {
		cmd := exec.CommandContext(ctx, ct.cmake, args...)
		cmd.Dir = filepath.Dir(build)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = out, out
		ownProcessGroup(cmd)
		cmd.WaitDelay = 10 * time.Second
		fmt.Fprintf(out, "CC=%s CXX=%s CUDACXX=%s %s %s\n", tc.cc, tc.cxx, ct.nvcc, ct.cmake, strings.Join(args, " "))
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %s: %w", filepath.Base(ct.cmake), args[0], err)
		}
	}
	return nil
}

// backendChoice is CHIMERA_OLLAMA_BACKEND: auto (CUDA where it can be
// built, else the CPU, saying why), cpu, or cuda (a missing prerequisite
// is an ErrMissingPrereq to skip on, a failed build an error).
func backendChoice(getenv func(string) string) (string, error) {
	switch v := getenv("CHIMERA_OLLAMA_BACKEND"); v {
	case "", "auto":
		return "auto", nil
	case BackendCPU, BackendCUDA:
		return v, nil
	default:
		return "", fmt.Errorf("CHIMERA_OLLAMA_BACKEND=%q: want auto, cpu or cuda", v)
	}
}

// server returns the embedded server: the CPU build, and with it the CUDA
// backend where the machine has what it needs.
func (b *builder) server(ctx context.Context) (Server, error) {
	choice, err := backendChoice(b.getenv)
	if err != nil {
		return Server{}, err
	}
	cpuBin, cflags, err := b.binary(ctx)
	if err != nil {
		return Server{}, err
	}
	cpu := func(why string) (Server, error) {
		// A failed build's reason quotes the compiler: its lines are
		// indented, so that benchfmt cannot take one ("x.cu(12): error")
		// for a config line.
		first, rest, _ := strings.Cut(why, "\n")
		var notice strings.Builder
		fmt.Fprintf(&notice, "Ollama build: no CUDA backend (%s); the embedded Ollama runs on the CPU\n", first)
		for line := range strings.Lines(rest) {
			fmt.Fprintf(&notice, "    %s", line)
		}
		if rest != "" && !strings.HasSuffix(rest, "\n") {
			notice.WriteByte('\n')
		}
		// Every set of servers asks again, and the answer is the same:
		// a progress.Printer says it once.
		if o, ok := b.progress.(interface {
			Once(key, format string, args ...any)
		}); ok {
			o.Once("ollamabuild: no CUDA: "+why, "%s", notice.String())
		} else {
			io.WriteString(b.progress, notice.String())
		}
		return Server{Bin: cpuBin, Backend: BackendCPU, NoCUDA: why, CFlags: cflags}, nil
	}
	switch {
	case choice == BackendCPU:
		return cpu("CHIMERA_OLLAMA_BACKEND=cpu")
	case b.goos != "linux":
		if choice == BackendCUDA {
			return Server{}, &CUDAPrereqError{Missing: []Missing{{What: "Linux (the CUDA backend is built on Linux only, not " + b.goos + ")", Fix: "unset CHIMERA_OLLAMA_BACKEND"}}}
		}
		return cpu("the CUDA backend is built on Linux only")
	}
	srv, err := b.cudaServer(ctx, cpuBin)
	switch {
	case err == nil:
		srv.CFlags = cflags
		return srv, nil
	case choice == BackendCUDA || ctx.Err() != nil:
		return Server{}, err
	}
	return cpu(strings.TrimPrefix(err.Error(), "no CUDA backend: "))
}

// cudaServer returns the CUDA layout of the server, building the backend
// if the cache does not hold it for these GPUs, toolkit and CPU build. A
// build that failed is not retried (it would fail again the same way, for
// minutes) until its cache directory is removed, as the error says.
func (b *builder) cudaServer(ctx context.Context, cpuBin string) (Server, error) {
	tc, err := b.prereqs()
	if err != nil {
		return Server{}, err
	}
	ct, err := b.findCUDA(ctx)
	if err != nil {
		return Server{}, err
	}
	dir := filepath.Join(b.dir, cudaDirName(ct, tc))
	srv := Server{Bin: filepath.Join(dir, "bin", "ollama"), Backend: BackendCUDA}
	if cudaComplete(dir) {
		return srv, nil
	}
	if err := previousFailure(dir); err != nil {
		return Server{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Server{}, fmt.Errorf("create CUDA backend cache dir: %w", err)
	}
	what := "the CUDA backend of " + b.version
	unlock, err := b.lockDir(ctx, dir, what)
	if err != nil {
		return Server{}, err
	}
	defer unlock()
	switch {
	case cudaComplete(dir):
		b.say("another process built %s: %s", what, dir)
		return srv, nil
	case previousFailure(dir) != nil:
		return Server{}, previousFailure(dir)
	}
	if err := b.buildCUDALocked(ctx, ct, tc, cpuBin, dir); err != nil {
		if ctx.Err() == nil {
			// Kept for the next run, which then falls back at once.
			os.WriteFile(filepath.Join(dir, "failed"), []byte(err.Error()+"\n"), 0o644)
		}
		return Server{}, err
	}
	return srv, nil
}

// cudaComplete reports whether dir holds a whole CUDA layout: bin/ollama
// is installed last, so its presence means the libraries are there.
func cudaComplete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "lib", "ollama", "libggml-cuda.so"))
	return err == nil && isExecutable(filepath.Join(dir, "bin", "ollama"))
}

// previousFailure returns the error of an earlier failed build in dir, or nil.
func previousFailure(dir string) error {
	msg, err := os.ReadFile(filepath.Join(dir, "failed"))
	if err != nil {
		return nil
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(msg)), "\n")
	return fmt.Errorf("the CUDA backend's build failed in an earlier run (%s); remove %s to try again", first, dir)
}

// buildCUDALocked builds the backend in a temporary directory and moves
// lib/ollama, then bin/ollama (a hard link to the CPU build's binary, or
// a copy), into dir. The caller holds dir's lock.
func (b *builder) buildCUDALocked(ctx context.Context, ct cudaToolchain, tc toolchain, cpuBin, dir string) error {
	fail := func(err error) error { return fmt.Errorf("build the CUDA backend of ollama %s: %w", b.version, err) }
	if old, err := filepath.Glob(filepath.Join(dir, "build-*")); err == nil {
		for _, d := range old {
			os.RemoveAll(d)
		}
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	src, err := b.fetchSource(ctx, tc.goBin, b.version)
	if err != nil {
		return fail(fmt.Errorf("the module's sources: %w", err))
	}
	for _, s := range cudaSources {
		if _, err := os.Stat(filepath.Join(src, filepath.FromSlash(s))); err != nil {
			return fail(fmt.Errorf("the module's sources lack %s: %w", s, err))
		}
	}
	logPath := filepath.Join(dir, "build.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fail(err)
	}
	defer logFile.Close()

	start := time.Now()
	b.say("building the CUDA backend (ggml-cuda for compute capability %s, CUDA %s) of %s from %s into %s",
		ct.arch, ct.nvccVersion, b.version, src, dir)
	b.say("this takes about 2.5 min on 16 cores and proportionally longer on fewer; cmake's output goes to %s", logPath)
	stopTicks := b.ticks(start, "still building the CUDA backend")
	build := filepath.Join(tmp, "cmake")
	err = b.runCUDA(ctx, ct, tc, src, build, logFile)
	stopTicks()
	if err != nil {
		return fail(fmt.Errorf("%w (log: %s)\nlast lines:\n%s", err, logPath, logtail.Tail(logPath, 30)))
	}
	libs := filepath.Join(build, "lib", "ollama")
	if _, err := os.Stat(filepath.Join(libs, "libggml-cuda.so")); err != nil {
		return fail(fmt.Errorf("the build succeeded but left no %s", filepath.Join(libs, "libggml-cuda.so")))
	}
	stage := filepath.Join(tmp, "stage")
	if err := os.MkdirAll(filepath.Join(stage, "bin"), 0o755); err != nil {
		return fail(err)
	}
	if err := linkOrCopy(cpuBin, filepath.Join(stage, "bin", "ollama")); err != nil {
		return fail(err)
	}
	for _, d := range []string{"lib", "bin"} {
		if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
			return fail(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "lib"), 0o755); err != nil {
		return fail(err)
	}
	if err := os.Rename(libs, filepath.Join(dir, "lib", "ollama")); err != nil {
		return fail(err)
	}
	if err := os.Rename(filepath.Join(stage, "bin"), filepath.Join(dir, "bin")); err != nil {
		return fail(err)
	}
	b.say("built the CUDA backend in %s: %s", time.Since(start).Round(time.Second), filepath.Join(dir, "lib", "ollama", "libggml-cuda.so"))
	return nil
}

// linkOrCopy makes dst the file src: a hard link (the binary is ~75 MB),
// else a copy. Not a symlink: Ollama resolves its executable's symlinks
// before looking for ../lib/ollama.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
