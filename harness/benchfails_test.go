package harness

import (
	"strings"
	"testing"
)

// TestBenchFailsShowsTheBodysError checks that a failing body's own
// error comes back to the test.
func TestBenchFailsShowsTheBodysError(t *testing.T) {
	log := BenchFails(t, func(b *testing.B) {
		for b.Loop() {
			b.Fatal("boom: the prompt lengths no longer match")
		}
	})
	if !strings.Contains(log, "boom: the prompt lengths no longer match") {
		t.Errorf("BenchFails returned %q, want the body's error", log)
	}
}
