package tr108

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
)

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and the 27
// published TR108 rows (7 marked NO) against the baseline.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestBestConfigsAreThePublishedOnes checks the configurations, not only
// the values, of the published best configs (#15, #22, #26), and that
// gemma3:latest's published best (#16) is not the data's.
func TestBestConfigsAreThePublishedOnes(t *testing.T) {
	s := reporttest.Input(t, Report.Spec).Study["tr108"]
	got := map[string]string{}
	for _, m := range s.KeyValues("model", "phase=tuning") {
		got[m] = best(s, m).label
	}
	want := map[string]string{
		"llama3.1:8b-instruct-q4_0": "g40_c1024_t0.4",  // #15
		"gemma3:latest":             "g60_c2048_t0.8",  // #16 publishes g999_c4096_t0.4
		"gemma3:270m":               "g999_c4096_t0.8", // #22
		"gemma3:1b-it-qat":          "g60_c1024_t0.4",  // #26
	}
	for m, w := range want {
		if got[m] != w {
			t.Errorf("%s: best tuning config %s, want %s", m, got[m], w)
		}
	}
}
