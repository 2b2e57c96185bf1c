package tr114

import (
	"math"
	"testing"

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
	for _, r := range efficiencies(reporttest.Input(t, Report.Spec).Study["tr114"]) {
		if math.Abs(r.legacy.EfficiencyPct-r.stored) > 1e-9*r.stored {
			t.Errorf("%s: LegacyEfficiency gives %v %%, the study stored %v %%", r.name, r.legacy.EfficiencyPct, r.stored)
		}
	}
}
