package harness

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden/report"
)

// TestRunLeafReportsTheBodysValues checks that a leaf's values are
// reported once each, and that a unit the report did not declare fails
// the leaf with the unit named instead of reaching the output.
func TestRunLeafReportsTheBodysValues(t *testing.T) {
	r := Report[map[string]float64]{
		Spec: report.Spec{Name: "trX", Units: []string{"ns/op", "tok/s"}},
		Body: func(b *testing.B, _ *Env, values map[string]float64) map[string]float64 {
			for b.Loop() {
			}
			return values
		},
	}
	env := &Env{Units: r.Units}
	res := BenchOnce(t, func(b *testing.B) { r.RunLeaf(b, env, map[string]float64{"tok/s": 5}) })
	if diff := cmp.Diff(map[string]float64{"tok/s": 5}, res.Extra); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	var body *testing.B
	testing.Benchmark(func(b *testing.B) {
		body = b
		r.RunLeaf(b, env, map[string]float64{"tok/s": 5, "ttft-ns": 1})
	})
	if log := bodyLog(body); !strings.Contains(log, "[ttft-ns] reported but not declared") {
		t.Errorf("an undeclared unit: the leaf logged %q, want it named", log)
	}
}

// TestRunRefusesAnotherBenchmark checks that a report runs only as one of
// its declared benchmarks (what a run of it is found by), before it
// starts anything.
func TestRunRefusesAnotherBenchmark(t *testing.T) {
	var body *testing.B
	testing.Benchmark(func(b *testing.B) {
		body = b
		Run(b, Report[int]{Spec: report.Spec{Name: "trX", Benchmarks: []string{"TRX"}}})
	})
	if log := bodyLog(body); !strings.Contains(log, "is not one of report trX's benchmarks [TRX]") {
		t.Errorf("logged %q, want the refusal", log)
	}
}
