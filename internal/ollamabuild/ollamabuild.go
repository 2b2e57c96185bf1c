package ollamabuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	// Linked so that the ollama module, and with it the pinned version, is
	// recorded in the build info of every binary that uses this package
	// (except go test binaries, which record no dependencies).
	_ "github.com/ollama/ollama/version"
)

const modulePath = "github.com/ollama/ollama"

//go:embed miniaudio/miniaudio.h
var miniaudioStub []byte

// headerModuleVersion is the release of github.com/ollama/ollama whose
// module zip still ships the header-only C++ libraries the build needs
// (llama/json.hpp, nlohmann/json 3.11.3, and llama/stb_image.h); later zips
// leave them out with vendor/. The build always uses these, never the
// system's, so that every machine compiles the same sources.
const headerModuleVersion = "v0.5.7"

// jsonFwd stands in for nlohmann/json_fwd.hpp, which the header module
// lacks: the full header declares everything the forward one does.
const jsonFwd = "#include \"json.hpp\"\n"

// headerSet is the pinned header-only libraries: the header module's
// version and the files taken from it.
type headerSet struct {
	version string
	files   []header
}

// A header is one file of the header module placed in the include dir.
type header struct {
	src    string // in the module, "llama/json.hpp"
	dst    string // under the include dir, "nlohmann/json.hpp"
	sha256 string // hex, checked after the (already checksum-verified) download
}

func pinnedHeaders() headerSet {
	return headerSet{
		version: headerModuleVersion,
		files: []header{
			{"llama/json.hpp", "nlohmann/json.hpp", "5b4b37308d67f9820b5926486374246054fdd06baae85309b820a8315f23caca"},
			{"llama/stb_image.h", "stb/stb_image.h", "594c2fe35d49488b4382dbfaec8f98366defca819d916ac95becf3e75f4200b3"},
		},
	}
}

// ErrMissingPrereq is wrapped by the error of [CheckPrereqs] and [Build]
// when something the build needs is absent. Callers skip on it: an absent
// prerequisite is not a failure, a build that fails with them present is.
var ErrMissingPrereq = errors.New("missing prerequisite for building the embedded Ollama")

// A PrereqError lists what the build needs and lacks, each with its fix.
type PrereqError struct {
	Missing []Missing
}

// Missing is one absent prerequisite.
type Missing struct {
	What string // e.g. "a C++ compiler (tried g++, c++, clang++)"
	Fix  string // e.g. "apt-get install -y g++, or set CXX"
}

func (e *PrereqError) Error() string {
	var parts []string
	for _, m := range e.Missing {
		parts = append(parts, fmt.Sprintf("%s (fix: %s)", m.What, m.Fix))
	}
	return "cannot build the embedded Ollama, missing " + strings.Join(parts, "; ")
}

// Is reports that a PrereqError is an [ErrMissingPrereq].
func (e *PrereqError) Is(target error) bool { return target == ErrMissingPrereq }

// unsupportedOSError says that the embedded build does not run on this OS.
type unsupportedOSError struct{ goos string }

func (e *unsupportedOSError) Error() string {
	const wayOut = "install Ollama and put it on PATH, or set CHIMERA_OLLAMA_BIN / CHIMERA_OLLAMA_URLS"
	if e.goos == "windows" {
		return "the embedded Ollama build supports Linux and macOS; on Windows " + wayOut
	}
	return "the embedded Ollama build supports Linux and macOS, not " + e.goos + "; " + wayOut
}

// Is reports that an unsupported OS is an [ErrMissingPrereq]: callers skip.
func (e *unsupportedOSError) Is(target error) bool { return target == ErrMissingPrereq }

// checkOS returns an error wrapping [ErrMissingPrereq] unless goos is one
// the embedded build supports. Ollama's cgo build, flock(2) and process
// groups are what tie it to these.
func checkOS(goos string) error {
	switch goos {
	case "linux", "darwin":
		return nil
	}
	return &unsupportedOSError{goos: goos}
}

