// Command chimeragate fails a build when a benchmark run regresses.
//
// Usage:
//
//	go tool chimeragate [flags] base.txt head.txt
//
// It compares head with base through golang.org/x/perf/benchmath as
// benchstat does (medians, 95 % confidence intervals, Mann-Whitney U test
// at alpha 0.05). On stdout it prints what it compared, a table of the
// metrics that fail the gate or keep it from deciding (benchmark, unit,
// base and head median ± CI, change, p, n, verdict; a side with too few
// samples for a CI shows its median with "no CI" and a line under the
// table says why, where benchstat prints "± ∞"), and how many metrics got
// each verdict; -v prints every metric in benchstat's layout instead.
// On stderr it prints one line: the verdict, or what was wrong with the
// input. It exits
//
//	0  pass: no metric regressed significantly beyond its tolerance
//	1  some metric did
//	2  usage or input error: bad flags; an unreadable or corrupt file
//	   (file:line); a NaN or infinite value (file:line, unit); a negative
//	   value in a unit that cannot be negative (file:line, unit); a unit
//	   whose direction is neither declared nor registered, or differs
//	   between base and head; a metric of base missing from head; no
//	   benchmark in common; input beyond the limits no real run reaches;
//	   or an identifying config difference
//	3  nothing regressed, but some metric could not be decided: fewer
//	   samples per side than the U test needs (4 at alpha 0.05; run with
//	   -count 10)
//
// When several apply, 1 wins over 2 and 2 over 3.
//
// Whether higher or lower is better comes from each input's "Unit <unit>
// better=higher|lower" lines, else from the registry in internal/units,
// never from the unit's spelling; base and head must agree. The registry
// also says which units can be negative (units.Unit.Signed): none of
// today's durations, rates and counts can. A unit that is
// neither declared nor registered is an input error: a file cut mid-line
// shows up as such a unit. Descriptive units (prompt-tok, gpu-util-%) are
// shown but never judged. A metric (benchmark and unit) only in head is
// reported, not judged; one only in base fails, unless -ignore-unit names
// its unit.
//
// Runs whose identifying config lines differ (goos, goarch, cpu, gpu, os,
// ollama-version, ollama-source, ollama-backend, ollama-cflags, protocol, server,
// server-version, instances, num-parallel, num-predict, num-thread, setups, corpus, energy,
// usd-per-kwh, gco2e-per-kwh, usd-per-gpu-hour, model, model-digest,
// model-synthetic; model keys also numbered: model2, model2-digest; the
// list is golden.IdentifyingKeys) measure different things: chimeragate
// refuses to compare them and names the keys, unless given -ignore-config
// or -allow-config-mismatch. -ignore-config refuses a key that is not
// identifying: it would ignore nothing.
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
//	-ignore-unit u,u       units not to compare (head may lack them)
//	-v                     print every metric, not only the failing ones
//
// chimeragate is a tool of the module (go.mod's tool directive), so go
// tool runs it and, unlike go run, passes its exit status through. To
// hold a run of ours against the study's baseline (other machine, so the
// mismatch must be allowed; study-only name keys and GOMAXPROCS dropped;
// decode-ns is the study's and not reported by our runs):
//
//	go tool chimeragate -allow-config-mismatch -ignore-name dir,study-agent,gomaxprocs \
//		-ignore-unit decode-ns tr111/testdata/baseline.bench new.txt
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

// exitCode maps run's error to the documented exit status. Report.Err
// may wrap several sentinels; a regression wins, then an input error
// (a missing metric), then too few samples.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, golden.ErrRegression):
		return 1
	case errors.Is(err, golden.ErrInput):
		return 2
	case errors.Is(err, golden.ErrTooFewSamples):
		return 3
	}
	return 2
}

const usage = `usage: go tool chimeragate [flags] base.txt head.txt

Compares two benchfmt files (go test -bench output) and exits non-zero when
a metric of head is significantly worse than base beyond its tolerance.
Exit status: 0 pass, 1 regression, 2 usage/input error (also: a metric of
base missing from head, a NaN/Inf value, a negative duration, rate or
count, a unit with no known direction or with differing ones),
3 too few samples.

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
				if !golden.IsIdentifying(k) {
					return fmt.Errorf("%q is not an identifying key (those are %s, model keys also numbered)", k, strings.Join(golden.IdentifyingKeys(), ", "))
				}
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
	fs.Func("ignore-unit", "`units` (comma-separated, as written: decode-ns) not to compare; head may lack them", func(s string) error {
		for u := range strings.SplitSeq(s, ",") {
			if u = strings.TrimSpace(u); u != "" {
				opt.IgnoreUnits = append(opt.IgnoreUnits, u)
			}
		}
		return nil
	})
	fs.BoolVar(&opt.AllowConfigMismatch, "allow-config-mismatch", false, "compare runs whose identifying config differs, listing the differences")
	verbose := fs.Bool("v", false, "print every metric in benchstat's layout, not only those that fail the gate")
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
	write := rep.WriteSummary
	if *verbose {
		write = rep.WriteText
	}
	if err := write(stdout); err != nil {
		return fail(stderr, fmt.Errorf("write report: %w", err))
	}
	if err := rep.Err(); err != nil {
		fail(stderr, err)
		if errors.Is(err, golden.ErrMissing) {
			fmt.Fprintln(stderr, "chimeragate: a head that lost a metric, or was cut short, must not pass; if it is meant to lack a unit, pass -ignore-unit UNIT,…")
		}
		return err
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
