package golden

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/internal/units"
)

// ErrInput marks an input that cannot be used: unreadable, not benchfmt,
// or holding no results. The gate exits 2 on it.
var ErrInput = errors.New("unusable benchmark input")

// ErrNoResults marks an input that is valid benchfmt but holds no
// benchmark result (every benchmark skipped, or none matched); it comes
// wrapped with ErrInput. A report renders such a run as nothing measured.
var ErrNoResults = errors.New("no benchmark results")

// A Set is one benchfmt file read whole: its results in order and the unit
// metadata it declares.
type Set struct {
	File    string // name used in messages and table headers
	Results []*benchfmt.Result
	Units   benchfmt.UnitMetadataMap
}

// Limits on one input file, so that no input exhausts the gate's memory.
// A real run stays far below them: the study's TR111 baseline is 254
// results in 30 KB with at most 228 values per metric, and a pull
// request's -count 10 run of every benchmark is a few thousand results in
// well under 1 MiB. A line is at most 64 KiB (benchfmt's bufio.Scanner).
const (
	maxInputBytes = 64 << 20 // read of one file
	// maxHeldBytes bounds the estimated size of the results kept: each
	// result keeps its own copy of the file config, so a few thousand
	// config lines followed by many short results would hold gigabytes
	// though the file itself is small.
	maxHeldBytes = 64 << 20
	maxPerMetric = 10_000 // values of one benchmark in one unit
)

// limits are Read's bounds; tests lower them.
type limits struct {
	bytes, held int64
	perMetric   int
}

// ReadFile reads a benchfmt file; see Read.
func ReadFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", path, ErrInput, err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads benchfmt from r; name labels it in errors and tables. Unlike
// benchstat, which warns and goes on, Read fails on the first syntax
// error (naming file:line), because a gate must not silently compare less
// than it was given; on a value that is NaN or infinite (naming file:line
// and unit), because no statistic means anything with one, and benchmath's
// Mann-Whitney test given a NaN grows without bound; on input with no
// benchmark result at all; and on input beyond limits no real run reaches
// (64 MiB, 10,000 values of one benchmark in one unit, 64 KiB per line).
// Lines that are neither results, config nor Unit lines (PASS, ok, logs)
// are ignored, as benchfmt specifies. Errors wrap ErrInput.
func Read(r io.Reader, name string) (*Set, error) {
	return read(r, name, limits{bytes: maxInputBytes, held: maxHeldBytes, perMetric: maxPerMetric})
}

func read(r io.Reader, name string, lim limits) (*Set, error) {
	s := &Set{File: name}
	in := &countingReader{r: io.LimitReader(r, lim.bytes+1)}
	rd := benchfmt.NewReader(in, name)
	perMetric := map[sampleKey]int{}
	var held int64
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("%w: %w", ErrInput, rec)
		case *benchfmt.Result:
			for _, v := range rec.Values {
				if err := valid(rec, v); err != nil {
					return nil, err
				}
				k := sampleKey{string(rec.Name), v.Unit}
				if perMetric[k]++; perMetric[k] > lim.perMetric {
					return nil, fmt.Errorf("%w: %s: Benchmark%s has more than %d values in %s",
						ErrInput, pos(rec), rec.Name, lim.perMetric, cmp.Or(v.OrigUnit, v.Unit))
				}
			}
			if held += heldBytes(rec); held > lim.held {
				return nil, fmt.Errorf("%w: %s: the results so far hold more than %d MiB", ErrInput, pos(rec), lim.held>>20)
			}
			s.Results = append(s.Results, rec.Clone())
		}
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", name, ErrInput, err)
	}
	if in.n > lim.bytes {
		return nil, fmt.Errorf("read %s: %w: larger than %d MiB", name, ErrInput, lim.bytes>>20)
	}
	if len(s.Results) == 0 {
		return nil, fmt.Errorf("read %s: %w: %w", name, ErrInput, ErrNoResults)
	}
	s.Units = rd.Units()
	return s, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// heldBytes estimates the memory a clone of r keeps.
