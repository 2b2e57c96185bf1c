package report_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/google/go-cmp/cmp"
)

// Charted closes the markdown with the section of its charts, in order.
func TestCharted(t *testing.T) {
	a := report.NamedChart{Name: "a.svg", Caption: "A against B.", Chart: report.Chart{Title: "A"}}
	b := report.NamedChart{Name: "b.svg", Caption: "C against D.", Chart: report.Chart{Title: "C"}}
	for _, tc := range []struct {
		name   string
		charts []report.NamedChart
		want   report.Fragment
	}{
		{
			name:   "one chart: the markdown, then its section",
			charts: []report.NamedChart{a},
			want:   report.Fragment{Markdown: "text\n" + report.ChartSection("####", []report.NamedChart{a}), Charts: []report.NamedChart{a}},
		},
		{
			name:   "two charts, in the order given",
			charts: []report.NamedChart{b, a},
			want:   report.Fragment{Markdown: "text\n" + report.ChartSection("####", []report.NamedChart{b, a}), Charts: []report.NamedChart{b, a}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, report.Charted("text\n", tc.charts...)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// EfficiencyChart names the chart efficiency.svg and adds the 100 % line
// after the chart's own, without writing into its slice.
func TestEfficiencyChart(t *testing.T) {
	full := report.Ref{Value: 100, Label: "100 %: the agents overlap for the whole run"}
	own := report.Ref{Value: 50, Label: "50 %: one agent at a time"}
	for _, tc := range []struct {
		name string
		refs []report.Ref
		want []report.Ref
	}{
		{"dots in %, and no refs of its own: the 100 % line alone", nil, []report.Ref{full}},
		{"its own refs first, then the 100 % line", []report.Ref{own}, []report.Ref{own, full}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := report.Chart{Title: "eff", Refs: tc.refs}
			got := report.EfficiencyChart(c, "The efficiency.")
			want := report.NamedChart{Name: "efficiency.svg", Caption: "The efficiency.", Chart: report.Chart{Title: "eff", YLabel: "%", Kind: report.Dots, Refs: tc.want}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("leaves the chart's refs unchanged", func(t *testing.T) {
		refs := make([]report.Ref, 1, 4)
		refs[0] = own
		report.EfficiencyChart(report.Chart{Refs: refs}, "")
		if got := refs[:2][1]; got != (report.Ref{}) {
			t.Errorf("the chart's refs' backing array was written: %+v", got)
		}
	})
	within := report.Series{Name: "a", Estimates: []report.Estimate{{Value: 80, Lo: 70, Hi: 90}}}
	past := report.Series{Name: "b", Estimates: []report.Estimate{{Value: 95, Lo: 85, Hi: 105}, {Value: 98, Lo: 90, Hi: 106}}}
	for _, tc := range []struct {
		name, title string
		series      []report.Series
		want        string
	}{
		{"no whisker past 100 %: the title as it is", "eff (mean)", []report.Series{within}, "eff (mean)"},
		{"whiskers past 100 %: said inside the closing parenthesis", "eff (mean)", []report.Series{within, past},
			"eff (mean; 2 whiskers pass 100 %: too few samples for their spread)"},
		{"a title without one: said at its end", "eff: mean", []report.Series{past},
			"eff: mean; 2 whiskers pass 100 %: too few samples for their spread"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := report.EfficiencyChart(report.Chart{Title: tc.title, Series: tc.series}, "").Chart.Title
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("title mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Compare prints the commands with each flag where it belongs and none
// where it is empty.
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