// Version returns the version of github.com/ollama/ollama in our module
// graph, e.g. "v0.17.4": the one go.mod pins, so the server we build and the
// api client we link are the same release. It reads the running binary's
// build info and falls back to the first go.mod found upward from the
// working directory: go test binaries record no dependencies, but go test
// runs them in the package directory, inside the module.
func Version() (string, error) {
	if info, ok := debug.ReadBuildInfo(); ok {
		v, found, err := versionFromBuildInfo(info)
		if found || err != nil {
			return v, err
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s version: %w", modulePath, err)
	}
	return versionFromGoMod(wd)
}

// versionFromBuildInfo returns the ollama module's version from info;
// found is false when the module is not in it.
func versionFromBuildInfo(info *debug.BuildInfo) (v string, found bool, err error) {
	for _, dep := range info.Deps {
		if dep.Path != modulePath {
			continue
		}
		v, err := effectiveVersion(dep.Version, dep.Replace)
		return v, true, err
	}
	return "", false, nil
}

func effectiveVersion(required string, replace *debug.Module) (string, error) {
	switch {
	case replace == nil:
		return required, nil
	case replace.Path == modulePath && replace.Version != "":
		return replace.Version, nil
	default:
		// go install can only build a published version of the module itself.
		return "", fmt.Errorf("%s %s is replaced by %s %s: the embedded build needs a published version of %s (or set CHIMERA_OLLAMA_BIN)",
			modulePath, required, replace.Path, replace.Version, modulePath)
	}
}

// versionFromGoMod reads the ollama module's version from the first go.mod
// in dir or above it.
func versionFromGoMod(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		path := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			if filepath.Dir(d) == d {
				return "", fmt.Errorf("find %s version: no go.mod in %s or above", modulePath, dir)
			}
			continue
		}
		if err != nil {
			return "", fmt.Errorf("find %s version: %w", modulePath, err)
		}
		f, err := modfile.Parse(path, data, nil)
		if err != nil {
			return "", fmt.Errorf("find %s version: %w", modulePath, err)
		}
		for _, r := range f.Replace {
			if r.Old.Path == modulePath {
				v, err := effectiveVersion("", &debug.Module{Path: r.New.Path, Version: r.New.Version})
				if err != nil {
					return "", fmt.Errorf("%s: %w", path, err)
				}
				return v, nil
			}
		}
		for _, r := range f.Require {
			if r.Mod.Path == modulePath {
				return r.Mod.Version, nil
			}
		}
		return "", fmt.Errorf("find %s version: %s does not require it", modulePath, path)
	}
}

// CacheRoot returns $CHIMERA_CACHE, or os.UserCacheDir()/chimeraforge: the
// one root of every Chimeraforge cache (this package's builds, the harness's
// synthetic models, harness/onnx's ONNX Runtime library), resolved here
// only. A CHIMERA_CACHE that cannot hold the cache (not a directory, not
// writable) is an error naming the variable, here, rather than a path error
// from deep inside a build or a model write.
func CacheRoot() (string, error) {
	if dir := os.Getenv("CHIMERA_CACHE"); dir != "" {
		if err := usableDir(dir); err != nil {
			return "", fmt.Errorf("CHIMERA_CACHE=%q is unusable: %w", dir, err)
		}
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache dir (set CHIMERA_CACHE): %w", err)
	}
	return filepath.Join(dir, "chimeraforge"), nil
}

// Path returns where [Build] installs the CPU build of the server for this
// module version and CPU, whether or not it has been built yet.
func Path() (string, error) {
	v, err := Version()
	if err != nil {
		return "", err
	}
	dir, _, err := hostBuildDir(v)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ollama"), nil
}

// hostBuildDir returns the cache directory of the CPU build for this
// module version, CPU and CHIMERA_OLLAMA_MARCH, and the flags it is built
// with.
func hostBuildDir(version string) (string, flagPlan, error) {
	root, err := CacheRoot()
	if err != nil {
		return "", flagPlan{}, err
	}
	// Unreadable (not Linux): the key then only separates OS/arch.
	cpuinfo, _ := os.ReadFile("/proc/cpuinfo")
	plan, err := planFlags(runtime.GOARCH, cpuFeatureFlags(cpuinfo), os.Getenv(marchEnv))
	if err != nil {
		return "", flagPlan{}, err
	}
	name := strings.TrimPrefix(version, "v") + "-" + cacheKey(runtime.GOOS, runtime.GOARCH, cpuinfo, pinnedHeaders(), plan)
	return filepath.Join(root, "ollama", name), plan, nil
}

