package ollamabuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestVersionFromBuildInfo(t *testing.T) {
	tests := []struct {
		name      string
		deps      []*debug.Module
		want      string
		wantFound bool
		wantErr   string
	}{
		{
			name:      "required version is used",
			deps:      []*debug.Module{{Path: "golang.org/x/sys", Version: "v0.1.0"}, {Path: modulePath, Version: "v0.17.4"}},
			want:      "v0.17.4",
			wantFound: true,
		},
		{
			name:      "a version replacement wins",
			deps:      []*debug.Module{{Path: modulePath, Version: "v0.17.4", Replace: &debug.Module{Path: modulePath, Version: "v0.18.0"}}},
			want:      "v0.18.0",
			wantFound: true,
		},
		{
			name:      "a directory replacement cannot be installed",
			deps:      []*debug.Module{{Path: modulePath, Version: "v0.17.4", Replace: &debug.Module{Path: "../ollama"}}},
			wantFound: true,
			wantErr:   "replaced by ../ollama",
		},
		{
			name: "absent module is not found",
			deps: []*debug.Module{{Path: "golang.org/x/sys", Version: "v0.1.0"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := versionFromBuildInfo(&debug.BuildInfo{Deps: tt.deps})
			if found != tt.wantFound {
				t.Errorf("found = %v, want %v", found, tt.wantFound)
			}
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("version = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionFromGoMod(t *testing.T) {
	const header = "module example.com/m\n\ngo 1.26.0\n\n"
	tests := []struct {
		name    string
		gomod   string // "" = no go.mod at all
		want    string
		wantErr string
	}{
		{
			name:  "require block",
			gomod: header + "require (\n\tgithub.com/google/go-cmp v0.7.0 // indirect\n\tgithub.com/ollama/ollama v0.17.4 // indirect\n)\n",
			want:  "v0.17.4",
		},
		{
			name:  "single-line require",
			gomod: header + "require github.com/ollama/ollama v0.16.0\n",
			want:  "v0.16.0",
		},
		{
			name:  "version replacement wins",
			gomod: header + "require github.com/ollama/ollama v0.16.0\nreplace github.com/ollama/ollama => github.com/ollama/ollama v0.17.1\n",
			want:  "v0.17.1",
		},
		{
			name:    "directory replacement is refused",
			gomod:   header + "require github.com/ollama/ollama v0.16.0\nreplace github.com/ollama/ollama => ../ollama\n",
			wantErr: "replaced by ../ollama",
		},
		{
			name:    "module without ollama",
			gomod:   header + "require github.com/google/go-cmp v0.7.0\n",
			wantErr: "does not require it",
		},
		{
			name:    "no go.mod",
			wantErr: "no go.mod",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.gomod != "" {
				writeFile(t, filepath.Join(root, "go.mod"), tt.gomod, 0o644)
			}
			// Searched upward, as from a package directory.
			sub := filepath.Join(root, "a", "b")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			got, err := versionFromGoMod(sub)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("version = %q, want %q", got, tt.want)
			}
		})
	}
}

// The build info path and the go.mod fallback must agree on our own module:
// both are "the version pinned in go.mod".
func TestVersionAgreesWithGoMod(t *testing.T) {
	got, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info in the test binary")
	}
	// go test binaries record no dependencies (only non-test binaries do),
	// so this checks the fallback there and both paths elsewhere.
	if _, found, _ := versionFromBuildInfo(info); !found && len(info.Deps) > 0 {
		t.Errorf("%s is not in the build info's %d deps", modulePath, len(info.Deps))
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want, err := versionFromGoMod(wd)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Version() = %q, go.mod says %q", got, want)
	}
}

func TestCacheKey(t *testing.T) {
	const cpuinfo = `processor	: 0
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
cpu MHz		: 2699.998
flags		: fpu sse2 avx avx2 f16c avx512f
bogomips	: 5399.99

processor	: 1
vendor_id	: GenuineIntel
model name	: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
cpu MHz		: 2700.312
flags		: fpu sse2 avx avx2 f16c avx512f
bogomips	: 5399.99
`
	pinned := pinnedHeaders()
	plan := flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v3"}
	base := cacheKey("linux", "amd64", []byte(cpuinfo), pinned, plan)
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(base) {
		t.Fatalf("key %q is not 12 hex digits", base)
	}
	same := []struct {
		name    string
		cpuinfo string
	}{
		{"clock speed and bogomips vary between boots", strings.NewReplacer("2699.998", "1200.000", "5399.99", "5400.12").Replace(cpuinfo)},
		{"more cores of the same CPU", cpuinfo + "\nprocessor\t: 2\nflags\t\t: fpu\n"},
		{"whitespace inside values", strings.ReplaceAll(cpuinfo, "avx avx2", "avx  avx2")},
	}
	for _, tt := range same {
		t.Run("same key: "+tt.name, func(t *testing.T) {
			if got := cacheKey("linux", "amd64", []byte(tt.cpuinfo), pinned, plan); got != base {
				t.Errorf("key = %s, want %s", got, base)
			}
		})
	}
	otherVersion := pinnedHeaders()
	otherVersion.version = "v0.5.8"
	otherHeader := pinnedHeaders()
	otherHeader.files[1].sha256 = strings.Repeat("0", 64)
	different := []struct {
		name         string
		goos, goarch string
		cpuinfo      string
		headers      headerSet
		plan         flagPlan
	}{
		{"a CPU feature differs", "linux", "amd64", strings.ReplaceAll(cpuinfo, " avx512f", ""), pinned, plan},
		{"the CPU model differs", "linux", "amd64", strings.ReplaceAll(cpuinfo, "8481C", "8375C"), pinned, plan},
		{"the architecture differs", "linux", "arm64", cpuinfo, pinned, plan},
		{"nothing is known of the CPU", "linux", "amd64", "", pinned, plan},
		{"arm64 features differ", "linux", "arm64", "CPU implementer\t: 0x41\nCPU part\t: 0xd0c\nFeatures\t: fp asimd\n", pinned, plan},
		{"the header module version differs", "linux", "amd64", cpuinfo, otherVersion, plan},
		{"a header's content differs", "linux", "amd64", cpuinfo, otherHeader, plan},
		{"CHIMERA_OLLAMA_MARCH names a target", "linux", "amd64", cpuinfo, pinned, flagPlan{target: "sapphirerapids", override: true, flags: "-O3 -march=sapphirerapids -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"}},
		{"the flags differ", "linux", "amd64", cpuinfo, pinned, flagPlan{target: "native", flags: "-O3 -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16", fallback: plan.fallback}},
		{"the fallback differs", "linux", "amd64", cpuinfo, pinned, flagPlan{target: "native", flags: plan.flags, fallback: "-O3 -march=x86-64-v2"}},
	}
	for _, tt := range different {
		t.Run("new key: "+tt.name, func(t *testing.T) {
			if got := cacheKey(tt.goos, tt.goarch, []byte(tt.cpuinfo), tt.headers, tt.plan); got == base {
				t.Errorf("key = %s, the same as the base key", got)
			}
		})
	}
}

// fakeBuilder returns a builder over dir whose run is fn, whose
// prerequisites are present and whose header module is a fake one.
func fakeBuilder(tb testing.TB, dir string, progress io.Writer, fn func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error) *builder {
	tb.Helper()
	modDir, headers := fakeHeaderModule(tb)
	return &builder{
		version:  "v0.17.4",
		dir:      dir,
		progress: progress,
		tick:     time.Hour,
		poll:     5 * time.Millisecond,
		headers:  headers,
		plan:     flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v3"},
		prereqs:  func() (toolchain, error) { return toolchain{goBin: "go", cc: "cc", cxx: "c++"}, nil },
		fetchHeaders: func(ctx context.Context, goBin, version string) (string, error) {
			if version != headers.version {
				return "", fmt.Errorf("fake header module has %s, asked for %s", headers.version, version)
			}
			return modDir, nil
		},
		run: fn,
	}
}

// fakeHeaderModule writes a stand-in for the header module's directory
// and returns it with the header set that pins its files.
func fakeHeaderModule(tb testing.TB) (dir string, headers headerSet) {
	tb.Helper()
	dir = tb.TempDir()
	headers.version = "v0.5.7"
	for _, f := range []struct{ src, dst string }{
		{"llama/json.hpp", "nlohmann/json.hpp"},
		{"llama/stb_image.h", "stb/stb_image.h"},
	} {
		data := "// fake " + f.src + "\n"
		path := filepath.Join(dir, filepath.FromSlash(f.src))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, path, data, 0o444)
		sum := sha256.Sum256([]byte(data))
		headers.files = append(headers.files, header{src: f.src, dst: f.dst, sha256: hex.EncodeToString(sum[:])})
	}
	return dir, headers
}

// installScript is a fake build that installs a tiny executable.
func installScript(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
	if err := os.MkdirAll(gobin, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(gobin, "ollama"), []byte("#!/bin/sh\necho fake\n"), 0o755)
}

func TestBinaryBuildsOnceThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	builds := 0
	b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		builds++
		fmt.Fprintln(out, "compiling")
		return installScript(ctx, tc, gobin, out)
	})
	got, _, err := b.binary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "ollama"); got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	if !isExecutable(got) {
		t.Errorf("%s is not an executable file", got)
	}
	for _, want := range []string{"building v0.17.4", "github.com/ollama/ollama@v0.5.7", "2-6 min", "build.log", "built v0.17.4"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, progress.String())
		}
	}
	if log, err := os.ReadFile(filepath.Join(dir, "build.log")); err != nil || !strings.Contains(string(log), "compiling") {
		t.Errorf("build.log = %q, %v; want the build's output", log, err)
	}

	// A cached binary needs neither the prerequisites nor a build.
	b.prereqs = func() (toolchain, error) {
		return toolchain{}, &PrereqError{Missing: []Missing{{What: "everything", Fix: "x"}}}
	}
	again, _, err := b.binary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if again != got || builds != 1 {
		t.Errorf("second call: path %s after %d builds, want %s after 1", again, builds, got)
	}
}

