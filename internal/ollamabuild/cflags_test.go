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
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// CPU flag sets as /proc/cpuinfo shows them (trimmed to what matters).
const (
	// Intel Xeon Platinum 8481C (Sapphire Rapids).
	flagsAMX = "fpu sse2 ssse3 cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c lahf_lm abm fma bmi1 avx2 bmi2 avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8"
	// AMD EPYC 9004 (Zen 4): AVX-512 with VNNI and BF16, no AMX.
	flagsAVX512 = "fpu sse2 ssse3 cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c lahf_lm abm fma bmi1 avx2 bmi2 avx512f avx512bw avx512vl avx512_vnni avx512_bf16"
	// AMD EPYC 7002 (Zen 2): AVX2, no AVX-512.
	flagsAVX2 = "fpu sse2 ssse3 cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c lahf_lm abm fma bmi1 avx2 bmi2"
	// AVX2 in a VM that hides BMI2 and FMA: not x86-64-v3.
	flagsAVX2NotV3 = "fpu sse2 ssse3 cx16 sse4_1 sse4_2 popcnt xsave avx lahf_lm avx2"
	// Core 2: SSE4.1 at most, not x86-64-v2.
	flagsCore2 = "fpu sse2 ssse3 cx16 sse4_1"
	// AWS Graviton3 (Neoverse V1): SVE and i8mm.
	flagsSVE = "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs paca pacg dcpodp svei8mm svebf16 i8mm bf16 dgh rng"
	// AWS Graviton2 (Neoverse N1): dot product, no SVE, no i8mm.
	flagsNoSVE = "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs"
)

const noAMX = " -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"

