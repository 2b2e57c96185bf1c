package study

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// TestPublishedIsThePacks checks that the embedded PUBLISHED.md parses to
// what the tests read from the pack's directory.
func TestPublishedIsThePacks(t *testing.T) {
	got, err := Published()
	if err != nil {
		t.Fatal(err)
	}
	want, err := studydata.ReadPublished(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 300 {
		t.Errorf("%d rows parsed, want PUBLISHED.md's 311", len(got))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embedded PUBLISHED.md differs from the file (-file +embedded):\n%s", diff)
	}
}
