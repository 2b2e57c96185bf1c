package harness

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
	"github.com/google/go-cmp/cmp"
)

func TestSweepProgressCountsAndEstimates(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	s := &Sweep{Total: 3, Progress: progress.New(&out), now: func() time.Time { return clock }}
	for _, name := range []string{"a=1", "a=2", "a=3", "extra"} {
		s.step(name)
		clock = clock.Add(10 * time.Second)
	}
	want := []string{
		"# config 1/3 a=1",
		"# config 2/3 a=2, 10s elapsed, eta 20s",
		"# config 3/3 a=3, 20s elapsed, eta 10s",
		"# config 4 extra, 30s elapsed",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(out.String()), "\n")); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
