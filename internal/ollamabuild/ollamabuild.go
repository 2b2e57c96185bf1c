package ollamabuild

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/modfile"

	// Linked so that the ollama module, and with it the pinned version, is
	// recorded in the build info of every binary that uses this package
	// (except go test binaries, which record no dependencies).
	_ "github.com/ollama/ollama/version"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
)

const modulePath = "github.com/ollama/ollama"

// cgoOptFlags are the C and C++ optimisation flags of the build. Go's
// default (-O2, no -march) leaves ggml's AVX/AVX2/F16C/AVX-512 kernels out:
// CPU decode is about 10x slower.
const cgoOptFlags = "-O3 -march=native"

//go:embed miniaudio/miniaudio.h
var miniaudioStub []byte

// ErrMissingPrereq is wrapped by the error of [CheckPrereqs] and [Binary]
// when something the build needs is absent. Callers skip on it: an absent
// prerequisite is not a failure, a build that fails with them present is.
var ErrMissingPrereq = errors.New("missing prerequisite for building the embedded Ollama")

// A PrereqError lists what the build needs and lacks, each with its fix.
type PrereqError struct {
	Missing []Missing
}

// Missing is one absent prerequisite.
type Missing struct {
	What string // e.g. "nlohmann/json.hpp (searched /usr/local/include, /usr/include)"
	Fix  string // e.g. "apt-get install -y nlohmann-json3-dev libstb-dev"
}

func (e *PrereqError) Error() string {
	// Items sharing a fix (the two headers) are listed together, the fix once.
	var fixes []string
	whats := map[string][]string{}
	for _, m := range e.Missing {
		if _, ok := whats[m.Fix]; !ok {
			fixes = append(fixes, m.Fix)
		}
		whats[m.Fix] = append(whats[m.Fix], m.What)
	}
	var parts []string
	for _, fix := range fixes {
		parts = append(parts, fmt.Sprintf("%s (fix: %s)", strings.Join(whats[fix], " and "), fix))
	}
	return "cannot build the embedded Ollama, missing " + strings.Join(parts, "; ")
}

// Is reports that a PrereqError is an [ErrMissingPrereq].
func (e *PrereqError) Is(target error) bool { return target == ErrMissingPrereq }

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

// CacheRoot returns $CHIMERA_CACHE, or os.UserCacheDir()/chimeraforge.
func CacheRoot() (string, error) {
	if dir := os.Getenv("CHIMERA_CACHE"); dir != "" {
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache dir (set CHIMERA_CACHE): %w", err)
	}
	return filepath.Join(dir, "chimeraforge"), nil
}

// Path returns where [Binary] installs the server for this module version
// and CPU, whether or not it has been built yet.
func Path() (string, error) {
	v, err := Version()
	if err != nil {
		return "", err
	}
	dir, err := buildDir(v)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ollama"), nil
}

func buildDir(version string) (string, error) {
	root, err := CacheRoot()
	if err != nil {
		return "", err
	}
	// Unreadable (not Linux): the key then only separates OS/arch.
	cpuinfo, _ := os.ReadFile("/proc/cpuinfo")
	name := strings.TrimPrefix(version, "v") + "-" + cacheKey(runtime.GOOS, runtime.GOARCH, cpuinfo)
	return filepath.Join(root, "ollama", name), nil
}

// cacheKey identifies what a -march=native build depends on: the platform,
// the CPU model and feature flags, and the build recipe. Lines that vary
// between boots or cores (MHz, bogomips, processor number) are left out.
func cacheKey(goos, goarch string, cpuinfo []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s/%s\n%s\ncflags=%s\n", goos, goarch, cpuIdentity(cpuinfo), cgoOptFlags)
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

// toolchain is what the build runs, as found by checkPrereqs.
type toolchain struct {
	goBin, cc, cxx string
}

// CheckPrereqs reports whether the embedded Ollama can be built here: it
// returns nil, or a [*PrereqError] (wrapping [ErrMissingPrereq]) naming
// everything missing and how to install it. It builds nothing.
func CheckPrereqs() error {
	_, err := checkPrereqs(hostSystem())
	return err
}

// system is the part of the host the prerequisite check looks at, so that
// tests can stand in for it.
type system struct {
	getenv   func(string) string
	lookPath func(string) (string, error)
	exists   func(string) bool
	goEnv    func(goBin, key string) string // "" when unknown
}

func hostSystem() system {
	return system{
		getenv:   os.Getenv,
		lookPath: exec.LookPath,
		exists: func(path string) bool {
			_, err := os.Stat(path)
			return err == nil
		},
		goEnv: func(goBin, key string) string {
			out, err := exec.Command(goBin, "env", key).Output()
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(out))
		},
	}
}

