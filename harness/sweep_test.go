package harness

import (
	"bytes"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
	"github.com/google/go-cmp/cmp"
)

func TestSweepProgressCountsAndEstimates(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	s := &Sweep{total: 3, Progress: progress.New(&out), now: func() time.Time { return clock }}
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

// The sweep counts what -test.bench selects, as the testing package
// matches it, so a filtered run's "config i/N" is right.
func TestSweepCountsOnlySelectedSubBenchmarks(t *testing.T) {
	names := []string{
		"scenario=homo/test=T011/instances=1",
		"scenario=homo/test=T011/instances=2",
		"scenario=hetero/test=T012/instances=1",
		"agent=baseline/start=warm",
	}
	for _, tc := range []struct {
		pattern string
		want    []bool
	}{
		{".", []bool{true, true, true, true}},
		{"TR114//T011", []bool{true, true, false, false}},
		// A name with fewer levels than the pattern matches on the levels it
		// has, as in testing.
		{"TR114/.*/.*/instances=2", []bool{false, true, false, true}},
		{"TR114/scenario=(homo|hetero)/T01[12]/instances=1", []bool{true, false, true, false}},
		{"TR114/x|TR114/agent=baseline", []bool{false, false, false, true}},
		{"T011", []bool{false, false, false, false}}, // level 0 is the top-level name
		{"Other", []bool{false, false, false, false}},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			f := flag.Lookup("test.bench")
			old := f.Value.String()
			f.Value.Set(tc.pattern)
			defer f.Value.Set(old)
			sel := benchFilter("BenchmarkTR114")
			var got []bool
			for _, n := range names {
				got = append(got, sel(n))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