func TestPlanFlags(t *testing.T) {
	tests := []struct {
		name   string
		goarch string
		flags  string // cpuinfo's flags or Features
		march  string // CHIMERA_OLLAMA_MARCH
		want   flagPlan
	}{
		{"AMX: native without the AMX the module leaves out", "amd64", flagsAMX, "",
			flagPlan{target: "native", flags: "-O3 -march=native" + noAMX, fallback: "-O3 -march=x86-64-v3"}},
		{"AVX-512 without AMX: plain native", "amd64", flagsAVX512, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v3"}},
		{"AVX2 only: plain native", "amd64", flagsAVX2, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v3"}},
		{"AVX2 without the rest of x86-64-v3: falls back to v2", "amd64", flagsAVX2NotV3, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v2"}},
		{"below x86-64-v2: falls back to the baseline", "amd64", flagsCore2, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64"}},
		{"unknown x86 CPU (no /proc/cpuinfo)", "amd64", "", "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=x86-64-v2"}},
		{"arm64 with SVE and i8mm: plain native", "arm64", flagsSVE, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=armv8.2-a"}},
		{"arm64 without SVE or i8mm: plain native", "arm64", flagsNoSVE, "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3 -march=armv8.2-a"}},
		{"another architecture: no -march in the fallback", "riscv64", "", "",
			flagPlan{target: "native", flags: "-O3 -march=native", fallback: "-O3"}},
		{"named AMX target on a CPU without AMX: AMX off, no fallback", "amd64", flagsAVX512, "sapphirerapids",
			flagPlan{target: "sapphirerapids", override: true, flags: "-O3 -march=sapphirerapids" + noAMX}},
		{"named portable target: AMX off all the same, no fallback", "amd64", flagsAMX, "x86-64-v3",
			flagPlan{target: "x86-64-v3", override: true, flags: "-O3 -march=x86-64-v3" + noAMX}},
		{"named arm64 target: no fallback", "arm64", flagsSVE, "armv8.6-a+sve",
			flagPlan{target: "armv8.6-a+sve", override: true, flags: "-O3 -march=armv8.6-a+sve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planFlags(tt.goarch, strings.Fields(tt.flags), tt.march)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(flagPlan{})); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanFlagsRejectsWhatIsNotOneMarch(t *testing.T) {
	for _, march := range []string{"-march=znver4", "znver4 -mno-avx512f", "x86-64'v3", "native\n"} {
		t.Run(march, func(t *testing.T) {
			_, err := planFlags("amd64", strings.Fields(flagsAVX2), march)
			if err == nil || !strings.Contains(err.Error(), marchEnv) || errors.Is(err, ErrMissingPrereq) {
				t.Errorf("error = %v, want one naming %s that is not a missing prerequisite", err, marchEnv)
			}
		})
	}
}

func TestCPUFeatureFlags(t *testing.T) {
	tests := []struct {
		name, cpuinfo string
		want          []string
	}{
		{"x86", "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2  amx_int8\n\nprocessor\t: 1\nflags\t\t: fpu\n", []string{"fpu", "avx2", "amx_int8"}},
		{"arm64", "processor\t: 0\nFeatures\t: fp asimd sve i8mm\nCPU implementer\t: 0x41\n", []string{"fp", "asimd", "sve", "i8mm"}},
		{"none", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cpuFeatureFlags([]byte(tt.cpuinfo))); diff != "" {
				t.Errorf("flags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// linkLine stands for the link command cmd/go prints when the link fails:
// one line naming every object file, tens of kilobytes long.
var linkLine = "g++ -m64 -o $WORK/b001/exe/a.out -rdynamic " + strings.Repeat("/tmp/go-link-1/000123.o ", 900)

// amxLinkFailure writes what go install prints when -march=native on an
// AMX CPU links ggml-cpu.cpp against an AMX buffer type nobody compiled.
func amxLinkFailure(out io.Writer) error {
	fmt.Fprintln(out, "# github.com/ollama/ollama")
	fmt.Fprintln(out, "link: running g++ failed: exit status 1")
	fmt.Fprintln(out, linkLine)
	fmt.Fprintln(out, "/usr/bin/ld: /tmp/go-link-1/000071.o: in function `ggml_backend_cpu_get_extra_buffer_types()':")
	fmt.Fprintln(out, "ggml-cpu.cpp:(.text+0x7dd): undefined reference to `ggml_backend_amx_buffer_type()'")
	fmt.Fprintln(out, "collect2: error: ld returned 1 exit status")
	return errors.New("exit status 1")
}

// badMarch writes what a compiler says of a -march it does not know, once
// per cgo package, as go install does.
func badMarch(tc toolchain, out io.Writer) error {
	march := strings.TrimPrefix(strings.Fields(tc.cflags)[1], "-march=")
	for _, pkg := range []string{"ml/backend/ggml/ggml/src", "llama", "ml/backend/ggml/ggml/src/ggml-cpu", "llama/llama.cpp/src"} {
		fmt.Fprintf(out, "# github.com/ollama/ollama/%s\n", pkg)
		fmt.Fprintf(out, "cc1: error: bad value '%s' for '-march=' switch\n", march)
		fmt.Fprintln(out, "cc1: note: valid arguments to '-march=' switch are: nocona core2 nehalem corei7 westmere sandybridge corei7-avx ivybridge core-avx-i haswell core-avx2 broadwell skylake skylake-avx512 cannonlake icelake-client rocketlake icelake-server cascadelake tigerlake cooperlake sapphirerapids alderlake")
	}
	return errors.New("exit status 1")
}

// checkShortBuildError checks that err and the progress output say why
// the build failed in a few lines, with the ways out and no command line.
func checkShortBuildError(t *testing.T, err error, progress string, want ...string) {
	t.Helper()
	var berr *BuildError
	if !errors.As(err, &berr) {
		t.Fatalf("error %v (%T) is not a *BuildError", err, err)
	}
	if errors.Is(err, ErrMissingPrereq) {
		t.Errorf("a failed build is a missing prerequisite (it would skip, not fail): %v", err)
	}
	msg := err.Error()
	if n := strings.Count(msg, "\n") + 1; n > 15 {
		t.Errorf("the message has %d lines, want at most 15:\n%s", n, msg)
	}
	for line := range strings.Lines(msg) {
		if len(line) > 300 {
			t.Errorf("the message has a %d-byte line (a command line?): %.120s…", len(line), line)
		}
	}
	for _, w := range append([]string{marchEnv, "CHIMERA_OLLAMA_BIN", "ollama on PATH"}, want...) {
		if !strings.Contains(msg, w) {
			t.Errorf("the message lacks %q:\n%s", w, msg)
		}
	}
	for line := range strings.Lines(msg) {
		if !strings.Contains(progress, strings.TrimRight(line, "\n")) {
			t.Errorf("the progress output lacks the message's line %q:\n%s", line, progress)
		}
	}
}

func TestFailedNativeBuildFallsBackOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	var tried []string
	b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		tried = append(tried, tc.cflags)
		if strings.Contains(tc.cflags, "-march=native") {
			return amxLinkFailure(out)
		}
		return installScript(ctx, tc, gobin, out)
	})
	b.plan = flagPlan{target: "native", flags: "-O3 -march=native" + noAMX, fallback: "-O3 -march=x86-64-v3"}
	bin, cflags, err := b.binary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{b.plan.flags, b.plan.fallback}, tried); diff != "" {
		t.Errorf("flags tried mismatch (-want +got):\n%s", diff)
	}
	if cflags != b.plan.fallback || !isExecutable(bin) {
		t.Errorf("binary() = %s, %q; want an executable built with %q", bin, cflags, b.plan.fallback)
	}
	for _, want := range []string{
		"trying once more with the portable \"-O3 -march=x86-64-v3\"",
		"undefined reference to `ggml_backend_amx_buffer_type()'",
		marchEnv,
		"built v0.17.4 in",
	} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, progress.String())
		}
	}
	if strings.Contains(progress.String(), "000123.o") {
		t.Errorf("progress quotes the link command line:\n%.2000s", progress.String())
	}

	// The cache remembers the flags: a later run reports the fallback's
	// and builds nothing, without trying native again.
	_, again, err := b.binary(t.Context())
	if err != nil || again != b.plan.fallback || len(tried) != 2 {
		t.Errorf("second call: flags %q, %v after %d builds; want %q after 2", again, err, len(tried), b.plan.fallback)
	}
}

func TestNamedTargetIsNeverReplaced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	var tried []string
	b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		tried = append(tried, tc.cflags)
		return badMarch(tc, out)
	})
	b.plan, _ = planFlags("amd64", strings.Fields(flagsAVX2), "nonsense")
	_, _, err := b.binary(t.Context())
	if diff := cmp.Diff([]string{"-O3 -march=nonsense" + noAMX}, tried); diff != "" {
		t.Errorf("flags tried mismatch (-want +got):\n%s", diff)
	}
	checkShortBuildError(t, err, progress.String(),
		"no fallback",
		"-O3 -march=nonsense",
		"cc1: error: bad value 'nonsense' for '-march=' switch",
		filepath.Join(dir, "build.log"))
	if strings.Contains(progress.String(), "trying once more") {
		t.Errorf("a named target was replaced:\n%s", progress.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "ollama")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after a failed build, stat ollama = %v; want it absent", err)
	}
}

