package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/progress"
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
	s := report.Spec{Name: "trX", Benchmarks: []string{"TRX", "TRXAgents"}}
	for name, ok := range map[string]bool{"BenchmarkTRX": true, "BenchmarkTRXAgents": true, "": true, "BenchmarkTRY": false, "BenchmarkTRX/k=a": false} {
		if err := declared(name, s); (err == nil) != ok {
			t.Errorf("declared(%q) = %v, want ok %v", name, err, ok)
		} else if err != nil && !strings.Contains(err.Error(), name+" is not one of report trX's benchmarks [TRX TRXAgents]") {
			t.Errorf("declared(%q) = %v, want the refusal naming both", name, err)
		}
	}
}

// TestRunSweepsTheDeclaredLeaves drives a report through the runner on a
// fake server named by the environment, as a user's go test -bench does:
// the setup's config and Unit lines (the declared units only) go to
// stdout, every leaf runs once as a sub-benchmark named by LeafName on the
// started environment, and the sweep's progress names each.
func TestRunSweepsTheDeclaredLeaves(t *testing.T) {
	m := ollamatest.Model{Name: "fake:tiny", InterToken: time.Millisecond, Tokens: 4}
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{m}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", m.Name)
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	var ran []string
	r := Report[string]{
		Spec: report.Spec{Name: "trX", Benchmarks: []string{"TRX"}, Units: []string{"ns/op", "tok/s"}},
		Leaves: func(_ context.Context, env *Env) ([]string, error) {
			return []string{"k=a", "k=b/" + env.Live.Model().Tag}, nil
		},
		LeafName: func(l string) string { return l },
		Body: func(b *testing.B, env *Env, l string) map[string]float64 {
			ran = append(ran, l+" on "+env.Live.Instances[0].URL)
			for b.Loop() {
			}
			return map[string]float64{"tok/s": 7}
		},
	}
	var out, prog strings.Builder
	testing.Benchmark(func(b *testing.B) { runTo(b, r, &out, progress.New(&prog)) })
	if diff := cmp.Diff([]string{"k=a on " + fake.URL, "k=b/fake:tiny on " + fake.URL}, ran); diff != "" {
		t.Errorf("leaves run (-want +got):\n%s", diff)
	}
	for _, want := range []string{"model: fake:tiny\n", "Unit tok/s better=higher\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Unit ttft-ns") {
		t.Errorf("stdout declares a unit the report does not:\n%s", out.String())
	}
	for _, want := range []string{"config 1/2 k=a", "config 2/2 k=b/fake:tiny"} {
		if !strings.Contains(prog.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, prog.String())
		}
	}
}