// cacheKey identifies what a build depends on: the platform, the CPU model
// and feature flags (for -march=native), and the build recipe (the target
// asked for, the compiler flags of both tries, and every header we supply,
// by version and content). Lines that vary between boots or cores (MHz,
// bogomips, processor number) are left out. The pinned sha256 sums stand
// for the header files, so the key is known without downloading them.
func cacheKey(goos, goarch string, cpuinfo []byte, headers headerSet, plan flagPlan) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s/%s\n%s\n", goos, goarch, cpuIdentity(cpuinfo))
	fmt.Fprintf(h, "target=%s override=%t\ncflags=%s\nfallback=%s\n", plan.target, plan.override, plan.flags, plan.fallback)
	fmt.Fprintf(h, "headers=%s@%s\n", modulePath, headers.version)
	for _, f := range headers.files {
		fmt.Fprintf(h, "%s %s %s\n", f.sha256, f.dst, f.src)
	}
	fmt.Fprintf(h, "json_fwd=%q\n", jsonFwd)
	h.Write(miniaudioStub)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cpuIdentity returns the first value of each /proc/cpuinfo field that
// -march=native depends on, in a fixed order.
func cpuIdentity(cpuinfo []byte) string {
	keys := []string{"vendor_id", "model name", "flags", "CPU implementer", "CPU part", "Features"}
	first := map[string]string{}
	for line := range strings.Lines(string(cpuinfo)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if _, seen := first[k]; !seen {
			first[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, first[k])
	}
	return b.String()
}

// toolchain is what the build runs, as found by checkPrereqs, and the
// flags one try of the build gives the compilers (set by buildLocked).
type toolchain struct {
	goBin, cc, cxx string
	cflags         string // CGO_CFLAGS and CGO_CXXFLAGS
}

// CheckPrereqs reports whether the embedded Ollama can be built here: it
// returns nil, or an error wrapping [ErrMissingPrereq] (a [*PrereqError]
// naming every missing tool and how to install it, or the reason this OS
// is not supported). It builds and downloads nothing.
func CheckPrereqs() error {
	_, err := checkPrereqs(hostSystem())
	return err
}

// system is the part of the host the prerequisite check looks at, so that
// tests can stand in for it.
type system struct {
	goos     string
	getenv   func(string) string
	lookPath func(string) (string, error)
	goEnv    func(goBin, key string) string // "" when unknown
}

func hostSystem() system {
	return system{
		goos:     runtime.GOOS,
		getenv:   os.Getenv,
		lookPath: exec.LookPath,
		goEnv: func(goBin, key string) string {
			out, err := exec.Command(goBin, "env", key).Output()
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(out))
		},
	}
}

// checkPrereqs finds the tools the build runs. The C++ headers are not
// looked for: the build brings its own (see [headerModuleVersion]).
func checkPrereqs(sys system) (toolchain, error) {
	if err := checkOS(sys.goos); err != nil {
		return toolchain{}, err
	}
	var tc toolchain
	var missing []Missing
	goBin, err := sys.lookPath("go")
	if err != nil {
		missing = append(missing, Missing{What: "the go command on PATH", Fix: "install Go from https://go.dev/dl and add its bin directory to PATH"})
	} else {
		tc.goBin = goBin
	}
	install := func(pkg string) string { return "apt-get install -y " + pkg }
	if sys.goos == "darwin" {
		install = func(string) string { return "xcode-select --install" }
	}
	compilers := []struct {
		env       string
		fallbacks []string
		dst       *string
		what, fix string
	}{
		{"CC", []string{"gcc", "cc", "clang"}, &tc.cc, "a C compiler", install("gcc") + ", or set CC"},
		{"CXX", []string{"g++", "c++", "clang++"}, &tc.cxx, "a C++ compiler", install("g++") + ", or set CXX"},
	}
	for _, c := range compilers {
		var candidates []string
		if set := sys.getenv(c.env); set != "" {
			// An explicit choice is not second-guessed.
			candidates = []string{set}
		} else {
			if tc.goBin != "" {
				if def := sys.goEnv(tc.goBin, c.env); def != "" {
					candidates = append(candidates, def)
				}
			}
			candidates = append(candidates, c.fallbacks...)
		}
		for _, cand := range candidates {
			fields := strings.Fields(cand)
			if len(fields) == 0 {
				continue
			}
			if _, err := sys.lookPath(fields[0]); err == nil {
				*c.dst = cand
				break
			}
		}
		if *c.dst == "" {
			missing = append(missing, Missing{
				What: fmt.Sprintf("%s (tried %s)", c.what, strings.Join(candidates, ", ")),
				Fix:  c.fix,
			})
		}
	}
	if len(missing) > 0 {
		return toolchain{}, &PrereqError{Missing: missing}
	}
	return tc, nil
}

