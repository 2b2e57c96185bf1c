package main

import (
	"fmt"
	"slices"

	"golang.org/x/perf/benchfmt"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
)

// provenance is the markdown table at the top of every page: what ran,
// on what, how often, read from the config lines of s (the run's results,
// or a report's share of them), which came from files. A key the run does
// not carry says so.
func provenance(files []string, s *golden.Set) string {
	get := func(key string) string { return strings.Join(fileConfig(s, key), ", ") }
	or := func(v, none string) string {
		if v == "" {
			return none
		}
		return v
	}
	var t report.Table
	t.Header = []string{"", "this run"}
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }

	n := 0
	if s != nil {
		n = len(s.Results)
	}
	add("files", fmt.Sprintf("%s (%d %s)", strings.Join(files, ", "), n, plural(n, "result")))
	server := get("server")
	if server == "" {
		server = "Ollama"
	}
	if v := or(get("server-version"), get("ollama-version")); v != "" {
		server += " " + v
	}
	if src := get("ollama-source"); src != "" {
		server += fmt.Sprintf(" (ollama-source: %s)", src)
	}
	add("server", server)
	add("protocol", or(get("protocol"), "ollama (the native API; no protocol line)"))
	add("model", model(s))
	add("model digest", or(get("model-digest"), "not recorded"))
	add("CPU", or(get("cpu"), "not recorded")+platform(get("goos"), get("goarch")))
	gpu := or(get("gpu"), "not recorded")
	if b := get("ollama-backend"); b != "" {
		gpu += fmt.Sprintf("; Ollama ran on: %s (ollama-backend)", b)
	}
	add("GPU", gpu)
	add("ollama-cflags", or(get("ollama-cflags"), "not recorded (not the embedded build, or an older harness)"))
	if v := get("setups"); v != "" {
		add("setups", setupsLine(v))
	} else if v := get("instances"); v != "" {
		add("setups", setupLabel(map[string]string{"instances": v}, get("num-parallel")))
	}
	add("samples", samples(s))
	for _, k := range []string{"num-predict", "num-thread", "corpus", "harness-commit"} {
		if v := get(k); v != "" {
			add(k, v)
		}
	}
	return t.Markdown()
}

// filesOf lists the files the results of s were read from, in order.
func filesOf(s *golden.Set) []string {
	var files []string
	for _, res := range s.Results {
		if f, _ := res.Pos(); f != "" && !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	return files
}

// platform is " (linux/amd64)", or "" without goos.
func platform(goos, goarch string) string {
	if goos == "" {
		return ""
	}
	return fmt.Sprintf(" (%s/%s)", goos, goarch)
}

// model describes the run's model: its tag, and whether it is synthetic
// and how large.
func model(s *golden.Set) string {
	tags := fileConfig(s, "model")
	if len(tags) == 0 {
		return "not recorded"
	}
	m := strings.Join(tags, ", ")
	if strings.Join(fileConfig(s, "model-synthetic"), "") == "true" {
		m += ": a synthetic model (seeded random weights, real inference, gibberish output)"
		if p := fileConfig(s, "model-params"); len(p) == 1 {
			if n, err := strconv.ParseFloat(p[0], 64); err == nil {
				m += fmt.Sprintf(", %s M parameters", report.Upto(n/1e6, 1))
			}
		}
	}
	return m
}

// samples says how many samples (result lines) each benchmark leaf of s
// has: "6 per leaf (3 leaves)", or the range when they differ.
func samples(s *golden.Set) string {
	if s == nil {
		return "none: nothing was measured"
	}
	ls := leaves(s)
	lo, hi := -1, 0
	for _, l := range ls {
		if lo < 0 || l.n < lo {
			lo = l.n
		}
		hi = max(hi, l.n)
	}
	per := strconv.Itoa(lo)
	if lo != hi {
		per = fmt.Sprintf("%d to %d", lo, hi)
	}
	return fmt.Sprintf("%s per benchmark (%d %s)", per, len(ls), plural(len(ls), "benchmark"))
}

// A leaf is one benchmark of a run (a sub-benchmark name without its -N
// suffix) and how many results it has.
type leaf struct {
	Name string // "TR114/scenario=chimera_homo/test=T013/instances=1/parallel=1"
	Base string // "TR114"
	Keys map[string]string
	n    int
	// nsPerSample is the mean wall time of one result line (ns/op × iters),
	// NaN if the run reports no ns/op.
	nsPerSample float64
	iters       int
}

// leaves lists the benchmarks of s (those matching where), in order of
// first appearance.
func leaves(s *golden.Set, where ...string) []*leaf {
	var out []*leaf
	by := map[string]*leaf{}
	sum := map[string]float64{}
	timed := map[string]int{}
	for _, res := range s.Results {
		if len(where) > 0 && !matchesAll(res, where) {
			continue
		}
		name := leafName(res.Name.String())
		l, ok := by[name]
		if !ok {
			keys := golden.Keys(res.Name)
			delete(keys, "gomaxprocs")
			l = &leaf{Name: name, Base: string(res.Name.Base()), Keys: keys, iters: res.Iters}
			by[name] = l
			out = append(out, l)
		}
		l.n++
		for _, v := range res.Values {
			if v.Unit == "sec/op" {
				sum[name] += v.Value * 1e9 * float64(res.Iters)
				timed[name]++
			}
		}
	}
	for _, l := range out {
		l.nsPerSample = nan
		if timed[l.Name] > 0 {
			l.nsPerSample = sum[l.Name] / float64(timed[l.Name])
		}
	}
	return out
}

// leafName drops a benchmark name's -N (GOMAXPROCS) suffix, as benchfmt
// reads it.
func leafName(name string) string {
	n := benchfmt.Name(name)
	base, parts := n.Parts()
	var b strings.Builder
	b.Write(base)
	for _, p := range parts {
		if len(p) > 0 && p[0] == '-' {
			continue
		}
		b.Write(p)
	}
	return b.String()
}
