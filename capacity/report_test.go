package capacity

import (
	"slices"
	"strings"
	"testing"

	tgolden "gotest.tools/v3/golden"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

// TestReportFragment renders the capacity report from the committed run
// testdata/ours.bench only; -update rewrites the fragment and charts.
func TestReportFragment(t *testing.T) {
	run, err := golden.ReadFile("testdata/ours.bench")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Render(run)
	if err != nil {
		t.Fatal(err)
	}
	tgolden.Assert(t, f.Markdown, "report.md.golden")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range f.Charts {
			if !yield(k) {
				return
			}
		}
	}) {
		if !strings.Contains(f.Markdown, "("+name+")") {
			t.Errorf("the fragment does not link %s", name)
		}
		reporttest.AssertChart(t, f.Charts[name], name+".golden")
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
}
