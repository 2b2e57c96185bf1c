// Command chimeragate fails a build when a benchmark run regresses.
//
// Usage:
//
//	chimeragate [flags] base.txt head.txt
//
// It compares head with base through golang.org/x/perf/benchmath as
// benchstat does (medians, 95 % confidence intervals, Mann-Whitney U test
// at alpha 0.05), prints a benchstat-style table with a verdict per metric
// on stdout, and exits
//
//	0  no metric regressed significantly beyond its tolerance
//	1  some metric did (each is named on stderr)
//	2  usage or input error: bad flags, unreadable or corrupt input (file:line),
//	   no benchmark in common, or an identifying config difference
//	3  too few samples to decide: the U test cannot reach alpha with so few
//	   runs (at alpha 0.05 it needs ≥ 4 per side; run with -count 10)
//
// Whether higher or lower is better comes from the inputs' "Unit <unit>
// better=higher|lower" lines, else lower for durations (*-ns, ns/op) and
// higher for rates (*/s) and efficiencies (*eff-%); a unit with no known
// direction is reported but never fails the gate.
//
// Runs whose identifying config lines differ (goos, goarch, cpu, gpu, os,
// ollama-version, ollama-source, instances, num-parallel, num-predict,
// num-thread, model, model-digest, model-synthetic; see
// golden.IdentifyingKeys) measure
// different things: chimeragate refuses to compare them and names the
// keys, unless given -ignore-config or -allow-config-mismatch.
//
// Flags:
//
//	-tolerance 5%          how much worse a significant change may be
//	-tol unit=10%          per-unit tolerance, repeatable (tok/s=10%, ttft-ns=20%)
//	-alpha 0.05            significance level
//	-confidence 0.95       level of the confidence intervals shown
//	-ignore-config k,k     identifying keys not to compare
//	-allow-config-mismatch compare anyway, listing the differences
//	-ignore-name k,k       name keys to drop before matching benchmarks
//
// To hold a run of ours against the study's baseline (other machine, so
// the mismatch must be allowed; study-only name keys and GOMAXPROCS
// dropped):
//
//	go run ./cmd/chimeragate -allow-config-mismatch -ignore-name dir,study-agent,gomaxprocs \
//		tr111/testdata/baseline.bench new.txt
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
)

func main() {
	os.Exit(exitCode(run(os.Stdout, os.Stderr, os.Args[1:])))
}

// errUsage marks a command-line error.
var errUsage = errors.New("usage")

// exitCode maps run's error to the documented exit status.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, golden.ErrRegression):
		return 1
	case errors.Is(err, golden.ErrTooFewSamples):
		return 3
	}
	return 2
}

const usage = `usage: chimeragate [flags] base.txt head.txt

Compares two benchfmt files (go test -bench output) and exits non-zero when
a metric of head is significantly worse than base beyond its tolerance.
Exit status: 0 pass, 1 regression, 2 usage/input error, 3 too few samples.

`

// run is the command: it writes the report to stdout and the diagnosis to
// stderr, and returns the error that decides the exit status.
func run(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("chimeragate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	opt := golden.Options{Tolerance: 0.05, UnitTolerance: map[string]float64{}}
	fs.Func("tolerance", "how much worse than base a significant change may be, in `percent` (default 5%)", func(s string) error {
		v, err := percent(s)
		opt.Tolerance = v
		return err
	})
	fs.Func("tol", "per-unit tolerance `unit=percent`, e.g. tok/s=10%; repeatable", func(s string) error {
		unit, p, ok := strings.Cut(s, "=")
		if !ok || unit == "" {
			return fmt.Errorf("want unit=percent, got %q", s)
		}
		v, err := percent(p)
		opt.UnitTolerance[unit] = v
		return err
	})
	fs.Float64Var(&opt.Alpha, "alpha", 0.05, "significance level `α` of the Mann-Whitney U test")
	fs.Float64Var(&opt.Confidence, "confidence", 0.95, "confidence `level` of the intervals shown")
	fs.Func("ignore-config", "identifying config `keys` (comma-separated) not to compare", func(s string) error {
		for k := range strings.SplitSeq(s, ",") {
			if k = strings.TrimSpace(k); k != "" {
				opt.IgnoreConfig = append(opt.IgnoreConfig, k)
			}
		}
		return nil
	})
	fs.Func("ignore-name", "sub-benchmark name `keys` (comma-separated) to drop before matching, e.g. dir,study-agent,gomaxprocs", func(s string) error {
		for k := range strings.SplitSeq(s, ",") {
			if k = strings.TrimPrefix(strings.TrimSpace(k), "/"); k != "" {
				opt.IgnoreNameKeys = append(opt.IgnoreNameKeys, k)
			}
		}
		return nil
	})
	fs.BoolVar(&opt.AllowConfigMismatch, "allow-config-mismatch", false, "compare runs whose identifying config differs, listing the differences")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return fail(stderr, fmt.Errorf("%w: want 2 files (base, head), got %d", errUsage, fs.NArg()))
	}
	if !(opt.Alpha > 0 && opt.Alpha < 1) || !(opt.Confidence > 0 && opt.Confidence < 1) {
		return fail(stderr, fmt.Errorf("%w: -alpha and -confidence must be in (0, 1)", errUsage))
	}

	base, err := golden.ReadFile(fs.Arg(0))
	if err != nil {
		return fail(stderr, err)
	}
	head, err := golden.ReadFile(fs.Arg(1))
	if err != nil {
		return fail(stderr, err)
	}
	rep, err := golden.Compare(base, head, opt)
	if errors.Is(err, golden.ErrConfigMismatch) {
		fmt.Fprintf(stderr, "chimeragate: %v\n", err)
		fmt.Fprintln(stderr, "chimeragate: these runs measured different setups; compare like with like, or pass -ignore-config KEY,… (or -allow-config-mismatch) to compare anyway")
		return err
	}
	if err != nil {
		return fail(stderr, err)
	}
	if err := rep.WriteText(stdout); err != nil {
		return fail(stderr, fmt.Errorf("write report: %w", err))
	}
	if err := rep.Err(); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "chimeragate: pass: no metric of %s is significantly worse than %s beyond its tolerance\n", head.File, base.File)
	return nil
}

// fail reports err on stderr and returns it.
func fail(stderr io.Writer, err error) error {
	fmt.Fprintf(stderr, "chimeragate: FAIL: %v\n", err)
	return err
}

// percent parses "5%", "5" or "2.5%" as a fraction (0.05, 0.05, 0.025).
func percent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v != v {
		return 0, fmt.Errorf("want a percentage like 5%%, got %q", s)
	}
	return v / 100, nil
}
