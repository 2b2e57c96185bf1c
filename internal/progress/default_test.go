package progress

import (
	"os"
	"testing"
)

// TestDefaultReadsTheVariableAtEachCall: a Default made once per process
// kept the first caller's CHIMERA_PROGRESS, so a test that set it to off
// after an earlier call (onnxtest's fetch in TestMain) still printed to the
// terminal.
func TestDefaultReadsTheVariableAtEachCall(t *testing.T) {
	t.Setenv("CHIMERA_PROGRESS", "stderr")
	if got := Default().w; got != os.Stderr {
		t.Errorf("CHIMERA_PROGRESS=stderr: Default writes to %v, want stderr", got)
	}
	t.Setenv("CHIMERA_PROGRESS", "off")
	if got := Default().w; got != nil {
		t.Errorf("CHIMERA_PROGRESS=off after a call with stderr: Default writes to %v, want nothing", got)
	}
}