// Build returns the embedded Ollama server, building it first if the
// cache does not hold it for this module version and CPU: the CPU build
// (go install), and on Linux with an NVIDIA GPU, nvcc and cmake also
// Ollama's CUDA backend (see the package doc). Where the CUDA backend
// cannot be had, the server runs on the CPU: Server.NoCUDA says why, and
// so does a progress line. Progress (what is built where, a tick every
// 15 s, waits for another process's build) goes to progress, in lines
// that benchfmt ignores. It returns an error wrapping [ErrMissingPrereq]
// when the build cannot run here (or, with CHIMERA_OLLAMA_BACKEND=cuda,
// when the CUDA backend cannot).
func Build(ctx context.Context, progress io.Writer) (Server, error) {
	if err := checkOS(runtime.GOOS); err != nil {
		return Server{}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	v, err := Version()
	if err != nil {
		return Server{}, err
	}
	dir, plan, err := hostBuildDir(v)
	if err != nil {
		return Server{}, err
	}
	b := &builder{
		version:      v,
		dir:          dir,
		plan:         plan,
		progress:     progress,
		tick:         15 * time.Second,
		poll:         250 * time.Millisecond,
		headers:      pinnedHeaders(),
		prereqs:      func() (toolchain, error) { return checkPrereqs(hostSystem()) },
		fetchHeaders: goModDownload,
		goos:         runtime.GOOS,
		getenv:       os.Getenv,
		findCUDA:     func(ctx context.Context) (cudaToolchain, error) { return findCUDA(ctx, hostCUDASystem()) },
		fetchSource:  goModDownload,
		runCUDA:      cmakeCUDA,
	}
	b.run = b.goInstall
	return b.server(ctx)
}

// builder holds one build's settings; tests replace run, prereqs and
// fetchHeaders so the cache, lock, header and install logic is exercised
// without a download or a 6-minute compile.
type builder struct {
	version  string // module version, "v0.17.4"
	dir      string // cache directory for this version, CPU and flag plan
	plan     flagPlan
	progress io.Writer
	tick     time.Duration // progress interval during builds and waits
	poll     time.Duration // lock retry interval
	headers  headerSet
	prereqs  func() (toolchain, error)
	// fetchHeaders returns the directory of the module modulePath@version,
	// downloading it if needed.
	fetchHeaders func(ctx context.Context, goBin, version string) (dir string, err error)
	// run installs the ollama binary into gobin, compiling with
	// tc.cflags against the headers in b.includeDir(), writing its output
	// to out.
	run func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error

	// The CUDA backend (cuda.go).
	goos     string
	getenv   func(string) string
	findCUDA func(ctx context.Context) (cudaToolchain, error)
	// fetchSource returns the directory of modulePath@version, the
	// sources the CUDA backend is built from.
	fetchSource func(ctx context.Context, goBin, version string) (dir string, err error)
	// runCUDA builds the backend from src in build (cmakeCUDA), writing
	// its output to out; the libraries land in build/lib/ollama.
	runCUDA func(ctx context.Context, ct cudaToolchain, tc toolchain, src, build string, out io.Writer) error
}

// say writes one progress line. `go test` merges stderr into stdout, which
// benchstat reads: benchfmt takes a line starting with a lowercase word and
// a colon ("ollamabuild: …") for a configuration key, and one starting with
// "Benchmark" or "Unit" for data. A capitalised "Ollama build" is neither.
func (b *builder) say(format string, args ...any) {
	fmt.Fprintf(b.progress, "Ollama build: "+format+"\n", args...)
}

// binary returns the CPU build and the compiler flags it was built with,
// building it first if the cache does not hold it.
func (b *builder) binary(ctx context.Context) (bin, cflags string, err error) {
	bin = filepath.Join(b.dir, "ollama")
	if isExecutable(bin) {
		return bin, b.builtWith(), nil
	}
	tc, err := b.prereqs()
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return "", "", fmt.Errorf("create ollama cache dir: %w", err)
	}
	unlock, err := b.lock(ctx)
	if err != nil {
		return "", "", err
	}
	defer unlock()
	if isExecutable(bin) {
		b.say("another process built %s: %s", b.version, bin)
		return bin, b.builtWith(), nil
	}
	cflags, err = b.buildLocked(ctx, tc, bin)
	if err != nil {
		return "", "", err
	}
	return bin, cflags, nil
}