// Concurrent callers (go test ./... runs packages as parallel processes;
// each open of the lock file is a separate flock owner, as in another
// process) must build once; the others wait and reuse the result.
func TestBinaryConcurrentCallersBuildOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var builds, active, maxActive atomic.Int32
	build := func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		builds.Add(1)
		n := active.Add(1)
		defer active.Add(-1)
		for {
			m := maxActive.Load()
			if n <= m || maxActive.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(300 * time.Millisecond)
		return installScript(ctx, tc, gobin, out)
	}
	const callers = 3
	var wg sync.WaitGroup
	paths := make([]string, callers)
	errs := make([]error, callers)
	progress := make([]bytes.Buffer, callers)
	for i := range callers {
		wg.Go(func() {
			paths[i], _, errs[i] = fakeBuilder(t, dir, &progress[i], build).binary(t.Context())
		})
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if paths[i] != paths[0] {
			t.Errorf("caller %d got %s, caller 0 got %s", i, paths[i], paths[0])
		}
	}
	if builds.Load() != 1 || maxActive.Load() != 1 {
		t.Errorf("%d builds, at most %d at once; want 1 build", builds.Load(), maxActive.Load())
	}
	waited := 0
	for i := range callers {
		if strings.Contains(progress[i].String(), "waiting for another build of v0.17.4") {
			waited++
		}
	}
	if waited != callers-1 {
		t.Errorf("%d callers said they were waiting, want %d", waited, callers-1)
	}
}