func checkPrereqs(sys system) (toolchain, error) {
	var tc toolchain
	var missing []Missing
	goBin, err := sys.lookPath("go")
	if err != nil {
		missing = append(missing, Missing{What: "the go command on PATH", Fix: "install Go from https://go.dev/dl and add its bin directory to PATH"})
	} else {
		tc.goBin = goBin
	}
	compilers := []struct {
		env       string
		fallbacks []string
		dst       *string
		what, fix string
	}{
		{"CC", []string{"gcc", "cc", "clang"}, &tc.cc, "a C compiler", "apt-get install -y gcc, or set CC"},
		{"CXX", []string{"g++", "c++", "clang++"}, &tc.cxx, "a C++ compiler", "apt-get install -y g++, or set CXX"},
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
	dirs := includeDirs(sys.getenv)
	for _, h := range []string{"nlohmann/json.hpp", "stb/stb_image.h"} {
		found := false
		for _, d := range dirs {
			if sys.exists(filepath.Join(d, h)) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, Missing{
				What: fmt.Sprintf("%s (searched %s)", h, strings.Join(dirs, ", ")),
				Fix:  "apt-get install -y nlohmann-json3-dev libstb-dev",
			})
		}
	}
	if len(missing) > 0 {
		return toolchain{}, &PrereqError{Missing: missing}
	}
	return tc, nil
}

// includeDirs lists where the compiler finds <nlohmann/json.hpp>: the
// directories of CPLUS_INCLUDE_PATH and CPATH, then the system ones.
func includeDirs(getenv func(string) string) []string {
	var dirs []string
	for _, env := range []string{"CPLUS_INCLUDE_PATH", "CPATH"} {
		for _, d := range filepath.SplitList(getenv(env)) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return append(dirs, "/usr/local/include", "/usr/include")
}

// Binary returns the path of the embedded Ollama server, building it first
// if the cache does not hold it for this module version and CPU. Progress
// (what is built where, a tick every 15 s, waits for another process's
// build) goes to progress. It returns an error wrapping [ErrMissingPrereq]
// when the build cannot run here.
func Binary(ctx context.Context, progress io.Writer) (string, error) {
	if progress == nil {
		progress = io.Discard
	}
	v, err := Version()
	if err != nil {
		return "", err
	}
	dir, err := buildDir(v)
	if err != nil {
		return "", err
	}
	b := &builder{
		version:  v,
		dir:      dir,
		progress: progress,
		tick:     15 * time.Second,
		poll:     250 * time.Millisecond,
		prereqs:  func() (toolchain, error) { return checkPrereqs(hostSystem()) },
	}
	b.run = b.goInstall
	return b.binary(ctx)
}

// builder holds one build's settings; tests replace run and prereqs so the
// cache, lock and install logic is exercised without a 6-minute compile.
type builder struct {
	version  string // module version, "v0.17.4"
	dir      string // cache directory for this version and CPU
	progress io.Writer
	tick     time.Duration // progress interval during builds and waits
	poll     time.Duration // lock retry interval
	prereqs  func() (toolchain, error)
	// run installs the ollama binary into gobin, writing its output to out.
	run func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error
}

func (b *builder) binary(ctx context.Context) (string, error) {
	bin := filepath.Join(b.dir, "ollama")
	if isExecutable(bin) {
		return bin, nil
	}
	tc, err := b.prereqs()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return "", fmt.Errorf("create ollama cache dir: %w", err)
	}
	unlock, err := b.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	if isExecutable(bin) {
		fmt.Fprintf(b.progress, "ollamabuild: another process built Ollama %s: %s\n", b.version, bin)
		return bin, nil
	}
	if err := b.buildLocked(ctx, tc, bin); err != nil {
		return "", err
	}
	return bin, nil
}