// cflagsFile, beside the binary, records the flags it was built with: the
// first try's, or the fallback's.
const cflagsFile = "cflags"

// builtWith returns the flags the cached binary was built with.
func (b *builder) builtWith() string {
	data, err := os.ReadFile(filepath.Join(b.dir, cflagsFile))
	if err != nil {
		// Written before the binary is renamed into place; absent only if
		// removed by hand. The first try's flags are the likelier.
		return b.plan.flags
	}
	return strings.TrimSpace(string(data))
}

// lock takes the cache directory's build lock; see lockDir.
func (b *builder) lock(ctx context.Context) (unlock func(), err error) {
	return b.lockDir(ctx, b.dir, b.version)
}

// lockDir takes the build lock of dir, where what is built, polling so
// that ctx can cancel the wait. Closing the file (the returned func, or
// the process dying) releases it.
func (b *builder) lockDir(ctx context.Context, dir, what string) (unlock func(), err error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open build lock: %w", err)
	}
	var stopTicks func()
	defer func() {
		if stopTicks != nil {
			stopTicks()
		}
	}()
	start := time.Now()
	for {
		locked, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if locked {
			return func() { f.Close() }, nil
		}
		if stopTicks == nil {
			b.say("waiting for another build of %s to finish (lock %s)…", what, path)
			stopTicks = b.ticks(start, "still waiting for another build of "+what)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for the build lock %s: %w", path, context.Cause(ctx))
		case <-time.After(b.poll):
		}
	}
}

