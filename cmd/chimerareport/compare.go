package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

var nan = math.NaN()

// wantCount is the -count the notes ask for: six samples per setup give
// a t-interval and the README's main job takes that many.
const wantCount = 6

// setupWarning says, as a markdown blockquote, where the study's setup
// differs from the run's (model, quantisation, GPU and what Ollama ran on,
// CPU, Ollama version, protocol), or "" where it does not differ or the
// study records none of it. study are the report's study sets.
func setupWarning(study []*golden.Set, run *golden.Set) string {
	if len(study) == 0 {
		return "" // a report beyond the study has no setup to differ from
	}
	sget := func(key string) string {
		var vals []string
		for _, s := range study {
			for _, v := range fileConfig(s, key) {
				if !slices.Contains(vals, v) {
					vals = append(vals, v)
				}
			}
		}
		return strings.Join(vals, ", ")
	}
	rget := func(key string) string { return strings.Join(fileConfig(run, key), ", ") }
	var diffs []string
	sm, rm := sget("model"), rget("model")
	synthetic := rget("model-synthetic") == "true"
	switch {
	case sm != "" && rm != "" && sm != rm:
		d := fmt.Sprintf("model: the study ran %s, this run %s", sm, rm)
		if synthetic {
			d += " (a synthetic model: random weights, far smaller)"
		}
		diffs = append(diffs, d)
	case sm == "" && synthetic:
		diffs = append(diffs, fmt.Sprintf("model: this run's %s is a synthetic model (random weights); the study ran real models", rm))
	}
	if sq, rq := quantisation(sm), quantisation(rm); sq != rq && (sq != "" || rq != "") {
		diffs = append(diffs, fmt.Sprintf("quantisation: the study %s, this run %s", orUnknown(sq), orUnknown(rq)))
	}
	sg, rg := sget("gpu"), rget("gpu")
	if sg != "" && rg != "" && sg != rg {
		diffs = append(diffs, fmt.Sprintf("GPU: the study %s, this run %s", sg, rg))
	}
	if b := rget("ollama-backend"); b == "cpu" && sg != "" && sg != "none" {
		diffs = append(diffs, "backend: this run's Ollama computed on the CPU (ollama-backend: cpu); the study's on its GPU")
	}
	if sc, rc := sget("cpu"), rget("cpu"); sc != "" && rc != "" && sc != rc {
		diffs = append(diffs, fmt.Sprintf("CPU: the study %s, this run %s", sc, rc))
	}
	if sv, rv := sget("ollama-version"), rget("ollama-version"); sv != "" && rv != "" && sv != rv {
		diffs = append(diffs, fmt.Sprintf("Ollama: the study %s, this run %s", sv, rv))
	}
	if p := rget("protocol"); p != "" && p != "ollama" {
		diffs = append(diffs, fmt.Sprintf("protocol: this run spoke %s (server %s); the study spoke Ollama's native API", p, rget("server")))
	}
	if len(diffs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("> **Not the study's setup.** Where the study's numbers stand beside this run's, they were measured on a different setup:\n>\n")
	for _, d := range diffs {
		b.WriteString("> - " + d + "\n")
	}
	b.WriteString(">\n> Ratios within each run (speedup-x, eff-%, balance-%) can be set side by side; absolute rates and times " +
		"(tok/s, …-ns) measure different machines and models, and their difference says nothing about either.\n")
	return b.String()
}

func orUnknown(q string) string {
	if q == "" {
		return "not named by the model tag"
	}
	return q
}

// shortNote says, for the leaves of a report with fewer samples than an
// interval needs, the command that gets enough and about how long it
// takes (from the run's own ns/op); "" when every leaf has enough.
func shortNote(ls []*leaf, pkgs []string) string {
	var short []*leaf
	for _, l := range ls {
		if l.n < report.MinIntervalN {
			short = append(short, l)
		}
	}
	if len(short) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> **Too few samples.** %d of %d %s %s fewer than %d samples, too few for a confidence interval "+
		"(the numbers say n where they stand). This gets %d of each:\n>\n", len(short), len(ls), plural(len(ls), "benchmark"),
		map[bool]string{true: "has", false: "have"}[len(short) == 1], report.MinIntervalN, wantCount)
	fmt.Fprintf(&b, ">     %s\n>\n", countCommand(short, pkgs))
	total, timed := 0.0, true
	for _, l := range short {
		if math.IsNaN(l.nsPerSample) {
			timed = false
			break
		}
		total += l.nsPerSample * wantCount
	}
	if timed {
		fmt.Fprintf(&b, "> It takes about %s (%d × this run's ns/op of each), plus starting the servers and any warm-up.\n",
			roundDuration(time.Duration(total)), wantCount)
	} else {
		b.WriteString("> Its time is unknown: this run reports no ns/op to estimate it from.\n")
	}
	return b.String()
}

