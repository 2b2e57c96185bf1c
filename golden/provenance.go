package golden

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// ErrConfigMismatch is returned by Compare when the two runs' identifying
// config differs: their numbers measure different things.
var ErrConfigMismatch = errors.New("identifying config differs")

// IdentifyingKeys returns the file config keys that say what was measured
// and on what: the platform, the hardware, the server and how it was built,
// the protocol it was spoken to with (and, over OpenAI, the server and its version), the model and the per-request
// settings that change the workload. It is the one list: the gate, the
// provenance check and the docs (whose lists a test holds to it) all read
// it. Model keys also match with a number, for multi-model runs (model2,
// model2-digest, model2-synthetic).
//
// ollama-source and ollama-cflags matter because the embedded build runs on
// the CPU even where gpu names a GPU, and its compiler flags change its
// speed tenfold. harness-commit is deliberately not identifying: base and
// head of a pull request differ in it by construction, and that difference
// is what the gate measures. pkg is not either: results of different
// packages never share a name.
func IdentifyingKeys() []string {
	return []string{
		"goos", "goarch", "cpu", "gpu", "os",
		"ollama-version", "ollama-source", "ollama-backend", "ollama-cflags", "protocol", "server", "server-version",
		"instances", "num-parallel", "num-predict", "num-thread", "setups", "corpus",
		"energy", "usd-per-kwh", "gco2e-per-kwh", "usd-per-gpu-hour",
		"model", "model-digest", "model-synthetic",
	}
}

// IsIdentifying reports whether a file config key is identifying: results
// that differ in it are not comparable.
func IsIdentifying(key string) bool {
	return slices.Contains(IdentifyingKeys(), unnumbered(key))
}

// unnumbered drops a model key's number: model2-digest is model-digest.
func unnumbered(key string) string {
	rest, ok := strings.CutPrefix(key, "model")
	if !ok {
		return key
	}
	suffix := strings.TrimLeft(rest, "0123456789")
	if suffix == rest {
		return key
	}
	return "model" + suffix
}

// A ConfigDiff is one identifying key whose value differs between base and
// head. An empty value means the key is absent on that side.
type ConfigDiff struct {
	Key        string
	Base, Head string
}

func (d ConfigDiff) String() string {
	q := func(s string) string {
		if s == "" {
			return "(absent)"
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%s: base %s, head %s", d.Key, q(d.Base), q(d.Head))
}

// idConfig returns the identifying, not ignored file config of r.
func idConfig(r *benchfmt.Result, ignore []string) map[string]string {
	m := map[string]string{}
	for _, c := range r.Config {
		if c.File && IsIdentifying(c.Key) && !slices.Contains(ignore, c.Key) {
			m[c.Key] = string(c.Value)
		}
	}
	return m
}

// configByName returns, per benchmark name, the one identifying config its
// results share; results of one name measured under two configs are an
// input error (benchstat would split them into separate tables, the gate
// cannot pool them).
func configByName(s *Set, opt Options) (map[string]map[string]string, error) {
	by := map[string]map[string]string{}
	for _, r := range s.Results {
		name := opt.name(r)
		c := idConfig(r, opt.IgnoreConfig)
		have, ok := by[name]
		if !ok {
			by[name] = c
			continue
		}
		if diffs := diffConfig(have, c); len(diffs) > 0 {
			file, line := r.Pos()
			return nil, fmt.Errorf("%s:%d: %w: Benchmark%s has results under two configurations (%s: %q vs %q); split the file or ignore the key",
				file, line, ErrInput, name, diffs[0].Key, diffs[0].Base, diffs[0].Head)
		}
	}
	return by, nil
}

// diffConfig lists the keys whose values differ between a and b, sorted.
func diffConfig(a, b map[string]string) []ConfigDiff {
	var diffs []ConfigDiff
	for k, v := range a {
		if b[k] != v {
			diffs = append(diffs, ConfigDiff{k, v, b[k]})
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, ConfigDiff{k, "", v})
		}
	}
	slices.SortFunc(diffs, func(x, y ConfigDiff) int { return strings.Compare(x.Key, y.Key) })
	return diffs
}

// provenance compares the identifying config of the benchmarks present in
// both sets and returns the differing keys (each once, sorted).
func provenance(base, head *Set, opt Options) ([]ConfigDiff, error) {
	bc, err := configByName(base, opt)
	if err != nil {
		return nil, err
	}
	hc, err := configByName(head, opt)
	if err != nil {
		return nil, err
	}
	seen := map[ConfigDiff]bool{}
	var all []ConfigDiff
	for _, r := range base.Results {
		name := opt.name(r)
		h, ok := hc[name]
		if !ok {
			continue
		}
		for _, d := range diffConfig(bc[name], h) {
			if !seen[d] {
				seen[d] = true
				all = append(all, d)
			}
		}
	}
	slices.SortStableFunc(all, func(x, y ConfigDiff) int { return strings.Compare(x.Key, y.Key) })
	return all, nil
}