// When both tries fail, the message quotes both, briefly; and a failure is
// not remembered: the next run builds again.
func TestFailedFallbackSaysBothAndIsRetried(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	var progress bytes.Buffer
	builds := 0
	b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		builds++
		for i := range 40 {
			fmt.Fprintf(out, "ggml.c:%d: warning: unused variable 'x%d'\n", i, i)
		}
		for i := range 20 {
			fmt.Fprintf(out, "ggml.c:%d: error: unknown type name 'v%d'\n", 100+i, i)
		}
		return amxLinkFailure(out)
	})
	_, _, err := b.binary(t.Context())
	checkShortBuildError(t, err, progress.String(),
		b.plan.flags, b.plan.fallback, "(the fallback)",
		"ggml.c:100: error: unknown type name 'v0'",
		filepath.Join(dir, "build.log"), filepath.Join(dir, fallbackLog))
	if builds != 2 {
		t.Errorf("%d builds, want 2 (one try, one fallback)", builds)
	}

	b.run = installScript
	if bin, cflags, err := b.binary(t.Context()); err != nil || cflags != b.plan.flags || !isExecutable(bin) {
		t.Errorf("after a failed build, the next run got %s, %q, %v; want a build with %q", bin, cflags, err, b.plan.flags)
	}
	if _, err := os.Stat(filepath.Join(dir, fallbackLog)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a stale %s outlives the build that succeeded: %v", fallbackLog, err)
	}
}

func TestCancelledBuildDoesNotFallBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	ctx, cancel := context.WithCancel(t.Context())
	builds := 0
	b := fakeBuilder(t, dir, io.Discard, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		builds++
		cancel()
		return ctx.Err()
	})
	_, _, err := b.binary(ctx)
	if !errors.Is(err, context.Canceled) || builds != 1 {
		t.Errorf("binary() = %v after %d builds, want context.Canceled after 1", err, builds)
	}
}

func TestFirstErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		log      string
		want     []string
		wantTail bool
	}{
		{"compiler errors once each, without the command line",
			"cd /tmp/x\nGOBIN=/c CGO_CFLAGS=-O3 go install\n" + linkLine + "\ncc1: error: bad value 'x' for '-march=' switch\ncc1: note: valid arguments\ncc1: error: bad value 'x' for '-march=' switch\n",
			[]string{"cc1: error: bad value 'x' for '-march=' switch"}, false},
		{"the undefined reference",
			"link: running g++ failed: exit status 1\n" + linkLine + "\nggml-cpu.cpp:(.text+0x7dd): undefined reference to `ggml_backend_amx_buffer_type()'\ncollect2: error: ld returned 1 exit status\n",
			[]string{"ggml-cpu.cpp:(.text+0x7dd): undefined reference to `ggml_backend_amx_buffer_type()'", "collect2: error: ld returned 1 exit status"}, false},
		{"warnings and quoted source are not errors",
			"repack.cpp:1244:19: warning: writing 64 bytes into a region of size 0 [-Wstringop-overflow=]\n 1244 |     GGML_LOG_ERROR(\"error: %s\", x);\n      |     ^~~~ error:\nggml.c:9:1: fatal error: miniaudio/miniaudio.h: No such file or directory\n",
			[]string{"ggml.c:9:1: fatal error: miniaudio/miniaudio.h: No such file or directory"}, false},
		{"no error line: the last short lines",
			"one\ntwo\nthree\nfour\n" + linkLine + "\n",
			[]string{"two", "three", "four"}, true},
		{"a long message is shortened",
			"x.c:1: error: " + strings.Repeat("y", 400) + "\n",
			[]string{"x.c:1: error: " + strings.Repeat("y", quotedLen-len("x.c:1: error: ")) + "…"}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("%d.log", i))
			writeFile(t, path, tt.log, 0o644)
			got, tail := firstErrors(path)
			if diff := cmp.Diff(tt.want, got); diff != "" || tail != tt.wantTail {
				t.Errorf("firstErrors: tail %t, want %t; lines (-want +got):\n%s", tail, tt.wantTail, diff)
			}
		})
	}
}

