package harness

import (
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// A Sweep runs a benchmark's configurations as sub-benchmarks and prints
// where it is ("config 7/39 num_gpu=60/…, 1m02s elapsed, eta 2m10s")
// through internal/progress, where it cannot be read as benchfmt.
type Sweep struct {
	Total int // sub-benchmarks the sweep will run
	// Progress receives the lines; nil means progress.Default().
	Progress *progress.Printer

	n     int
	start time.Time
	now   func() time.Time
}

// Run runs f as the sub-benchmark name of b, after printing the sweep's
// progress line, and returns b.Run's result.
func (s *Sweep) Run(b *testing.B, name string, f func(b *testing.B)) bool {
	b.Helper()
	s.step(name)
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
		p.Printf("config %d/%d %s", s.n, s.Total, name)
	case s.n <= s.Total:
		eta := elapsed / time.Duration(s.n-1) * time.Duration(s.Total-s.n+1)
		p.Printf("config %d/%d %s, %s elapsed, eta %s", s.n, s.Total, name, elapsed.Round(time.Second), eta.Round(time.Second))
	default:
		p.Printf("config %d %s, %s elapsed", s.n, name, elapsed.Round(time.Second))
	}
}
