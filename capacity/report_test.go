package capacity

import (
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

// TestReport renders the capacity report from the committed run
// testdata/ours.bench only, against its goldens (-update rewrites them),
// and checks that the fragment links each chart it has.
func TestReport(t *testing.T) {
	reporttest.Check(t, Report)
	f, err := Report.Render(reporttest.Input(t, Report))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Charts {
		if !strings.Contains(f.Markdown, "("+c.Name+")") {
			t.Errorf("the fragment does not link %s", c.Name)
		}
	}
}

// A run that cannot give the report is an error that says why, never a
// fragment of n/a.
func TestRenderRefuses(t *testing.T) {
	for _, tc := range []struct{ name, bench, err string }{
		{"no capacity results", "slo: ttft-p95<=2s\nBenchmarkTR114/x=1 1 1 ns/op\n", "no BenchmarkCapacity results"},
		{"no slo line", "BenchmarkCapacity/instances=1/parallel=1/agents=1 1 1 ns/op\n", "no slo config line"},
		{"bad slo line", "slo: ttft<2s\nBenchmarkCapacity/instances=1/parallel=1/agents=1 1 1 ns/op\n", "no <= or >="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, err := golden.Read(strings.NewReader(tc.bench), "run.bench")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Render(run); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Render = %v, want an error containing %q", err, tc.err)
			}
		})
	}
	if _, err := Render(nil); err == nil || !strings.Contains(err.Error(), "no run") {
		t.Errorf("Render(nil) = %v, want an error saying there is no run", err)
	}
}