// buildLocked builds into a temporary directory and renames the result into
// place, so that bin is either absent or complete; it returns the flags of
// the try that built it. Where the first try fails (not cancelled) and the
// plan has a fallback, it tries once more with it, saying so. A failure
// leaves nothing in the cache that a later run could take for a result: it
// builds again. The caller holds the lock.
func (b *builder) buildLocked(ctx context.Context, tc toolchain, bin string) (string, error) {
	// Leftovers of builds that were killed before they could clean up.
	if old, err := filepath.Glob(filepath.Join(b.dir, "build-*")); err == nil {
		for _, d := range old {
			os.RemoveAll(d)
		}
	}
	os.Remove(filepath.Join(b.dir, fallbackLog))
	tmp, err := os.MkdirTemp(b.dir, "build-")
	if err != nil {
		return "", fmt.Errorf("build ollama %s: %w", b.version, err)
	}
	defer os.RemoveAll(tmp)

	start := time.Now()
	b.say("building %s from the Go module cache into %s", b.version, bin)
	if err := b.layOutHeaders(ctx, tc); err != nil {
		return "", fmt.Errorf("build ollama %s: %w", b.version, err)
	}
	tries := []string{b.plan.flags}
	if b.plan.fallback != "" {
		tries = append(tries, b.plan.fallback)
	}
	var failed []failedTry
	for i, flags := range tries {
		logPath := filepath.Join(b.dir, "build.log")
		if i == 0 {
			how := "native: this CPU's extensions, less those whose kernels the module does not compile"
			if b.plan.override {
				how = marchEnv + "=" + b.plan.target
			}
			b.say("compiler flags %q (%s)", flags, how)
			b.say("the first build takes 2-6 min on 2 cores (seconds when Go's build cache is warm); go's output goes to %s", logPath)
		} else {
			logPath = filepath.Join(b.dir, fallbackLog)
			b.say("the build with %q failed (%s): trying once more with the portable %q, output to %s; set %s to choose the target yourself",
				failed[0].flags, failed[0].firstError(), flags, logPath, marchEnv)
		}
		tc.cflags = flags
		built, err := b.try(ctx, tc, filepath.Join(tmp, fmt.Sprintf("bin%d", i)), logPath, start)
		if err == nil {
			if err := os.WriteFile(filepath.Join(b.dir, cflagsFile), []byte(flags+"\n"), 0o644); err != nil {
				return "", fmt.Errorf("install ollama %s: %w", b.version, err)
			}
			if err := os.Rename(built, bin); err != nil {
				return "", fmt.Errorf("install ollama %s: %w", b.version, err)
			}
			b.say("built %s in %s with %q: %s", b.version, time.Since(start).Round(time.Second), flags, bin)
			return flags, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("build ollama %s: %w", b.version, err)
		}
		t := failedTry{flags: flags, fallback: i > 0, log: logPath, err: err}
		t.errors, t.tail = firstErrors(logPath)
		failed = append(failed, t)
	}
	berr := &BuildError{Version: b.version, Tries: failed, Override: b.plan.override}
	for line := range strings.Lines(berr.Error()) {
		b.say("%s", strings.TrimRight(line, "\n"))
	}
	return "", berr
}

// fallbackLog is the fallback try's output, beside build.log.
const fallbackLog = "fallback-build.log"

// try runs one build with tc.cflags into gobin, its output in logPath,
// and returns the executable it made.
func (b *builder) try(ctx context.Context, tc toolchain, gobin, logPath string, start time.Time) (string, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", err
	}
	defer logFile.Close()
	stopTicks := b.ticks(start, "still building "+b.version)
	err = b.run(ctx, tc, gobin, logFile)
	stopTicks()
	if err != nil {
		return "", err
	}
	built := filepath.Join(gobin, "ollama")
	if !isExecutable(built) {
		return "", fmt.Errorf("the build succeeded but left no executable %s", built)
	}
	return built, nil
}

// includeDir is what the build passes with -I: the pinned headers.
func (b *builder) includeDir() string { return filepath.Join(b.dir, "include") }

