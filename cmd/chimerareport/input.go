package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// An input is what the user's files hold: their results as one set, and what
// the files say beside the results (the packages they ran, the benchmarks
// they skipped), so that a report with nothing measured can say why.
type input struct {
	Files []string
	// Set holds every result of every file, in order; nil when the files
	// hold none.
	Set   *golden.Set
	Pkgs  []string // import paths named by pkg: lines, in order, each once
	Skips []skip
}

// A skip is a benchmark the run skipped, with go test's reason.
type skip struct {
	Name, Reason string
}

// readRun reads the benchfmt files at paths. A corrupt file, a NaN or
// infinite value, a negative value in a unit that cannot be negative, or a
// unit neither registered (internal/units) nor declared by the file's Unit
// lines is an error wrapping golden.ErrInput that names file:line. A file
// with no result is not an error where it is go test output (a pkg: line
// or a skipped benchmark): the report says nothing was measured.
func readRun(paths []string) (*input, error) {
	r := &input{Files: paths}
	var sets []*golden.Set
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w: %w", p, golden.ErrInput, err)
		}
		pkgs, skips := len(r.Pkgs), len(r.Skips)
		r.scan(raw)
		s, err := golden.Read(bytes.NewReader(raw), p)
		if errors.Is(err, golden.ErrNoResults) {
			// go test output that measured nothing names its package, or
			// the benchmarks it skipped; a file with neither is not go
			// test -bench output at all.
			if len(r.Pkgs) == pkgs && len(r.Skips) == skips && !bytes.Contains(raw, []byte("pkg: ")) {
				return nil, fmt.Errorf("%w: %s holds no benchmark result, no pkg: line and no skipped benchmark: not the output of go test -bench", golden.ErrInput, p)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := knownUnits(s); err != nil {
			return nil, err
		}
		sets = append(sets, s)
	}
	if len(sets) > 0 {
		r.Set = merge(sets)
	}
	return r, nil
}

// scan records the pkg: lines and the "--- SKIP: Benchmark…" lines of a
// file (go test prints a skipped benchmark's reason on the next, indented
// line), which benchfmt does not return.
func (r *input) scan(raw []byte) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	var pending *skip
	for sc.Scan() {
		line := sc.Text()
		if pending != nil {
			if reason, ok := strings.CutPrefix(line, "    "); ok && pending.Reason == "" {
				pending.Reason = strings.TrimSpace(reason)
				// go test prefixes the reason with file:line: of the call.
				if _, after, ok := strings.Cut(pending.Reason, ".go:"); ok {
					if _, msg, ok := strings.Cut(after, ": "); ok {
						pending.Reason = msg
					}
				}
			}
			r.Skips = append(r.Skips, *pending)
			pending = nil
		}
		if pkg, ok := strings.CutPrefix(line, "pkg: "); ok {
			if pkg = strings.TrimSpace(pkg); !slices.Contains(r.Pkgs, pkg) {
				r.Pkgs = append(r.Pkgs, pkg)
			}
		}
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "--- SKIP: Benchmark"); ok {
			name, _, _ = strings.Cut(name, " ")
			pending = &skip{Name: name}
		}
	}
	if pending != nil {
		r.Skips = append(r.Skips, *pending)
	}
}

// knownUnits returns an error naming file:line of the first value whose
// unit is neither registered nor declared by one of the file's Unit
// lines: the report could not say which way is better, and a unit no one
// declared is how a line cut short shows.
func knownUnits(s *golden.Set) error {
	for _, res := range s.Results {
		for _, v := range res.Values {
			orig := v.Unit
			if v.OrigUnit != "" {
				orig = v.OrigUnit
			}
			if _, ok := units.Lookup(orig); ok {
				continue
			}
			if s.Units.Get(v.Unit, "better") != nil || s.Units.Get(v.Unit, "assume") != nil {
				continue
			}
			file, line := res.Pos()
			return fmt.Errorf("%w: %s:%d: unit %q is neither registered in internal/units nor declared by a Unit line of the file (a line cut short shows up as such a unit)",
				golden.ErrInput, file, line, orig)
		}
	}
	return nil
}

// merge joins sets into one, results in order, unit metadata of all.
func merge(sets []*golden.Set) *golden.Set {
	if len(sets) == 1 {
		return sets[0]
	}
	var names []string
	out := &golden.Set{Units: benchfmt.UnitMetadataMap{}}
	for _, s := range sets {
		names = append(names, s.File)
		out.Results = append(out.Results, s.Results...)
		maps.Copy(out.Units, s.Units)
	}
	out.File = strings.Join(names, ", ")
	return out
}

// fileConfig returns the distinct values of file config key over the
// results of s matching where (golden.Set.Rows' terms), in order of first
// appearance, trimmed.
func fileConfig(s *golden.Set, key string, where ...string) []string {
	if s == nil {
		return nil
	}
	var vals []string
	for _, res := range s.Results {
		if len(where) > 0 && !matchesAll(res, where) {
			continue
		}
		for _, c := range res.Config {
			if c.File && c.Key == key {
				if v := strings.TrimSpace(string(c.Value)); v != "" && !slices.Contains(vals, v) {
					vals = append(vals, v)
				}
			}
		}
	}
	return vals
}

// matchesAll reports whether res's name satisfies every term of where, as
// golden.Set.Rows reads them ("TR114" the base, "k=v" a key).
func matchesAll(res *benchfmt.Result, where []string) bool {
	keys := golden.Keys(res.Name)
	for _, w := range where {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			if string(res.Name.Base()) != w {
				return false
			}
			continue
		}
		if keys[k] != v {
			return false
		}
	}
	return true
}