// countCommand is the go test command that runs the leaves again with
// -count 6: one anchored pattern element per name level, the values the
// leaves have there as alternatives, and the package from the run's pkg:
// lines (./trNNN inside this module).
func countCommand(ls []*leaf, pkgs []string) string {
	var levels [][]string
	for _, l := range ls {
		parts := strings.Split(l.Name, "/")
		parts[0] = "Benchmark" + parts[0]
		for i, p := range parts {
			if i == len(levels) {
				levels = append(levels, nil)
			}
			if !slices.Contains(levels[i], p) {
				levels[i] = append(levels[i], p)
			}
		}
	}
	var elems []string
	for _, vals := range levels {
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = regexp.QuoteMeta(v)
		}
		if len(q) == 1 {
			elems = append(elems, "^"+q[0]+"$")
		} else {
			elems = append(elems, "^("+strings.Join(q, "|")+")$")
		}
	}
	benchtime := ""
	if it := ls[0].iters; it > 0 {
		same := true
		for _, l := range ls {
			same = same && l.iters == it
		}
		if same {
			benchtime = fmt.Sprintf(" -benchtime %dx", it)
		}
	}
	pkg := "./..."
	if p := pkgOf(ls[0].Base, pkgs); p != "" {
		pkg = p
	}
	return fmt.Sprintf("go test -run '^$' -bench '%s'%s -count %d %s > more.txt", strings.Join(elems, "/"), benchtime, wantCount, pkg)
}

// module is this module's path: a package of it is run as ./dir.
const module = "github.com/chimeraforge/chimeraforge/"

// pkgOf returns the package that ran benchmark base: the pkg: line whose
// last element is base, in any case, or else begins it up to a word of
// base's own (TR114 → …/tr114; TR111Process → …/tr111; CapacityOpen →
// …/capacity; never TR108 → …/tr1), as ./tr114 for this module's
// packages.
func pkgOf(base string, pkgs []string) string {
	best, bestLen := "", 0
	for _, p := range pkgs {
		last := p[strings.LastIndexByte(p, '/')+1:]
		if len(last) <= bestLen || len(last) > len(base) || !strings.EqualFold(base[:len(last)], last) {
			continue
		}
		if rest := base[len(last):]; rest == "" || unicode.IsUpper(rune(rest[0])) {
			best, bestLen = p, len(last)
		}
	}
	if rel, ok := strings.CutPrefix(best, module); ok {
		return "./" + rel
	}
	return best
}