// lock takes the cache directory's build lock, polling so that ctx can
// cancel the wait. Closing the file (the returned func, or the process
// dying) releases it.
func (b *builder) lock(ctx context.Context) (unlock func(), err error) {
	path := filepath.Join(b.dir, "lock")
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
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if stopTicks == nil {
			fmt.Fprintf(b.progress, "ollamabuild: waiting for another build of Ollama %s to finish (lock %s)…\n", b.version, path)
			stopTicks = b.ticks(start, "still waiting for another build of Ollama "+b.version)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for ollama build lock %s: %w", path, context.Cause(ctx))
		case <-time.After(b.poll):
		}
	}
}

// buildLocked builds into a temporary directory and renames the result into
// place, so that bin is either absent or complete. The caller holds the lock.
func (b *builder) buildLocked(ctx context.Context, tc toolchain, bin string) error {
	// Leftovers of builds that were killed before they could clean up.
	if old, err := filepath.Glob(filepath.Join(b.dir, "build-*")); err == nil {
		for _, d := range old {
			os.RemoveAll(d)
		}
	}
	tmp, err := os.MkdirTemp(b.dir, "build-")
	if err != nil {
		return fmt.Errorf("build ollama %s: %w", b.version, err)
	}
	defer os.RemoveAll(tmp)
	logPath := filepath.Join(b.dir, "build.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("build ollama %s: %w", b.version, err)
	}
	defer logFile.Close()

	start := time.Now()
	fmt.Fprintf(b.progress, "ollamabuild: building Ollama %s from the Go module cache into %s\n", b.version, bin)
	fmt.Fprintf(b.progress, "ollamabuild: the first build takes 2-6 min on 2 cores (seconds when Go's build cache is warm); go's output goes to %s\n", logPath)
	stopTicks := b.ticks(start, "still building Ollama "+b.version)
	err = b.run(ctx, tc, filepath.Join(tmp, "bin"), logFile)
	stopTicks()
	if err != nil {
		return fmt.Errorf("build ollama %s: %w\nlast lines of %s:\n%s", b.version, err, logPath, logtail.Tail(logPath, 30))
	}
	built := filepath.Join(tmp, "bin", "ollama")
	if !isExecutable(built) {
		return fmt.Errorf("build ollama %s: the build succeeded but left no executable %s", b.version, built)
	}
	if err := os.Rename(built, bin); err != nil {
		return fmt.Errorf("install ollama %s: %w", b.version, err)
	}
	fmt.Fprintf(b.progress, "ollamabuild: built Ollama %s in %s: %s\n", b.version, time.Since(start).Round(time.Second), bin)
	return nil
}

// ticks prints "ollamabuild: <what> (<elapsed> elapsed)" every b.tick
// until the returned func is called.
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
				fmt.Fprintf(b.progress, "ollamabuild: %s (%s elapsed)\n", what, time.Since(start).Round(time.Second))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// goInstall is the real build: go install of the pinned module version,
// run outside our module so that nothing of it applies.
func (b *builder) goInstall(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
	inc := filepath.Join(b.dir, "include")
	if err := os.MkdirAll(filepath.Join(inc, "miniaudio"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(inc, "miniaudio", "miniaudio.h"), miniaudioStub, 0o644); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "chimeraforge-ollamabuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	args := goInstallArgs(b.version)
	env := buildEnv(tc, gobin, inc)
	fmt.Fprintf(out, "cd %s\n%s %s %s\n", work, strings.Join(env, " "), tc.goBin, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, tc.goBin, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = out
	cmd.Stderr = out
	// Own process group, so that cancelling also stops the compilers go runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
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
// CPATH) is part of Go's build cache key, so a changed stub rebuilds.
func buildEnv(tc toolchain, gobin, includeDir string) []string {
	inc := "-I" + includeDir
	if strings.ContainsAny(includeDir, " \t\"'") {
		// cmd/go splits CGO_*FLAGS with quoting rules.
		inc = "'-I" + strings.ReplaceAll(includeDir, "'", `'"'"'`) + "'"
	}
	return []string{
		"GOBIN=" + gobin,
		"GOFLAGS=-mod=mod",
		"GOWORK=off",
		"CGO_ENABLED=1",
		"CGO_CFLAGS=" + cgoOptFlags,
		"CGO_CXXFLAGS=" + cgoOptFlags,
		"CGO_CPPFLAGS=" + inc,
		"CC=" + tc.cc,
		"CXX=" + tc.cxx,
	}
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
