package report_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/google/go-cmp/cmp"
)

func TestCompareMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    report.Compare
		want string
	}{
		{
			name: "no flags: go test's and benchstat's own",
			c:    report.Compare{Package: "tr115", Why: report.ConfigLinesDiffer},
			want: "Compare a run of ours with this baseline (one table although the config lines differ):\n\n" +
				"    go test -run '^$' -bench . -count 10 ./tr115 > new.txt\n" +
				"    go tool benchstat -table '' tr115/testdata/baseline.bench new.txt\n",
		},
		{
			name: "benchstat's flags before the files",
			c:    report.Compare{Package: "tr114", Why: "one table", Benchstat: "-filter /instances:2 -ignore /gomaxprocs,/parallel"},
			want: "Compare a run of ours with this baseline (one table):\n\n" +
				"    go test -run '^$' -bench . -count 10 ./tr114 > new.txt\n" +
				"    go tool benchstat -table '' -filter /instances:2 -ignore /gomaxprocs,/parallel tr114/testdata/baseline.bench new.txt\n",
		},
		{
			name: "go test's flags before -count",
			c:    report.Compare{Package: "tr108", Why: report.StudyKeysIgnored, TestFlags: "-benchtime 5x", Benchstat: "-ignore /gomaxprocs"},
			want: "Compare a run of ours with this baseline (one table, study-only keys ignored):\n\n" +
				"    go test -run '^$' -bench . -benchtime 5x -count 10 ./tr108 > new.txt\n" +
				"    go tool benchstat -table '' -ignore /gomaxprocs tr108/testdata/baseline.bench new.txt\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.c.Markdown()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