// layOutHeaders fills b.includeDir() afresh with the pinned headers from
// the header module, checked against their sha256, json_fwd.hpp and the
// miniaudio stub. The caller holds the lock.
func (b *builder) layOutHeaders(ctx context.Context, tc toolchain) error {
	mod := modulePath + "@" + b.headers.version
	var names []string
	for _, f := range b.headers.files {
		names = append(names, f.dst)
	}
	b.say("taking %s from %s (Go module proxy, 2.8 MB, checksum-verified)", strings.Join(names, " and "), mod)
	modDir, err := b.fetchHeaders(ctx, tc.goBin, b.headers.version)
	if err != nil {
		return fmt.Errorf("download headers: %w", err)
	}
	inc := b.includeDir()
	if err := os.RemoveAll(inc); err != nil {
		return err
	}
	files := map[string][]byte{
		"nlohmann/json_fwd.hpp": []byte(jsonFwd),
		"miniaudio/miniaudio.h": miniaudioStub,
	}
	for _, f := range b.headers.files {
		data, err := os.ReadFile(filepath.Join(modDir, filepath.FromSlash(f.src)))
		if err != nil {
			return fmt.Errorf("header %s: %w", f.dst, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.sha256 {
			return fmt.Errorf("%s %s has sha256 %x, want the pinned %s", mod, f.src, sum, f.sha256)
		}
		files[f.dst] = data
	}
	for name, data := range files {
		path := filepath.Join(inc, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ticks says "<what> (<elapsed> elapsed)" every b.tick until the returned
// func is called.
func (b *builder) ticks(start time.Time, what string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(b.tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				b.say("%s (%s elapsed)", what, time.Since(start).Round(time.Second))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// outsideModuleEnv makes the go command ignore any module or workspace of
// ours, so that only the pinned versions apply.
func outsideModuleEnv() []string { return []string{"GOFLAGS=-mod=mod", "GOWORK=off"} }

// goCommand runs goBin with args in a new temporary directory (outside any
// module) in its own process group, so that cancelling ctx also stops the
// compilers go runs.
func goCommand(ctx context.Context, goBin string, env []string, args ...string) (cmd *exec.Cmd, cleanup func(), err error) {
	work, err := os.MkdirTemp("", "chimeraforge-ollamabuild-")
	if err != nil {
		return nil, nil, err
	}
	cmd = exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), env...)
	ownProcessGroup(cmd)
	cmd.WaitDelay = 10 * time.Second
	return cmd, func() { os.RemoveAll(work) }, nil
}

// goModDownload returns the directory of modulePath@version in the module
// cache, downloading it (checksum-verified against go.sum's database, as
// any module) if needed.
func goModDownload(ctx context.Context, goBin, version string) (string, error) {
	mod := modulePath + "@" + version
	cmd, cleanup, err := goCommand(ctx, goBin, outsideModuleEnv(), "mod", "download", "-json", mod)
	if err != nil {
		return "", err
	}
	defer cleanup()
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	var got struct{ Dir, Error string }
	jsonErr := json.Unmarshal(stdout.Bytes(), &got)
	switch {
	case got.Error != "":
		return "", fmt.Errorf("go mod download %s: %s", mod, got.Error)
	case runErr != nil:
		return "", fmt.Errorf("go mod download %s: %w: %s", mod, runErr, strings.TrimSpace(stderr.String()))
	case jsonErr != nil:
		return "", fmt.Errorf("go mod download %s: reading its -json output: %w", mod, jsonErr)
	case got.Dir == "":
		return "", fmt.Errorf("go mod download %s: no Dir in its output: %s", mod, strings.TrimSpace(stdout.String()))
	}
	return got.Dir, nil
}

// goInstall is the real build: go install of the pinned module version,
// run outside our module so that nothing of it applies.
func (b *builder) goInstall(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
	if err := checkFlags(ctx, tc, out); err != nil {
		return err
	}
	args := goInstallArgs(b.version)
	env := buildEnv(tc, gobin, b.includeDir())
	cmd, cleanup, err := goCommand(ctx, tc.goBin, env, args...)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "cd %s\n%s %s %s\n", cmd.Dir, strings.Join(env, " "), tc.goBin, strings.Join(args, " "))
	cmd.Stdout = out
	cmd.Stderr = out
	return cmd.Run()
}

func goInstallArgs(version string) []string {
	return []string{
		"install",
		// Without it /api/version reports 0.0.0.
		"-ldflags", "-X " + modulePath + "/version.Version=" + strings.TrimPrefix(version, "v"),
		modulePath + "@" + version,
	}
}

// buildEnv is the environment the build adds to ours. CGO_CPPFLAGS (unlike
// CPATH) is part of Go's build cache key, so changed headers rebuild; -I
// directories are searched before the system's, so ours win.
func buildEnv(tc toolchain, gobin, includeDir string) []string {
	inc := "-I" + includeDir
	if strings.ContainsAny(includeDir, " \t\"'") {
		// cmd/go splits CGO_*FLAGS with quoting rules.
		inc = "'-I" + strings.ReplaceAll(includeDir, "'", `'"'"'`) + "'"
	}
	return append([]string{"GOBIN=" + gobin}, append(outsideModuleEnv(),
		"CGO_ENABLED=1",
		"CGO_CFLAGS="+tc.cflags,
		"CGO_CXXFLAGS="+tc.cflags,
		"CGO_CPPFLAGS="+inc,
		"CC="+tc.cc,
		"CXX="+tc.cxx,
	)...)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// usableDir makes dir if it is absent and checks that a file can be
// created in it.
func usableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".chimera-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
