package tr116

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
)

// BenchmarkTR116 runs the study's two TR116 tests on two instances, agent
// A on the first and B on the second, for every model: those
// CHIMERA_MODELS names, else DefaultModels.
func BenchmarkTR116(b *testing.B) {
	defaultModels(b)
	harness.Run(b, Report)
}

// With CHIMERA_MODELS unset the benchmark runs the three synthetic
// families; a list the user set is kept.
func TestDefaultModels(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", DefaultModels},
		{"  ", DefaultModels},
		{"gemma3:latest,synth:qwen2.5-small", "gemma3:latest,synth:qwen2.5-small"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv("CHIMERA_MODELS", tc.env)
			defaultModels(t)
			if got := os.Getenv("CHIMERA_MODELS"); got != tc.want {
				t.Errorf("CHIMERA_MODELS = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and every
// TR116 row of PUBLISHED.md (#130–#174). The means and speedups follow;
// 18 rows do not: every "peak" and SD of the Rust table but one peak,
// every Python peak, and "Python never exceeds 86 %", each as the data
// pack recomputed it.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestCellsAreOverThePublishedRuns checks that each cell has the runs the
// pack's formula counts ("(n=5)").
func TestCellsAreOverThePublishedRuns(t *testing.T) {
	in := reporttest.Input(t, Report.Spec)
	s := in.Study["tr116"]
	m := regexp.MustCompile(`\(n=(\d+)\)`).FindStringSubmatch(in.Published[130].Formula)
	if m == nil {
		t.Fatalf("PUBLISHED.md #130's formula %q gives no run count", in.Published[130].Formula)
	}
	for _, md := range models {
		for _, sc := range scenarios {
			if n := len(rustRuns(s, md.tag, sc)); fmt.Sprint(n) != m[1] {
				t.Errorf("Rust %s %s: %d runs, want %s", md.tag, sc, n, m[1])
			}
			if n := len(pythonRuns(s, md.tag, sc)); fmt.Sprint(n) != m[1] {
				t.Errorf("Python %s %s: %d runs, want %s", md.tag, sc, n, m[1])
			}
		}
	}
}