// The derivation's evidence, rechecked against the pinned module: the
// only ggml-cpu directory with C/C++ sources that cgo does not compile (no
// Go file) is amx/, whose buffer type ggml-cpu.cpp calls where the
// compiler defines __AMX_INT8__ and __AVX512VNNI__. Bumping Ollama in
// go.mod to a release that leaves out other kernels fails here.
func TestLeftOutISAsMatchThePinnedModule(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", modulePath+"@"+v).Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" {
		t.Skipf("%s@%s is not in the module cache (go list: %v)", modulePath, v, err)
	}
	cpuDir := filepath.Join(mod, "ml", "backend", "ggml", "ggml", "src", "ggml-cpu")
	var notCompiled []string
	err = filepath.WalkDir(cpuDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		hasC, hasGo := false, false
		for _, e := range entries {
			switch filepath.Ext(e.Name()) {
			case ".c", ".cpp", ".cc":
				hasC = true
			case ".go":
				hasGo = true
			}
		}
		if hasC && !hasGo {
			rel, _ := filepath.Rel(cpuDir, path)
			notCompiled = append(notCompiled, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"amx"}, notCompiled); diff != "" {
		t.Errorf("ggml-cpu directories cgo does not compile (-want +got): update amd64LeftOut and its evidence\n%s", diff)
	}
	src, err := os.ReadFile(filepath.Join(cpuDir, "ggml-cpu.cpp"))
	if err != nil {
		t.Fatal(err)
	}
	const gate = "#if defined(__AMX_INT8__) && defined(__AVX512VNNI__)\n        if (ggml_backend_amx_buffer_type()) {"
	if !bytes.Contains(src, []byte(gate)) {
		t.Errorf("ggml-cpu.cpp no longer calls the AMX buffer type under %q: recheck amd64LeftOut", strings.SplitN(gate, "\n", 2)[0])
	}
	plan, err := planFlags("amd64", strings.Fields(flagsAMX), "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Fields(plan.flags), "-mno-amx-int8") {
		t.Errorf("on an AMX CPU the flags %q leave __AMX_INT8__ defined", plan.flags)
	}
}

// The real compilers check the flags before go install runs: a -march they
// do not know fails at once, in their own words.
func TestCheckFlagsWithTheRealCompilers(t *testing.T) {
	tc, err := checkPrereqs(hostSystem())
	if err != nil {
		t.Skipf("no toolchain here: %v", err)
	}
	tc.cflags = "-O3"
	var out bytes.Buffer
	if err := checkFlags(t.Context(), tc, &out); err != nil {
		t.Fatalf("checkFlags(%q) = %v:\n%s", tc.cflags, err, out.String())
	}
	tc.cflags = "-O3 -march=nonsense"
	out.Reset()
	err = checkFlags(t.Context(), tc, &out)
	if err == nil {
		t.Fatalf("checkFlags(%q) passed:\n%s", tc.cflags, out.String())
	}
	path := filepath.Join(t.TempDir(), "build.log")
	writeFile(t, path, out.String(), 0o644)
	lines, tail := firstErrors(path)
	if tail || len(lines) == 0 || !strings.Contains(lines[0], "nonsense") {
		t.Errorf("the compiler's error is not quoted: %q (tail %t), from:\n%s", lines, tail, out.String())
	}
}

// A build for a named target (CI cross-builds for sapphirerapids on CPUs
// that cannot run it) is built and reported, never run: the fake binary
// leaves a mark if anything executes it.
func TestBuildNeverRunsTheBinary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	mark := filepath.Join(t.TempDir(), "ran")
	b := fakeBuilder(t, dir, io.Discard, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		if err := os.MkdirAll(gobin, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(gobin, "ollama"), []byte("#!/bin/sh\ntouch '"+mark+"'\n"), 0o755)
	})
	b.plan, _ = planFlags("amd64", strings.Fields(flagsAVX2), "sapphirerapids")
	b.goos = "linux"
	b.getenv = func(k string) string { return map[string]string{"CHIMERA_OLLAMA_BACKEND": "cpu"}[k] }
	for range 2 { // the build, then the cache hit
		srv, err := b.server(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if want := "-O3 -march=sapphirerapids" + noAMX; srv.CFlags != want || srv.Bin != filepath.Join(dir, "ollama") {
			t.Errorf("server = %+v, want %s built with %q", srv, filepath.Join(dir, "ollama"), want)
		}
	}
	if _, err := os.Stat(mark); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the built binary was run (stat %s: %v)", mark, err)
	}
}
