package harness

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/units"
)

// Every multi-agent unit is registered, and a report's own come after the
// common ones without changing them.
func TestMultiAgentUnitsAreRegistered(t *testing.T) {
	us := MultiAgentUnits("study-ttft-ns")
	if err := units.Check(us...); err != nil {
		t.Error(err)
	}
	if n := len(MultiAgentUnits()); n != len(us)-1 || us[n] != "study-ttft-ns" {
		t.Errorf("MultiAgentUnits(study-ttft-ns) = %v: want the common %d, then study-ttft-ns", us, n)
	}
}
