// Command chimerareport renders the study's reports from your own run: the
// study's numbers beside yours, with your run's provenance at the top.
//
// Usage:
//
//	go tool chimerareport [-o dir] [-summary] file.txt...
//
// It reads one or more benchfmt files (go test -bench output), finds the
// reports whose benchmarks they hold (or whose package they name) and
// renders each with the same Render that makes the report's golden
// fragment (trNNN/testdata/report.md.golden), given the study's data and
// your run. Each page also lists every unit of your run beside the
// study's benchmarks of the same name.
//
//	-o dir     write dir/index.md (the run's provenance and a line per
//	           report), dir/<report>.md per report with its charts as SVG
//	           files in dir/<report>/ (markdown that renders as it is on a
//	           code host and in a pull request), and dir/report.html: one
//	           self-contained file, charts inline, no script and no network
//	-summary   write one markdown page to stdout, for a CI job summary
//	           ($GITHUB_STEP_SUMMARY); charts are named, not shown
//
// The README's main job and its report:
//
//	go test -run '^$' -bench 'TR114//T013' -benchtime 1x -count 6 ./tr114 > new.txt
//	go tool chimerareport -o out new.txt
//
// The provenance (server and version, model and digest, CPU and GPU,
// ollama-cflags, protocol, setups, samples) comes from the run's config
// lines. Setups are named in words ("one instance, one slot", "two
// instances, one slot each", "one instance, two slots") from the
// benchmarks' instances= and parallel= keys. Where the study's setup
// differs from the run's (model, quantisation, GPU, what Ollama ran on,
// CPU, Ollama version, protocol), the page says so above the comparison.
//
// What the run cannot support is said where the number would stand, and
// the command does not fail on it: a benchmark with fewer samples than an
// interval needs (with the command that gets six of each and its
// estimated time, from the run's own ns/op), a report whose package ran
// but measured nothing (with go test's reasons where it skipped), a unit
// one side lacks, a run a report's Render refuses (capacity's without its
// slo line: the page and stderr say why, and the tables keep the run's
// numbers).
//
// It exits
//
//	0  the report was written
//	1  it could not be written (a directory or file could not be created)
//	2  usage or input error: bad flags, no file, an unreadable or corrupt
//	   file (file:line), a NaN or infinite value (file:line, unit), a
//	   negative value in a unit that cannot be negative, a unit neither
//	   registered in internal/units nor declared by a Unit line of its
//	   file (file:line), a file with no result, no pkg: line and no
//	   skipped benchmark (not go test -bench output)
//
// chimerareport is a tool of the module (go.mod's tool directive), so go
// tool runs it and passes its exit status through. The study's baselines
// and PUBLISHED.md are embedded in it: it needs no source tree.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(exitCode(run(os.Stdout, os.Stderr, os.Args[1:], catalogue)))
}

// errUsage marks a command-line error; errOutput a report that could not
// be written.
var (
	errUsage  = errors.New("usage")
	errOutput = errors.New("write report")
)

func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errOutput):
		return 1
	}
	return 2
}

const usage = `usage: go tool chimerareport [-o dir] [-summary] file.txt...

Renders the study's reports from benchfmt files (go test -bench output):
the study's numbers beside the run's, the run's provenance at the top.
-o writes dir/index.md, dir/<report>.md with SVG charts, dir/report.html;
-summary writes one markdown page to stdout (a CI job summary).
Exit status: 0 written, 1 could not write, 2 usage/input error (a corrupt
file, NaN/Inf, a negative duration or rate, an unknown unit: file:line).

`

// run is the command: it renders the reports of defs() that the files
// hold, writes them where the flags say, and returns the error that
// decides the exit status.
func run(stdout, stderr io.Writer, args []string, defs func() ([]reportDef, error)) error {
	fs := flag.NewFlagSet("chimerareport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	dir := fs.String("o", "", "write index.md, one markdown file per report with SVG charts, and report.html into `dir`")
	summary := fs.Bool("summary", false, "write one markdown page to stdout, for a CI job summary")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fail(stderr, fmt.Errorf("%w: want one or more benchfmt files", errUsage))
	}
	if *dir == "" && !*summary {
		fs.Usage()
		return fail(stderr, fmt.Errorf("%w: say where the report goes: -o dir, -summary, or both", errUsage))
	}
	r, err := readRun(fs.Args())
	if err != nil {
		return fail(stderr, err)
	}
	ds, err := defs()
	if err != nil {
		return fail(stderr, err)
	}
	ps, err := pages(r, ds)
	if err != nil {
		return fail(stderr, err)
	}
	for _, p := range ps {
		if p.RenderErr != nil {
			fmt.Fprintf(stderr, "chimerareport: %v (the page says so and shows the run's numbers)\n", p.RenderErr)
		}
	}
	if *dir != "" {
		if err := writeDir(*dir, r, ps); err != nil {
			return fail(stderr, fmt.Errorf("%w: %w", errOutput, err))
		}
		fmt.Fprintf(stderr, "chimerareport: wrote %s/index.md, %d %s and %s/report.html\n", *dir, len(ps), plural(len(ps), "report"), *dir)
	}
	if *summary {
		if err := writeSummary(stdout, r, ps); err != nil {
			return fail(stderr, fmt.Errorf("%w: %w", errOutput, err))
		}
	}
	return nil
}

// fail reports err on stderr and returns it.
func fail(stderr io.Writer, err error) error {
	fmt.Fprintf(stderr, "chimerareport: %v\n", err)
	return err
}
