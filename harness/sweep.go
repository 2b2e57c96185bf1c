package harness

import (
	"flag"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// A Sweep runs a benchmark's configurations as sub-benchmarks and prints
// where it is ("config 7/39 num_gpu=60/…, 1m02s elapsed, eta 2m10s")
// through internal/progress, where it cannot be read as benchfmt. It
// counts only the sub-benchmarks that -test.bench selects, so a filtered
// run's count and estimate are right and what it skips is silent.
type Sweep struct {
	// Progress receives the lines; nil means progress.Default().
	Progress *progress.Printer

	total    int
	selected func(name string) bool
	n        int
	start    time.Time
	now      func() time.Time
}

// NewSweep plans a sweep of b's sub-benchmarks names.
func NewSweep(b *testing.B, names []string) *Sweep {
	b.Helper()
	s := &Sweep{selected: benchFilter(b.Name())}
	for _, n := range names {
		if s.selected(n) {
			s.total++
		}
	}
	return s
}

// Run runs f as the sub-benchmark name of b, printing the sweep's progress
// line first when -test.bench selects it, and returns b.Run's result.
func (s *Sweep) Run(b *testing.B, name string, f func(b *testing.B)) bool {
	b.Helper()
	if s.selected == nil || s.selected(name) {
		s.step(name)
	}
	return b.Run(name, f)
}

func (s *Sweep) step(name string) {
	if s.now == nil {
		s.now = time.Now
	}
	p := s.Progress
	if p == nil {
		p = progress.Default()
	}
	now := s.now()
	if s.n == 0 {
		s.start = now
	}
	s.n++
	elapsed := now.Sub(s.start)
	switch {
	case s.n == 1:
		p.Printf("config %d/%d %s", s.n, s.total, name)
	case s.n <= s.total:
		eta := elapsed / time.Duration(s.n-1) * time.Duration(s.total-s.n+1)
		p.Printf("config %d/%d %s, %s elapsed, eta %s", s.n, s.total, name, elapsed.Round(time.Second), eta.Round(time.Second))
	default:
		p.Printf("config %d %s, %s elapsed", s.n, name, elapsed.Round(time.Second))
	}
}

// benchFilter returns whether -test.bench selects the sub-benchmark
// parent/name, by the testing package's rules: the pattern splits on '/'
// and top-level '|' outside brackets and parentheses into one regexp per
// level, and a level the pattern does not reach matches anything.
func benchFilter(parent string) func(name string) bool {
	pat := ""
	if f := flag.Lookup("test.bench"); f != nil {
		pat = f.Value.String()
	}
	if pat == "" || pat == "." {
		return func(string) bool { return true }
	}
	var alts [][]*regexp.Regexp
	for _, alt := range SplitBenchPattern(pat) {
		var levels []*regexp.Regexp
		for _, l := range alt {
			re, err := regexp.Compile(l)
			if err != nil {
				return func(string) bool { return true } // testing reports a bad pattern itself
			}
			levels = append(levels, re)
		}
		alts = append(alts, levels)
	}
	return func(name string) bool {
		elems := strings.Split(parent+"/"+name, "/")
		for _, levels := range alts {
			ok := true
			for i, e := range elems {
				if i < len(levels) && !levels[i].MatchString(e) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
}

// SplitBenchPattern splits a -bench (or -run) pattern as the testing
// package does (its splitRegexp): into alternatives at top-level '|', each
// a list of one regexp per level of the name.
func SplitBenchPattern(s string) [][]string {
	var alts [][]string
	var levels []string
	brackets, parens := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '[':
			brackets++
		case ']':
			if brackets--; brackets < 0 {
				brackets = 0
			}
		case '(':
			if brackets == 0 {
				parens++
			}
		case ')':
			if brackets == 0 {
				parens--
			}
		case '\\':
			i++
		case '/', '|':
			if brackets == 0 && parens == 0 {
				levels = append(levels, s[:i])
				if s[i] == '|' {
					alts = append(alts, levels)
					levels = nil
				}
				s = s[i+1:]
				i = 0
				continue
			}
		}
		i++
	}
	return append(alts, append(levels, s))
}