// roundDuration rounds d for a reader: whole seconds, or minutes past 10.
func roundDuration(d time.Duration) string {
	if d >= 10*time.Minute {
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	if d < time.Second {
		return "under a second"
	}
	return d.Round(time.Second).String()
}

// unitTables is the generic part of a report's page: for every leaf of
// the run, a table of every unit it or the study's matching benchmarks
// report, the run's mean beside the study's. A study benchmark matches a
// leaf when its base is the leaf's and every name key both have agrees
// (gomaxprocs aside). A unit one side lacks says so, never 0.
func unitTables(run *golden.Set, ls []*leaf, study []*golden.Set, numParallel string) string {
	var b strings.Builder
	for _, l := range ls {
		title := strings.TrimPrefix(l.Name, l.Base+"/")
		if label := setupLabel(l.Keys, numParallel); label != "" {
			title += " (" + label + ")"
		}
		fmt.Fprintf(&b, "\n#### %s\n\n", title)
		ours := values(run, l)
		var theirs map[string][]float64
		matched := 0
		for _, s := range study {
			m, n := studyValues(s, l)
			matched += n
			for u, xs := range m {
				if theirs == nil {
					theirs = map[string][]float64{}
				}
				theirs[u] = append(theirs[u], xs...)
			}
		}
		var us []string
		for u := range ours {
			us = append(us, u)
		}
		for u := range theirs {
			if _, ok := ours[u]; !ok {
				us = append(us, u)
			}
		}
		slices.SortFunc(us, func(a, b string) int { return unitOrder(a) - unitOrder(b) })
		us = slices.Compact(us)
		t := report.Table{
			Header: []string{"unit", "this run: mean [95 % CI]", "n", "the study: mean [95 % CI]", "n", "meaning"},
			Align:  "lrrrrl",
		}
		for _, u := range us {
			name := u
			if isDuration(u) {
				name += ", in ms"
			}
			row := []string{name, "", "", "", "", meaning(u)}
			if xs, ok := ours[u]; ok {
				row[1], row[2] = summary(xs, u, "see the command above"), fmt.Sprint(len(xs))
			} else {
				row[1], row[2] = "not reported by this run", "0"
			}
			switch xs, ok := theirs[u]; {
			case ok:
				row[3], row[4] = summary(xs, u, "the study ran no more"), fmt.Sprint(len(xs))
			case matched == 0:
				row[3], row[4] = "not measured: the study has no benchmark of this name", "0"
			default:
				row[3], row[4] = "not in the study's data", "0"
			}
			t.Rows = append(t.Rows, row)
		}
		b.WriteString(t.Markdown())
	}
	return b.String()
}

// unitOrder sorts units as the registry lists them, unregistered last.
func unitOrder(u string) int {
	for i, r := range units.All() {
		if r.Name == u {
			return i
		}
	}
	return len(units.All())
}

func meaning(u string) string {
	if r, ok := units.Lookup(u); ok {
		return r.Meaning
	}
	return "declared by the file; not registered"
}

// values returns the values of the leaf's results by unit as written.
func values(s *golden.Set, l *leaf) map[string][]float64 {
	out := map[string][]float64{}
	for _, r := range s.Rows(l.Base) {
		if leafName(r.Name) != l.Name {
			continue
		}
		for u, v := range r.Values {
			out[u] = append(out[u], v)
		}
	}
	return out
}

// studyValues returns the values of s's benchmarks that match l, by unit,
// and how many benchmark results matched.
func studyValues(s *golden.Set, l *leaf) (map[string][]float64, int) {
	out := map[string][]float64{}
	n := 0
	for _, r := range s.Rows(l.Base) {
		shared := 0
		ok := true
		for k, v := range r.Keys {
			if k == "gomaxprocs" {
				continue
			}
			if lv, has := l.Keys[k]; has {
				shared++
				ok = ok && lv == v
			}
		}
		if !ok || (shared == 0 && len(l.Keys) > 0) {
			continue
		}
		n++
		for u, v := range r.Values {
			out[u] = append(out[u], v)
		}
	}
	return out, n
}

// summary formats xs in unit u: durations in ms, the mean with its 95 %
// t-interval from MinIntervalN samples on; from fewer, n and what to do
// about it (hint).
func summary(xs []float64, u, hint string) string {
	scale := 1.0
	if isDuration(u) {
		scale = 1e-6
	}
	ys := make([]float64, len(xs))
	for i, x := range xs {
		ys[i] = x * scale
	}
	m := stats.Mean(ys)
	d := decimals(m)
	if len(ys) < report.MinIntervalN {
		return fmt.Sprintf("%s (n = %d: too few samples for an interval; %s)", report.F(m, d), len(ys), hint)
	}
	if _, ok := units.Lookup(u); ok {
		return report.MeanCI(ys, d, u)
	}
	iv := stats.TInterval(ys, 0.95)
	return fmt.Sprintf("%s [%s, %s]", report.F(m, d), report.F(iv.Lo, d), report.F(iv.Hi, d))
}

// isDuration reports whether u is in nanoseconds; tables show it in ms.
func isDuration(u string) bool { return strings.HasSuffix(u, "-ns") || u == "ns/op" }

// decimals gives about four significant digits.
func decimals(v float64) int {
	switch a := math.Abs(v); {
	case a >= 1000:
		return 0
	case a >= 100:
		return 1
	case a >= 10:
		return 2
	}
	return 3
}
