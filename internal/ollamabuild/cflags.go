package ollamabuild

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
)

// marchEnv names the target the CPU build compiles for instead of the
// CPU it runs on: any value the C compiler's -march takes.
const marchEnv = "CHIMERA_OLLAMA_MARCH"

// A flagPlan is what the CPU build passes as CGO_CFLAGS and CGO_CXXFLAGS:
// the flags of the first try, and of the one retry where there is one.
// Go's default (-O2, no -march) leaves ggml's AVX/AVX2/F16C/AVX-512
// kernels out: CPU decode is about 10x slower, hence -O3 and a -march.
type flagPlan struct {
	target   string // the -march asked for: "native", or CHIMERA_OLLAMA_MARCH
	override bool   // target is CHIMERA_OLLAMA_MARCH: never replaced, no retry
	flags    string // the first try
	fallback string // the retry at a portable level; "" for none
}

// An isaOff is an instruction set extension whose kernels the pinned
// module's cgo packages do not compile, though code they do compile calls
// them when the compiler enables it: it must be turned off, or the link
// fails.
type isaOff struct {
	cpuFlags []string // /proc/cpuinfo flags of a CPU that has it (any of them)
	off      []string // the compiler flags that turn it off
}

// amd64LeftOut lists, for github.com/ollama/ollama v0.17.4, the x86-64
// extensions the module calls but does not compile. The evidence, in
// ml/backend/ggml/ggml/src/ggml-cpu/ of the module:
//
//   - AMX. ggml-cpu.cpp:46-50 calls ggml_backend_amx_buffer_type() under
//     `#if defined(__AMX_INT8__) && defined(__AVX512VNNI__)` (declared under
//     the same test in amx/amx.h:6), which amx/amx.cpp defines. cgo compiles
//     only the C/C++ files of a directory that is a Go package, and amx/ has
//     no .go file: cpu.go:4 only puts it on the include path (-I${SRCDIR}/amx).
//     -march=native on an AMX CPU (or -march=sapphirerapids anywhere) defines
//     both macros, and the link fails with `undefined reference to
//     ggml_backend_amx_buffer_type()`. Turning off amx-int8 (and amx-tile,
//     which the other AMX extensions need; amx-bf16 for clarity) undefines
//     __AMX_INT8__ and keeps AVX512-VNNI, which the compiled kernels use.
//
// Nothing else is left out. The other extra buffer types of ggml-cpu.cpp
// (KleidiAI :17,:58; SpacemiT :21,:52; HBM :13; repack :64) are switched on
// by GGML_USE_* macros that no cgo directive of the module defines (cpu.go:5
// defines NDEBUG and GGML_USE_LLAMAFILE), whatever -march says; the module
// ships no kleidiai/ or spacemit/ directory. The AVX/AVX2/AVX-512/VNNI/BF16
// kernels are inline in files that are compiled: arch/x86/quants.c and
// repack.cpp (package arch/x86, x86.go), llamafile/sgemm.cpp (llamafile.go),
// ggml-cpu.c, vec.cpp, ops.cpp (cpu.go). TestLeftOutISAsMatchThePinnedModule
// rechecks the directory part of this against the module on every run.
func amd64LeftOut() []isaOff {
	return []isaOff{{
		cpuFlags: []string{"amx_tile", "amx_int8", "amx_bf16", "amx_fp16", "amx_complex"},
		off:      []string{"-mno-amx-tile", "-mno-amx-int8", "-mno-amx-bf16"},
	}}
}

// On arm64 nothing is left out: the SVE, i8mm (__ARM_FEATURE_MATMUL_INT8)
// and dot-product kernels are inline in the files package arch/arm
// (arch/arm/arm.go) compiles, e.g. arch/arm/repack.cpp:360 (SVE) and
// :1712 (SVE with i8mm), and arch/arm/quants.c; SME only changes what
// ggml_cpu_has_sme() returns (ggml-cpu.c:3595). KleidiAI is GGML_USE_*-gated
// as above.

// validMarch is what CHIMERA_OLLAMA_MARCH may hold: one -march value (cmd/go
// splits CGO_CFLAGS on spaces and quotes).
var validMarch = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// planFlags derives the CPU build's flags for goarch from the CPU's
// feature flags (/proc/cpuinfo's flags on x86, Features on arm; nil when
// unknown) and CHIMERA_OLLAMA_MARCH ("" for none): native tuning, with
// what the module cannot compile turned off, and a portable retry. A named
// target gets the same turning off and no retry.
func planFlags(goarch string, cpuFlags []string, march string) (flagPlan, error) {
	p := flagPlan{target: "native"}
	if march != "" {
		if !validMarch.MatchString(march) {
			return flagPlan{}, fmt.Errorf("%s=%q: want one -march value of the C compiler, such as x86-64-v3, sapphirerapids or znver4 (or unset it for native)", marchEnv, march)
		}
		p.target, p.override = march, true
	}
	flags := []string{"-O3", "-march=" + p.target}
	switch goarch {
	case "amd64":
		for _, isa := range amd64LeftOut() {
			// A named target's extensions are not known here: turn off
			// what the module cannot compile whatever it is.
			if p.override || slices.ContainsFunc(isa.cpuFlags, func(f string) bool { return slices.Contains(cpuFlags, f) }) {
				flags = append(flags, isa.off...)
			}
		}
		// x86-64-v3 and -v2 as /proc/cpuinfo names their features (lzcnt is "abm").
		v3 := []string{"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}
		v2 := []string{"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"}
		switch {
		case hasAll(cpuFlags, v3):
			p.fallback = "-O3 -march=x86-64-v3"
		case hasAll(cpuFlags, v2) || len(cpuFlags) == 0:
			p.fallback = "-O3 -march=x86-64-v2"
		default:
			p.fallback = "-O3 -march=x86-64"
		}
	case "arm64":
		p.fallback = "-O3 -march=armv8.2-a"
	default:
		// -march=native is not every compiler's spelling elsewhere.
		p.fallback = "-O3"
	}
	p.flags = strings.Join(flags, " ")
	if p.override {
		p.fallback = ""
	}
	return p, nil
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// cpuFeatureFlags returns the first flags (x86) or Features (arm) line of
// cpuinfo as a list; nil when there is none.
func cpuFeatureFlags(cpuinfo []byte) []string {
	for line := range strings.Lines(string(cpuinfo)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "flags", "Features":
			return strings.Fields(v)
		}
	}
	return nil
}

// checkFlags compiles an empty C and an empty C++ file with tc.cflags,
// writing what the compilers say to out. A flag a compiler rejects (a
// -march it does not know) then fails the try in milliseconds: go install
// would first build every package that does not need cgo, minutes on a
// cold Go build cache, and then fail the same way.
func checkFlags(ctx context.Context, tc toolchain, out io.Writer) error {
	for _, c := range []struct{ compiler, lang string }{{tc.cc, "c"}, {tc.cxx, "c++"}} {
		argv := strings.Fields(c.compiler)
		if len(argv) == 0 {
			continue
		}
		args := append(argv[1:], strings.Fields(tc.cflags)...)
		args = append(args, "-x", c.lang, "-c", "-o", os.DevNull, "-")
		cmd := exec.CommandContext(ctx, argv[0], args...)
		cmd.Stdin = strings.NewReader("")
		cmd.Stdout = out
		cmd.Stderr = out
		fmt.Fprintf(out, "%s %s\n", argv[0], strings.Join(args, " "))
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s rejects the flags: %w", c.compiler, err)
		}
	}
	return nil
}
