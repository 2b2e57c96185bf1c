package report

import "slices"

// Charted is the Fragment of markdown md closed by a section that embeds
// charts (ChartSection at level "####"): a report whose charts belong to
// no one table.
func Charted(md string, charts ...NamedChart) Fragment {
	return Fragment{Markdown: md + ChartSection("####", charts), Charts: charts}
}

// EfficiencyChart is a multi-agent report's chart of the legacy efficiency,
// efficiency.svg: c with caption, against a line at 100 %, where both
// agents run for the whole wall time (the most the legacy efficiency can
// read). The line comes after c's own Refs, which it leaves unchanged.
func EfficiencyChart(c Chart, caption string) NamedChart {
	c.Refs = append(slices.Clip(c.Refs), Ref{Value: 100, Label: "100 %: the agents overlap for the whole run"})
	return NamedChart{Name: "efficiency.svg", Chart: c, Caption: caption}
}
