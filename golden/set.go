package golden

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// ErrInput marks an input that cannot be used: unreadable, not benchfmt,
// or holding no results. The gate exits 2 on it.
var ErrInput = errors.New("unusable benchmark input")

// A Set is one benchfmt file read whole: its results in order and the unit
// metadata it declares.
type Set struct {
	File    string // name used in messages and table headers
	Results []*benchfmt.Result
	Units   benchfmt.UnitMetadataMap
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
// than it was given, and on input with no benchmark result at all. Lines
// that are neither results, config nor Unit lines (PASS, ok, logs) are
// ignored, as benchfmt specifies. Errors wrap ErrInput.
func Read(r io.Reader, name string) (*Set, error) {
	s := &Set{File: name}
	rd := benchfmt.NewReader(r, name)
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("%w: %w", ErrInput, rec)
		case *benchfmt.Result:
			s.Results = append(s.Results, rec.Clone())
		}
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", name, ErrInput, err)
	}
	if len(s.Results) == 0 {
		return nil, fmt.Errorf("read %s: %w: no benchmark results", name, ErrInput)
	}
	s.Units = rd.Units()
	return s, nil
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