func heldBytes(r *benchfmt.Result) int64 {
	n := int64(64 + len(r.Name) + 32*len(r.Values))
	for _, c := range r.Config {
		n += int64(48 + len(c.Value))
	}
	return n
}

// valid returns an error naming the position and unit of v if v is NaN
// or infinite, or negative in a registered unit that cannot be negative
// (units.Unit.Signed): a negative duration, rate or count is a broken
// measurement, and judging it would turn its direction upside down. A
// unit the registry does not know is the file's to declare, and may be
// negative.
func valid(r *benchfmt.Result, v benchfmt.Value) error {
	orig, value := v.Unit, v.Value
	if v.OrigUnit != "" {
		orig, value = v.OrigUnit, v.OrigValue
	}
	if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		return fmt.Errorf("%w: %s: %s value %v is not a finite number (a metric that was not measured is omitted, never reported as NaN or Inf)",
			ErrInput, pos(r), orig, v.Value)
	}
	if v.Value < 0 {
		if u, ok := units.Lookup(orig); ok && !u.Signed() {
			return fmt.Errorf("%w: %s: %s value %s is negative, and %s (%s) cannot be: a broken measurement, not a number to judge",
				ErrInput, pos(r), orig, strconv.FormatFloat(value, 'f', -1, 64), u.Name, u.Meaning)
		}
	}
	return nil
}

// pos is "file:line" of a result read from a file, else its name.
func pos(r *benchfmt.Result) string {
	file, line := r.Pos()
	if file == "" {
		return "Benchmark" + string(r.Name)
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// Keys returns the key=value segments of a benchmark name, plus
// "gomaxprocs" when the name ends in -N. Positional segments (no '=') are
// not keys and are left out.
func Keys(name benchfmt.Name) map[string]string {
	_, parts := name.Parts()
	keys := make(map[string]string, len(parts))
	for _, p := range parts {
		switch {
		case bytes.HasPrefix(p, []byte("/")):
			if k, v, ok := strings.Cut(string(p[1:]), "="); ok {
				keys[k] = v
			}
		case bytes.HasPrefix(p, []byte("-")):
			keys["gomaxprocs"] = string(p[1:])
		}
	}
	return keys
}

// A Row is one result seen through its name keys, with its values by unit
// as written in the file (ttft-ns in nanoseconds, not benchfmt's tidied
// seconds).
type Row struct {
	Name   string
	Keys   map[string]string
	Values map[string]float64
}

// Rows returns the results whose name has every key=value in where (for
// example "agent=baseline", "start=warm"), in file order. A where term
// without '=' matches the name's base ("TR111").
func (s *Set) Rows(where ...string) []Row {
	var rows []Row
	for _, r := range s.Results {
		keys := Keys(r.Name)
		if !matches(r.Name, keys, where) {
			continue
		}
		vals := make(map[string]float64, len(r.Values))
		for _, v := range r.Values {
			if v.OrigUnit != "" {
				vals[v.OrigUnit] = v.OrigValue
			} else {
				vals[v.Unit] = v.Value
			}
		}
		rows = append(rows, Row{Name: r.Name.String(), Keys: keys, Values: vals})
	}
	return rows
}

func matches(name benchfmt.Name, keys map[string]string, where []string) bool {
	for _, w := range where {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			if string(name.Base()) != w {
				return false
			}
			continue
		}
		if have, ok := keys[k]; !ok || have != v {
			return false
		}
	}
	return true
}

// Values returns the values in unit (as written, e.g. "tok/s", "ttft-ns")
// of the rows matching where, in file order; rows without that unit are
// skipped.
func (s *Set) Values(unit string, where ...string) []float64 {
	var xs []float64
	for _, r := range s.Rows(where...) {
		if v, ok := r.Values[unit]; ok {
			xs = append(xs, v)
		}
	}
	return xs
}

// KeyValues returns the distinct values of name key in the rows matching
// where, in order of first appearance.
func (s *Set) KeyValues(key string, where ...string) []string {
	var vals []string
	seen := map[string]bool{}
	for _, r := range s.Rows(where...) {
		v, ok := r.Keys[key]
		if ok && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	return vals
}
