package report_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/google/go-cmp/cmp"
)

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

func TestEfficiencyChart(t *testing.T) {
	full := report.Ref{Value: 100, Label: "100 %: the agents overlap for the whole run"}
	own := report.Ref{Value: 50, Label: "50 %: one agent at a time"}
	for _, tc := range []struct {
		name string
		refs []report.Ref
		want []report.Ref
	}{
		{"no refs of its own: the 100 % line alone", nil, []report.Ref{full}},
		{"its own refs first, then the 100 % line", []report.Ref{own}, []report.Ref{own, full}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := report.Chart{Title: "eff", Refs: tc.refs}
			got := report.EfficiencyChart(c, "The efficiency.")
			want := report.NamedChart{Name: "efficiency.svg", Caption: "The efficiency.", Chart: report.Chart{Title: "eff", Refs: tc.want}}
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
}
