package tr114

import (
	"math"
	"slices"
	"strings"
	"testing"

	tgolden "gotest.tools/v3/golden"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and the
// published efficiency numbers (the median, #105, and SD, #106, marked NO)
// against stats.LegacyEfficiency of the per-agent and wall times.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestLegacyEfficiencyIsTheStored checks that stats.LegacyEfficiency of
// each run's per-agent and wall times is the efficiency the study stored.
func TestLegacyEfficiencyIsTheStored(t *testing.T) {
	for _, r := range report.StudyRuns(reporttest.Input(t, Report.Spec).Study["tr114"], "TR114") {
		if stored := r.Values["eff-%"]; math.Abs(r.Legacy.EfficiencyPct-stored) > 1e-9*stored {
			t.Errorf("%s: LegacyEfficiency gives %v %%, the study stored %v %%", r.Name, r.Legacy.EfficiencyPct, stored)
		}
	}
}

// runFile is a real run of the README's main job (this project's 2-core
// machine, embedded Ollama, synthetic tiny model, 2026-12-07):
//
//	go test -run '^$' -bench 'TR114//T013' -benchtime 1x -count 6 ./tr114 > new.txt
const runFile = "testdata/run-t013.bench"

// TestRenderWithARun renders the report as chimerareport does for a
// user's run: this run's speedup-x and eff-% per setup beside the
// study's, with the headline chart, before the study's fragment, which
// stays as the study-only golden has it.
func TestRenderWithARun(t *testing.T) {
	in := reporttest.Input(t, Report.Spec)
	study, err := Report.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Runs, err = golden.ReadFile(runFile)
	if err != nil {
		t.Fatal(err)
	}
	frag, err := Report.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	run, ok := strings.CutSuffix(frag.Markdown, study.Markdown)
	if !ok {
		t.Fatalf("with a run, the fragment does not end in the study-only fragment:\n%s", frag.Markdown)
	}
	tgolden.Assert(t, run, "run.md.golden")
	i := slices.IndexFunc(frag.Charts, func(c report.NamedChart) bool { return c.Name == "headline.svg" })
	if i < 0 {
		t.Fatalf("no headline.svg among the charts %v", frag.Charts)
	}
	reporttest.AssertChart(t, frag.Charts[i].Chart, "headline.svg")
	if !strings.Contains(run, "](headline.svg)") {
		t.Error("the run's section does not embed headline.svg")
	}
	// The run's numbers are the run's: the setup that helped says so.
	for _, want := range []string{"| one instance, two slots | 1.141 [1.024, 1.259] | 99.66 [99.38, 99.93] | 6 |", "helped: the interval lies above 1×"} {
		if !strings.Contains(run, want) {
			t.Errorf("the run's section lacks %q", want)
		}
	}
}

// verdict answers from speedup-x's interval, and refuses to from fewer
// samples than an interval needs.
func TestVerdict(t *testing.T) {
	tests := []struct {
		name string
		sp   []float64
		want string
	}{
		{"above 1", []float64{1.4, 1.5, 1.45, 1.42}, "helped"},
		{"below 1", []float64{0.7, 0.8, 0.75, 0.72}, "hurt"},
		{"spans 1", []float64{0.8, 1.2, 1.0, 0.9}, "no clear difference"},
		{"two samples", []float64{1.4, 1.5}, "too few samples to say (n = 2"},
		{"none", nil, "no speedup-x in this run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdict(tt.sp); !strings.HasPrefix(got, tt.want) {
				t.Errorf("verdict(%v) = %q, want it to start %q", tt.sp, got, tt.want)
			}
		})
	}
}
