package tr119

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
)

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and the 21
// TR119 rows of PUBLISHED.md (#223-#243), all of which follow from the
// baseline with the study's formulas.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// BenchmarkTR119 prices tokens with measured energy: for each of the
// study's single-request scenarios, one iteration is one generate request
// (num_predict tokens, the scenario's two prompts in turn), the sampler
// brackets the iterations, and J/tok, W, tok/s, $/Mtok and gCO2e/Mtok are
// reported once, after the loop.
func BenchmarkTR119(b *testing.B) { harness.Run(b, Report) }