func TestBinaryFailedBuildLeavesNoBinary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	failing := func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		// A partial binary, as a killed linker would leave.
		if err := os.MkdirAll(gobin, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(gobin, "ollama"), []byte("\x7fELF partial"), 0o755); err != nil {
			return err
		}
		for i := range 50 {
			fmt.Fprintf(out, "warning line %d\n", i)
		}
		fmt.Fprintln(out, "mtmd-helper.cpp:12: fatal error: miniaudio/miniaudio.h: No such file or directory")
		return errors.New("exit status 1")
	}
	_, _, err := fakeBuilder(t, dir, io.Discard, failing).binary(t.Context())
	checkErr(t, err, "miniaudio/miniaudio.h: No such file")
	if strings.Contains(err.Error(), "warning line 10\n") {
		t.Errorf("error quotes more than the tail of the build output:\n%v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "ollama")); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("after a failed build, stat ollama = %v; want it absent", statErr)
	}
	assertNoBuildDirs(t, dir)

	// A later good build installs normally, and clears what a killed one left.
	if err := os.Mkdir(filepath.Join(dir, "build-killed"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fakeBuilder(t, dir, io.Discard, installScript).binary(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertNoBuildDirs(t, dir)
}

func TestBinaryBuildWithoutExecutableFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	nothing := func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error { return nil }
	_, _, err := fakeBuilder(t, dir, io.Discard, nothing).binary(t.Context())
	checkErr(t, err, "left no executable")
}

func TestBinaryMissingPrereqBuildsNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	b := fakeBuilder(t, dir, io.Discard, func(context.Context, toolchain, string, io.Writer) error {
		t.Error("build ran without its prerequisites")
		return nil
	})
	b.prereqs = func() (toolchain, error) {
		return toolchain{}, &PrereqError{Missing: []Missing{{What: "a C++ compiler", Fix: "apt-get install -y g++, or set CXX"}}}
	}
	_, _, err := b.binary(t.Context())
	if !errors.Is(err, ErrMissingPrereq) {
		t.Fatalf("err = %v, want ErrMissingPrereq", err)
	}
}

func TestBinaryWaitIsCancellable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	holder := fakeBuilder(t, dir, io.Discard, installScript)
	unlock, err := holder.lock(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	var progress bytes.Buffer
	_, _, err = fakeBuilder(t, dir, &progress, installScript).binary(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
	if !strings.Contains(progress.String(), "waiting for another build") {
		t.Errorf("progress does not say it waited:\n%s", progress.String())
	}
}

func TestBinaryTicksWhileBuilding(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "0.17.4-key")
		var progress bytes.Buffer
		b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
			time.Sleep(50 * time.Second)
			return installScript(ctx, tc, gobin, out)
		})
		b.tick = 15 * time.Second
		if _, _, err := b.binary(t.Context()); err != nil {
			t.Fatal(err)
		}
		var ticks []string
		for line := range strings.Lines(progress.String()) {
			if strings.Contains(line, "still building") {
				ticks = append(ticks, strings.TrimSpace(line))
			}
		}
		want := []string{
			"Ollama build: still building v0.17.4 (15s elapsed)",
			"Ollama build: still building v0.17.4 (30s elapsed)",
			"Ollama build: still building v0.17.4 (45s elapsed)",
		}
		if diff := cmp.Diff(want, ticks); diff != "" {
			t.Errorf("ticks mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCheckPrereqs(t *testing.T) {
	tests := []struct {
		name    string
		goos    string // "" = linux
		env     map[string]string
		onPath  []string
		goCC    string // go env CC
		want    toolchain
		wantErr []string // substrings of the error; nil = no error
	}{
		{
			name:   "everything present uses go's default compilers",
			onPath: []string{"go", "gcc", "g++"},
			goCC:   "gcc",
			want:   toolchain{goBin: "/bin/go", cc: "gcc", cxx: "g++"},
		},
		{
			name:   "no C++ headers are needed from the system",
			goos:   "darwin",
			onPath: []string{"go", "clang", "clang++"},
			want:   toolchain{goBin: "/bin/go", cc: "clang", cxx: "clang++"},
		},
		{
			name:   "cc and c++ stand in for missing gcc and g++",
			onPath: []string{"go", "cc", "c++"},
			goCC:   "gcc",
			want:   toolchain{goBin: "/bin/go", cc: "cc", cxx: "c++"},
		},
		{
			name:    "missing go says where to get it",
			onPath:  []string{"gcc", "g++"},
			wantErr: []string{"the go command on PATH (fix: install Go from https://go.dev/dl"},
		},
		{
			name:    "an explicit CXX is not replaced by a fallback",
			env:     map[string]string{"CXX": "clang++-19 -stdlib=libc++"},
			onPath:  []string{"go", "gcc", "g++"},
			wantErr: []string{"a C++ compiler (tried clang++-19 -stdlib=libc++) (fix: apt-get install -y g++, or set CXX)"},
		},
		{
			name:    "no compilers at all",
			onPath:  []string{"go"},
			goCC:    "gcc",
			wantErr: []string{"a C compiler (tried gcc, gcc, cc, clang) (fix: apt-get install -y gcc, or set CC); a C++ compiler (tried g++, c++, clang++)"},
		},
		{
			name:    "no compilers on macOS points at the command line tools",
			goos:    "darwin",
			onPath:  []string{"go"},
			wantErr: []string{"a C++ compiler (tried g++, c++, clang++) (fix: xcode-select --install, or set CXX)"},
		},
		{
			name:    "Windows is refused with the ways out, whatever is installed",
			goos:    "windows",
			onPath:  []string{"go", "gcc", "g++"},
			wantErr: []string{"the embedded Ollama build supports Linux and macOS; on Windows install Ollama and put it on PATH, or set CHIMERA_OLLAMA_BIN / CHIMERA_OLLAMA_URLS"},
		},
		{
			name:    "another OS is refused by name",
			goos:    "freebsd",
			onPath:  []string{"go", "gcc", "g++"},
			wantErr: []string{"supports Linux and macOS, not freebsd; install Ollama"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goos := tt.goos
			if goos == "" {
				goos = "linux"
			}
			sys := system{
				goos:   goos,
				getenv: func(k string) string { return tt.env[k] },
				lookPath: func(name string) (string, error) {
					if slices.Contains(tt.onPath, name) {
						return "/bin/" + name, nil
					}
					return "", exec.ErrNotFound
				},
				goEnv: func(goBin, key string) string {
					if key == "CC" {
						return tt.goCC
					}
					return ""
				},
			}
			got, err := checkPrereqs(sys)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(toolchain{})); diff != "" {
					t.Errorf("toolchain mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if !errors.Is(err, ErrMissingPrereq) {
				t.Fatalf("err = %v, want ErrMissingPrereq", err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), ".h") {
				t.Errorf("the error asks for a header, which the build brings itself:\n%v", err)
			}
		})
	}
}

func TestGoInstallRecipe(t *testing.T) {
	wantArgs := []string{"install", "-ldflags", "-X github.com/ollama/ollama/version.Version=0.17.4", "github.com/ollama/ollama@v0.17.4"}
	if diff := cmp.Diff(wantArgs, goInstallArgs("v0.17.4")); diff != "" {
		t.Errorf("args mismatch (-want +got):\n%s", diff)
	}
	tc := toolchain{goBin: "/usr/bin/go", cc: "gcc", cxx: "g++", cflags: "-O3 -march=native"}
	wantEnv := []string{
		"GOBIN=/c/bin",
		"GOFLAGS=-mod=mod",
		"GOWORK=off",
		"CGO_ENABLED=1",
		"CGO_CFLAGS=-O3 -march=native",
		"CGO_CXXFLAGS=-O3 -march=native",
		"CGO_CPPFLAGS=-I/c/include",
		"CC=gcc",
		"CXX=g++",
	}
	if diff := cmp.Diff(wantEnv, buildEnv(tc, "/c/bin", "/c/include")); diff != "" {
		t.Errorf("env mismatch (-want +got):\n%s", diff)
	}
	spaced := buildEnv(tc, "/c/bin", "/Users/a b/Library/Caches/inc")
	if !slices.Contains(spaced, "CGO_CPPFLAGS='-I/Users/a b/Library/Caches/inc'") {
		t.Errorf("an include dir with a space is not quoted: %q", spaced)
	}
}

// The stub must declare every miniaudio decoder symbol that the pinned
// llama.cpp uses, or bumping Ollama in go.mod breaks the embedded build.
func TestMiniaudioStubCoversPinnedOllama(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", modulePath+"@"+v).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("%s@%s is not in the module cache (go list: %v)", modulePath, v, err)
	}
	var uses []byte
	err = filepath.WalkDir(filepath.Join(dir, "llama"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".cpp") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(src, []byte("miniaudio.h")) {
				uses = append(uses, src...)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) == 0 {
		t.Skipf("no source in %s includes miniaudio.h; the stub may be unneeded", dir)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bma_decoder\w*`).FindAll(uses, -1) {
		used[string(m)] = true
	}
	if len(used) == 0 {
		t.Fatal("found no ma_decoder symbols in the sources that include miniaudio.h")
	}
	for sym := range used {
		if !regexp.MustCompile(`\b` + sym + `\b`).Match(miniaudioStub) {
			t.Errorf("the stub does not declare %s", sym)
		}
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func writeFile(tb testing.TB, path, data string, perm os.FileMode) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		tb.Fatal(err)
	}
}

func assertNoBuildDirs(t *testing.T, dir string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, "build-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("temporary build dirs left behind: %v", left)
	}
}

func TestPathIsUnderTheCache(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("CHIMERA_CACHE", func(t *testing.T) {
		root := t.TempDir()
		t.Setenv("CHIMERA_CACHE", root)
		got, err := Path()
		if err != nil {
			t.Fatal(err)
		}
		pattern := regexp.QuoteMeta(filepath.Join(root, "ollama", strings.TrimPrefix(v, "v"))) + `-[0-9a-f]{12}/ollama$`
		if !regexp.MustCompile(pattern).MatchString(got) {
			t.Errorf("Path() = %s, want a match for %s", got, pattern)
		}
	})
	// Issue 17: an unusable CHIMERA_CACHE was reported by its path alone,
	// from deep inside the build or a model write.
	t.Run("unusable CHIMERA_CACHE names the variable", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, root := range []string{file, filepath.Join(file, "cache")} {
			t.Setenv("CHIMERA_CACHE", root)
			if _, err := Path(); err == nil || !strings.Contains(err.Error(), `CHIMERA_CACHE="`+root+`" is unusable`) {
				t.Errorf("CHIMERA_CACHE=%s: Path() error %v, want one naming the variable", root, err)
			}
		}
	})
	t.Run("default", func(t *testing.T) {
		t.Setenv("CHIMERA_CACHE", "")
		user, err := os.UserCacheDir()
		if err != nil {
			t.Skipf("no user cache dir here: %v", err)
		}
		got, err := CacheRoot()
		if err != nil || got != filepath.Join(user, "chimeraforge") {
			t.Errorf("CacheRoot() = %s, %v; want %s", got, err, filepath.Join(user, "chimeraforge"))
		}
	})
}
