package ollamabuild

import (
	"bytes"
	"context"
	"errors"
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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// nvcc13 is what CUDA 13.0's nvcc --version prints (the H100 machine of
// FACTS.md).
const nvcc13 = `nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2025 NVIDIA Corporation
Built on Wed_Jul_16_07:30:01_PM_PDT_2025
Cuda compilation tools, release 13.0, V13.0.48
Build cuda_13.0.r13.0/compiler.36260728_0
`

// fakeCUDASystem is a host whose PATH holds onPath (as /bin/<name>, or
// the absolute path itself) and whose tools print outputs[name].
func fakeCUDASystem(env map[string]string, onPath []string, outputs map[string]string) cudaSystem {
	return cudaSystem{
		getenv: func(k string) string { return env[k] },
		lookPath: func(name string) (string, error) {
			if !slices.Contains(onPath, name) {
				return "", exec.ErrNotFound
			}
			if filepath.IsAbs(name) {
				return name, nil
			}
			return "/bin/" + name, nil
		},
		output: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			out, ok := outputs[filepath.Base(name)]
			if !ok {
				return nil, fmt.Errorf("%s %s: exit status 9: fake failure", name, strings.Join(args, " "))
			}
			return []byte(out), nil
		},
	}
}

func TestFindCUDA(t *testing.T) {
	everything := []string{"nvidia-smi", "nvcc", "cmake"}
	answers := map[string]string{"nvidia-smi": "9.0\n", "nvcc": nvcc13, "cmake": "cmake version 4.4.0\n\nCMake suite maintained and supported by Kitware (kitware.com/cmake).\n"}
	with := func(name, out string) map[string]string {
		m := map[string]string{}
		for k, v := range answers {
			m[k] = v
		}
		if out == "" {
			delete(m, name)
		} else {
			m[name] = out
		}
		return m
	}
	h100 := cudaToolchain{arch: "90", nvcc: "/bin/nvcc", cmake: "/bin/cmake", nvccVersion: "13.0.48",
		nvccIdentity: "Cuda compilation tools, release 13.0, V13.0.48\nBuild cuda_13.0.r13.0/compiler.36260728_0", cmakeVersion: "cmake version 4.4.0"}
	tests := []struct {
		name        string
		env         map[string]string
		onPath      []string
		outputs     map[string]string
		want        cudaToolchain
		wantMissing []string // substrings of a CUDAPrereqError, one per Missing
		wantErr     string   // another error
	}{
		{name: "an H100 with CUDA 13 and cmake", onPath: everything, outputs: answers, want: h100},
		{
			name: "two kinds of GPU are both targeted, in order, once each", onPath: everything, outputs: with("nvidia-smi", "9.0\n8.6\n9.0\n"),
			want: func() cudaToolchain { c := h100; c.arch = "86;90"; return c }(),
		},
		{
			name: "CHIMERA_CUDA_ARCH is taken without asking nvidia-smi", env: map[string]string{"CHIMERA_CUDA_ARCH": "89;90a"},
			onPath: []string{"nvcc", "cmake"}, outputs: answers,
			want: func() cudaToolchain { c := h100; c.arch = "89;90a"; return c }(),
		},
		{name: "a malformed CHIMERA_CUDA_ARCH is an error", env: map[string]string{"CHIMERA_CUDA_ARCH": "9.0"}, onPath: everything, outputs: answers, wantErr: `CHIMERA_CUDA_ARCH="9.0"`},
		{
			name: "no nvidia-smi: only the GPU is reported missing", onPath: []string{"cmake"}, outputs: answers,
			wantMissing: []string{"an NVIDIA GPU (nvidia-smi, which the driver installs, is not on PATH) (fix: on a machine with an NVIDIA GPU install its driver, or set CHIMERA_CUDA_ARCH"},
		},
		{
			name: "an nvidia-smi that cannot report the compute capability", onPath: everything, outputs: with("nvidia-smi", ""),
			wantMissing: []string{"compute capability nvidia-smi reports (/bin/nvidia-smi --query-gpu=compute_cap --format=csv,noheader: exit status 9: fake failure) (fix: set CHIMERA_CUDA_ARCH"},
		},
		{
			name: "an nvidia-smi that says something else", onPath: everything, outputs: with("nvidia-smi", "[N/A]\n"),
			wantMissing: []string{`it said "[N/A]"`},
		},
		{
			name: "a GPU without nvcc or cmake names both, with fixes", onPath: []string{"nvidia-smi"}, outputs: answers,
			wantMissing: []string{
				"the CUDA toolkit's nvcc (tried nvcc, /usr/local/cuda/bin/nvcc) (fix: install the CUDA toolkit",
				"cmake on PATH (fix: apt-get install -y cmake (3.21 or later))",
			},
		},
		{
			name: "nvcc where the toolkit installs it, off PATH", onPath: []string{"nvidia-smi", "cmake", "/usr/local/cuda/bin/nvcc"}, outputs: answers,
			want: func() cudaToolchain { c := h100; c.nvcc = "/usr/local/cuda/bin/nvcc"; return c }(),
		},
		{
			name: "an explicit CUDACXX is not replaced by nvcc on PATH", env: map[string]string{"CUDACXX": "/opt/cuda-12/bin/nvcc"},
			onPath: everything, outputs: answers,
			wantMissing: []string{"nvcc (tried /opt/cuda-12/bin/nvcc)"},
		},
		{name: "an nvcc that prints no release is broken, not missing", onPath: everything, outputs: with("nvcc", "nvcc: something else\n"), wantErr: `no "release X.Y, VX.Y.Z"`},
		{name: "a cmake that does not answer is broken, not missing", onPath: everything, outputs: with("cmake", ""), wantErr: "cmake --version: exit status 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findCUDA(t.Context(), fakeCUDASystem(tt.env, tt.onPath, tt.outputs))
			var missing *CUDAPrereqError
			switch {
			case tt.wantMissing != nil:
				if !errors.As(err, &missing) || !errors.Is(err, ErrMissingPrereq) {
					t.Fatalf("err = %v, want a CUDAPrereqError", err)
				}
				if len(missing.Missing) != len(tt.wantMissing) {
					t.Errorf("%d missing, want %d: %v", len(missing.Missing), len(tt.wantMissing), err)
				}
				for _, w := range tt.wantMissing {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
			case tt.wantErr != "":
				checkErr(t, err, tt.wantErr)
				if errors.Is(err, ErrMissingPrereq) {
					t.Errorf("err = %v is a missing prerequisite; a broken tool is not", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(cudaToolchain{})); diff != "" {
					t.Errorf("toolchain mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCUDAKey(t *testing.T) {
	ct := cudaToolchain{arch: "90", nvcc: "/usr/local/cuda/bin/nvcc", cmake: "/usr/bin/cmake", nvccVersion: "13.0.48",
		nvccIdentity: "Cuda compilation tools, release 13.0, V13.0.48\nBuild cuda_13.0.r13.0/compiler.36260728_0", cmakeVersion: "cmake version 4.4.0"}
	tc := toolchain{goBin: "/usr/bin/go", cc: "gcc", cxx: "g++"}
	base := cudaDirName(ct, tc)
	if !regexp.MustCompile(`^cuda-sm90-[0-9a-f]{12}$`).MatchString(base) {
		t.Fatalf("dir name %q is not cuda-sm90-<12 hex digits>", base)
	}
	t.Run("same key: the tools moved", func(t *testing.T) {
		moved := ct
		moved.nvcc, moved.cmake = "/bin/nvcc", "/bin/cmake"
		other := tc
		other.goBin = "/opt/go/bin/go"
		if got := cudaDirName(moved, other); got != base {
			t.Errorf("dir = %s, want %s", got, base)
		}
	})
	for _, tt := range []struct {
		name string
		ct   func(c *cudaToolchain)
		tc   func(c *toolchain)
	}{
		{name: "another architecture", ct: func(c *cudaToolchain) { c.arch = "86;90" }},
		{name: "another toolkit", ct: func(c *cudaToolchain) {
			c.nvccIdentity = strings.ReplaceAll(c.nvccIdentity, "V13.0.48", "V13.0.88")
		}},
		{name: "another cmake", ct: func(c *cudaToolchain) { c.cmakeVersion = "cmake version 3.31.6" }},
		{name: "another host compiler", tc: func(c *toolchain) { c.cxx = "clang++" }},
	} {
		t.Run("new key: "+tt.name, func(t *testing.T) {
			c, h := ct, tc
			if tt.ct != nil {
				tt.ct(&c)
			}
			if tt.tc != nil {
				tt.tc(&h)
			}
			if got := cudaKey(c, h); got == cudaKey(ct, tc) {
				t.Errorf("key = %s, the same as the base key", got)
			}
		})
	}
	if got := cudaDirName(cudaToolchain{arch: "86;90"}, tc); !strings.HasPrefix(got, "cuda-sm86_90-") {
		t.Errorf("dir name %s does not name both architectures", got)
	}
}

// fakeCUDATools writes nvidia-smi, nvcc and cmake scripts into a directory
// put first on PATH. The fake cmake records each invocation in the
// returned log (one line of arguments per call) and, asked to build,
// leaves what Ollama's CMakeLists.txt does: libggml-cuda.so and
// libggml-base.so with its soname links in <build>/lib/ollama. fail makes
// the build step print a compiler error and exit 1.
func fakeCUDATools(t *testing.T, computeCap string, fail bool) (cmakeLog string) {
	t.Helper()
	dir := t.TempDir()
	cmakeLog = filepath.Join(dir, "cmake.log")
	build := `mkdir -p "$2/lib/ollama" && cd "$2/lib/ollama" &&
    echo cuda > libggml-cuda.so && echo base > libggml-base.so.0.0.0 &&
    ln -s libggml-base.so.0.0.0 libggml-base.so.0 && ln -s libggml-base.so.0 libggml-base.so`
	if fail {
		build = `echo "ggml-cuda/mmq.cu(12): error: identifier \"__nv_bfloat16\" is undefined"; exit 1`
	}
	scripts := map[string]string{
		"nvidia-smi": "#!/bin/sh\necho " + computeCap + "\n",
		"nvcc":       "#!/bin/sh\ncat <<'EOF'\n" + nvcc13 + "EOF\n",
		"cmake": `#!/bin/sh
echo "$*" >> '` + cmakeLog + `'
case "$1" in
--version) echo "cmake version 4.4.0" ;;
--build) ` + build + ` ;;
*) echo "-- Configuring done" ;;
esac
`,
	}
	for name, s := range scripts {
		writeFile(t, filepath.Join(dir, name), s, 0o755)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return cmakeLog
}

// fakeModuleSource is a stand-in for the pinned module's directory, with
// what the CUDA build checks for.
func fakeModuleSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, s := range cudaSources {
		p := filepath.Join(dir, filepath.FromSlash(s))
		if filepath.Ext(p) == "" {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, p, "# fake "+s+"\n", 0o444)
	}
	return dir
}

// cudaBuilder is fakeBuilder (a fake CPU build) on Linux with the real
// CUDA path: findCUDA on this process's PATH and environment, cmakeCUDA,
// and a fake module source.
func cudaBuilder(t *testing.T, dir string, progress io.Writer) *builder {
	t.Helper()
	b := fakeBuilder(t, dir, progress, installScript)
	src := fakeModuleSource(t)
	b.goos = "linux"
	b.getenv = os.Getenv
	b.findCUDA = func(ctx context.Context) (cudaToolchain, error) { return findCUDA(ctx, hostCUDASystem()) }
	b.fetchSource = func(ctx context.Context, goBin, version string) (string, error) {
		if version != b.version {
			return "", fmt.Errorf("asked for the sources of %s, want %s", version, b.version)
		}
		return src, nil
	}
	b.runCUDA = cmakeCUDA
	return b
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// On a Linux host with an NVIDIA GPU, nvcc and cmake (all fakes here), the
// build runs cmake on the module's own sources for the GPU's architecture
// and lays out bin/ollama beside lib/ollama as Ollama's ml/path.go
// searches; a second call reuses it.
func TestBuildCUDABackendWithFakeTools(t *testing.T) {
	cmakeLog := fakeCUDATools(t, "9.0", false)
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	b := cudaBuilder(t, dir, &progress)
	srv, err := b.server(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if srv.Backend != BackendCUDA || srv.NoCUDA != "" {
		t.Fatalf("server = %+v, want the CUDA backend", srv)
	}
	cdir := filepath.Dir(filepath.Dir(srv.Bin))
	if !regexp.MustCompile(`^cuda-sm90-[0-9a-f]{12}$`).MatchString(filepath.Base(cdir)) || filepath.Dir(cdir) != dir {
		t.Errorf("CUDA dir = %s, want %s/cuda-sm90-<key>", cdir, dir)
	}

	// The layout: bin/ollama is the CPU build's binary, and
	// <dir of bin>/../lib/ollama holds the backend and its soname links.
	cpuBin, err := os.ReadFile(filepath.Join(dir, "ollama"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(srv.Bin); err != nil || !bytes.Equal(got, cpuBin) || !isExecutable(srv.Bin) {
		t.Errorf("%s = %q, %v; want the CPU build's executable", srv.Bin, got, err)
	}
	libs := filepath.Join(filepath.Dir(srv.Bin), "..", "lib", "ollama")
	if got, err := os.ReadFile(filepath.Join(libs, "libggml-cuda.so")); err != nil || string(got) != "cuda\n" {
		t.Errorf("libggml-cuda.so = %q, %v", got, err)
	}
	if got, err := os.ReadFile(filepath.Join(libs, "libggml-base.so")); err != nil || string(got) != "base\n" {
		t.Errorf("libggml-base.so (through its links) = %q, %v", got, err)
	}
	if link, err := os.Readlink(filepath.Join(libs, "libggml-base.so.0")); err != nil || link != "libggml-base.so.0.0.0" {
		t.Errorf("soname link = %q, %v; want the relative link cmake made", link, err)
	}
	assertNoBuildDirs(t, cdir)

	// What cmake was asked to do.
	calls := readLines(t, cmakeLog)
	if len(calls) != 3 {
		t.Fatalf("cmake ran %d times, want 3 (--version, configure, build):\n%s", len(calls), strings.Join(calls, "\n"))
	}
	build := regexp.MustCompile(`-B (\S+/build-[0-9]+/cmake) `).FindStringSubmatch(calls[1])
	if build == nil {
		t.Fatalf("configure %q has no -B <cache>/build-*/cmake", calls[1])
	}
	nvcc, err := exec.LookPath("nvcc")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := b.fetchSource(t.Context(), "go", b.version)
	want := []string{
		"--version",
		"-S " + src + " -B " + build[1] + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER=" + nvcc +
			" -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON -DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON",
		"--build " + build[1] + " --target ggml-cuda -j" + strconv.Itoa(runtime.NumCPU()),
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("cmake calls mismatch (-want +got):\n%s", diff)
	}
	for _, w := range []string{"building the CUDA backend (ggml-cuda for compute capability 90, CUDA 13.0.48)", "about 2.5 min on 16 cores", "built the CUDA backend in"} {
		if !strings.Contains(progress.String(), w) {
			t.Errorf("progress lacks %q:\n%s", w, progress.String())
		}
	}
	if log, err := os.ReadFile(filepath.Join(cdir, "build.log")); err != nil || !strings.Contains(string(log), "-- Configuring done") {
		t.Errorf("build.log = %q, %v; want cmake's output", log, err)
	}

	// Cached: no cmake build, same server.
	again, err := cudaBuilder(t, dir, io.Discard).server(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if again != srv {
		t.Errorf("second call = %+v, want %+v", again, srv)
	}
	if n := len(readLines(t, cmakeLog)); n != 4 {
		t.Errorf("cmake ran %d times in all, want 4 (the second call asks --version only)", n)
	}

	// Another GPU generation is another backend.
	fakeCUDATools(t, "8.6", false)
	ada, err := cudaBuilder(t, dir, io.Discard).server(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ada.Bin, "/cuda-sm86-") || ada.Backend != BackendCUDA {
		t.Errorf("an sm 8.6 GPU got %+v, want its own cuda-sm86-* build", ada)
	}
}

// Without what the CUDA backend needs, the server is the CPU build exactly
// as before, and a progress line says why.
func TestBuildWithoutCUDAIsTheCPUBuild(t *testing.T) {
	noGPU := fakeCUDASystem(nil, []string{"cmake"}, nil)
	tests := []struct {
		name    string
		goos    string
		env     map[string]string
		sys     cudaSystem
		wantWhy string
	}{
		{name: "no NVIDIA GPU", sys: noGPU, wantWhy: "missing an NVIDIA GPU (nvidia-smi, which the driver installs, is not on PATH)"},
		{name: "a GPU without the toolkit", sys: fakeCUDASystem(nil, []string{"nvidia-smi", "cmake"}, map[string]string{"nvidia-smi": "9.0"}),
			wantWhy: "missing the CUDA toolkit's nvcc"},
		{name: "CHIMERA_OLLAMA_BACKEND=cpu", env: map[string]string{"CHIMERA_OLLAMA_BACKEND": "cpu"}, wantWhy: "CHIMERA_OLLAMA_BACKEND=cpu"},
		{name: "macOS", goos: "darwin", sys: noGPU, wantWhy: "the CUDA backend is built on Linux only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "0.17.4-key")
			var progress bytes.Buffer
			b := fakeBuilder(t, dir, &progress, installScript)
			b.goos = cmpOr(tt.goos, "linux")
			b.getenv = func(k string) string { return tt.env[k] }
			b.findCUDA = func(ctx context.Context) (cudaToolchain, error) {
				if tt.sys.lookPath == nil {
					t.Error("looked for CUDA although told not to")
				}
				return findCUDA(ctx, tt.sys)
			}
			b.runCUDA = func(context.Context, cudaToolchain, toolchain, string, string, io.Writer) error {
				t.Error("the CUDA build ran")
				return nil
			}
			srv, err := b.server(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := Server{Bin: filepath.Join(dir, "ollama"), Backend: BackendCPU}
			if srv.Bin != want.Bin || srv.Backend != want.Backend || !strings.Contains(srv.NoCUDA, tt.wantWhy) {
				t.Errorf("server = %+v, want %+v with NoCUDA containing %q", srv, want, tt.wantWhy)
			}
			line := "Ollama build: no CUDA backend (" + srv.NoCUDA + "); the embedded Ollama runs on the CPU\n"
			if !strings.Contains(progress.String(), line) {
				t.Errorf("progress lacks %q:\n%s", line, progress.String())
			}
			if entries, _ := filepath.Glob(filepath.Join(dir, "cuda-*")); len(entries) > 0 {
				t.Errorf("a CPU-only machine got CUDA dirs: %v", entries)
			}
		})
	}
}

// Every set of servers asks for the server again: through a
// progress.Printer (harness's), the no-CUDA notice comes once, not once
// per benchmark.
func TestNoCUDANoticeOnceAPrinter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var out bytes.Buffer
	b := fakeBuilder(t, dir, progress.New(&out), installScript)
	b.goos = "linux"
	b.getenv = func(k string) string { return map[string]string{"CHIMERA_OLLAMA_BACKEND": "cpu"}[k] }
	for range 3 {
		if _, err := b.server(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(out.String(), "no CUDA backend"); n != 1 {
		t.Errorf("the notice came %d times in three calls, want once:\n%s", n, out.String())
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// A CUDA build that fails leaves the CPU build running, says so with the
// compiler's error, and is not retried (minutes each time) until its
// cache dir is removed. With CHIMERA_OLLAMA_BACKEND=cuda it fails instead.
func TestCUDABuildFailureFallsBackOnce(t *testing.T) {
	cmakeLog := fakeCUDATools(t, "9.0", true)
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	srv, err := cudaBuilder(t, dir, &progress).server(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if srv.Backend != BackendCPU || srv.Bin != filepath.Join(dir, "ollama") {
		t.Errorf("server = %+v, want the CPU build", srv)
	}
	for _, w := range []string{"cmake --build: exit status 1", `identifier "__nv_bfloat16" is undefined`} {
		if !strings.Contains(srv.NoCUDA, w) {
			t.Errorf("NoCUDA lacks %q:\n%s", w, srv.NoCUDA)
		}
	}
	if !strings.Contains(progress.String(), "Ollama build: no CUDA backend (build the CUDA backend of ollama v0.17.4: cmake --build: exit status 1") {
		t.Errorf("progress does not say the CUDA build failed:\n%s", progress.String())
	}
	cdirs, _ := filepath.Glob(filepath.Join(dir, "cuda-sm90-*"))
	if len(cdirs) != 1 {
		t.Fatalf("CUDA dirs %v, want one", cdirs)
	}
	if cudaComplete(cdirs[0]) {
		t.Errorf("a failed build left a complete layout in %s", cdirs[0])
	}
	assertNoBuildDirs(t, cdirs[0])
	builds := len(readLines(t, cmakeLog))

	again, err := cudaBuilder(t, dir, io.Discard).server(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, cmakeLog)); n != builds+1 {
		t.Errorf("the second call ran cmake %d times, want only --version", n-builds)
	}
	for _, w := range []string{"failed in an earlier run (build the CUDA backend of ollama v0.17.4: cmake --build: exit status 1", "remove " + cdirs[0] + " to try again"} {
		if again.Backend != BackendCPU || !strings.Contains(again.NoCUDA, w) {
			t.Errorf("second call = %+v, want the CPU build with NoCUDA containing %q", again, w)
		}
	}

	t.Setenv("CHIMERA_OLLAMA_BACKEND", "cuda")
	_, err = cudaBuilder(t, dir, io.Discard).server(t.Context())
	if err == nil || errors.Is(err, ErrMissingPrereq) || !strings.Contains(err.Error(), "failed in an earlier run") {
		t.Errorf("with CHIMERA_OLLAMA_BACKEND=cuda, err = %v; want the failure, not a skip", err)
	}

	// Removing the dir retries.
	fakeCUDATools(t, "9.0", false)
	t.Setenv("CHIMERA_OLLAMA_BACKEND", "")
	if err := os.RemoveAll(cdirs[0]); err != nil {
		t.Fatal(err)
	}
	if srv, err := cudaBuilder(t, dir, io.Discard).server(t.Context()); err != nil || srv.Backend != BackendCUDA {
		t.Errorf("after removing the failed build: %+v, %v; want the CUDA backend", srv, err)
	}
}

func TestBackendChoice(t *testing.T) {
	for _, tt := range []struct {
		env, want, wantErr string
	}{
		{env: "", want: "auto"},
		{env: "auto", want: "auto"},
		{env: "cpu", want: BackendCPU},
		{env: "cuda", want: BackendCUDA},
		{env: "gpu", wantErr: `CHIMERA_OLLAMA_BACKEND="gpu": want auto, cpu or cuda`},
	} {
		got, err := backendChoice(func(string) string { return tt.env })
		checkErr(t, err, tt.wantErr)
		if got != tt.want {
			t.Errorf("CHIMERA_OLLAMA_BACKEND=%q gives %q, want %q", tt.env, got, tt.want)
		}
	}
}

// CHIMERA_OLLAMA_BACKEND=cuda on a machine that lacks something skips
// (ErrMissingPrereq), with what is missing; it never runs on the CPU.
func TestForcedCUDAWithoutPrereqsSkips(t *testing.T) {
	for _, tt := range []struct {
		name, goos string
		sys        cudaSystem
		want       string
	}{
		{"no GPU", "linux", fakeCUDASystem(nil, nil, nil), "an NVIDIA GPU"},
		{"macOS", "darwin", fakeCUDASystem(nil, nil, nil), "Linux (the CUDA backend is built on Linux only, not darwin)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := fakeBuilder(t, filepath.Join(t.TempDir(), "0.17.4-key"), io.Discard, installScript)
			b.goos = tt.goos
			b.getenv = func(k string) string { return map[string]string{"CHIMERA_OLLAMA_BACKEND": "cuda"}[k] }
			b.findCUDA = func(ctx context.Context) (cudaToolchain, error) { return findCUDA(ctx, tt.sys) }
			_, err := b.server(t.Context())
			if !errors.Is(err, ErrMissingPrereq) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want an ErrMissingPrereq naming %q", err, tt.want)
			}
		})
	}
}

// Concurrent test processes build the backend once; the others wait on
// its lock and reuse it.
func TestCUDAConcurrentCallersBuildOnce(t *testing.T) {
	fakeCUDATools(t, "9.0", false)
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var builds atomic.Int32
	const callers = 3
	var wg sync.WaitGroup
	srvs := make([]Server, callers)
	errs := make([]error, callers)
	for i := range callers {
		b := cudaBuilder(t, dir, io.Discard)
		b.runCUDA = func(ctx context.Context, ct cudaToolchain, tc toolchain, src, build string, out io.Writer) error {
			builds.Add(1)
			time.Sleep(200 * time.Millisecond)
			return cmakeCUDA(ctx, ct, tc, src, build, out)
		}
		wg.Go(func() { srvs[i], errs[i] = b.server(t.Context()) })
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || srvs[i] != srvs[0] || srvs[i].Backend != BackendCUDA {
			t.Errorf("caller %d: %+v, %v; caller 0: %+v", i, srvs[i], errs[i], srvs[0])
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d CUDA builds, want 1", n)
	}
}

func TestParseNvccVersion(t *testing.T) {
	for _, tt := range []struct {
		name, out, want, wantID string
	}{
		{"CUDA 13.0", nvcc13, "13.0.48", "Cuda compilation tools, release 13.0, V13.0.48\nBuild cuda_13.0.r13.0/compiler.36260728_0"},
		{"CUDA 12.4", "nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 12.4, V12.4.131\nBuild cuda_12.4.r12.4/compiler.34097967_0\n",
			"12.4.131", "Cuda compilation tools, release 12.4, V12.4.131\nBuild cuda_12.4.r12.4/compiler.34097967_0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, id, err := parseNvccVersion([]byte(tt.out))
			if err != nil || v != tt.want || id != tt.wantID {
				t.Errorf("parseNvccVersion = %q, %q, %v; want %q, %q", v, id, err, tt.want, tt.wantID)
			}
		})
	}
}

// The layout the CUDA build makes is the one the pinned Ollama searches:
// on Linux, ml/path.go and the ggml loader look in <dir of the
// executable>/../lib/ollama, and its CMakeLists.txt puts the libraries in
// <build>/lib/ollama. Bumping Ollama in go.mod fails this test if either
// moves.
func TestCUDALayoutMatchesPinnedOllama(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", modulePath+"@"+v).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("%s@%s is not in the module cache (go list: %v)", modulePath, v, err)
	}
	for _, s := range cudaSources {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s))); err != nil {
			t.Errorf("the pinned module lacks %s, which the CUDA build needs: %v", s, err)
		}
	}
	for _, c := range []struct{ file, want string }{
		{"ml/path.go", `case "linux":
		libPath = filepath.Join(filepath.Dir(exe), "..", "lib", "ollama")`},
		{"ml/backend/ggml/ggml/src/ggml.go", `value = filepath.Join(filepath.Dir(exe), "..", "lib", "ollama")`},
		{"CMakeLists.txt", "set(OLLAMA_BUILD_DIR ${CMAKE_BINARY_DIR}/lib/ollama)"},
		{"CMakeLists.txt", "add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/ml/backend/ggml/ggml/src/ggml-cuda)"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.file)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(c.want)) {
			t.Errorf("%s@%s %s no longer has\n\t%s\nso the CUDA layout may not be found", modulePath, v, c.file, c.want)
		}
	}
}
