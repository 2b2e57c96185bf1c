package report

import (
	"slices"
	"strings"
)

// What closes a report's fragment: the commands that set a run of ours
// beside its baseline, and the section of its charts, among them the
// multi-agent reports' legacy efficiency.

// Charted is the Fragment of markdown md closed by a section that embeds
// charts (ChartSection at level "####"): a report whose charts belong to
// no one table.
func Charted(md string, charts ...NamedChart) Fragment {
	return Fragment{Markdown: md + ChartSection("####", charts), Charts: charts}
}

// EfficiencyChart is a multi-agent report's chart of the legacy efficiency,
// efficiency.svg: c with caption, drawn as dots with intervals on a fitted
// axis in % (groups and definitions differ by a few points, which bars
// from zero would hide), against a line at 100 %, where both agents run
// for the whole wall time (the most the legacy efficiency, and the balance
// bound, can read). The line comes after c's own Refs, which it leaves
// unchanged. Where a whisker passes 100 %, the title says so (BoundNote),
// inside its closing parenthesis where it ends in one.
func EfficiencyChart(c Chart, caption string) NamedChart {
	c.YLabel, c.Kind = "%", Dots
	c.Refs = append(slices.Clip(c.Refs), Ref{Value: 100, Label: "100 %: the agents overlap for the whole run"})
	note := BoundNote("eff-%", c.Series)
	if title, ok := strings.CutSuffix(c.Title, ")"); ok {
		c.Title = title + note + ")"
	} else {
		c.Title += note
	}
	return NamedChart{Name: "efficiency.svg", Chart: c, Caption: caption}
}

// A Compare is the paragraph of a fragment that tells a reader how to set
// a run of ours beside the report's study baseline: the go test command
// that writes new.txt, and the benchstat command that puts it in one
// table with Package's testdata/baseline.bench. It is written once here so
// that every report prints the same commands in the same form.
type Compare struct {
	// Package is the report's package directory ("tr111"): what go test
	// runs, and where the baseline lies.
	Package string
	// Why is the lead's parenthesis: how the run and the baseline come to
	// share one table ("one table, study-only keys ignored").
	Why string
	// TestFlags are go test's flags beside -run '^$' -bench . -count 10
	// ("-benchtime 5x"); empty: none.
	TestFlags string
	// Benchstat are benchstat's flags beside the empty -table: which keys it
	// ignores or filters ("-ignore /gomaxprocs").
	Benchstat string
}

// The two Whys the reports give: benchstat's empty -table projection sets
// the lines in one table although their config lines differ, and -ignore
// drops the keys only the study's names carry (studydata.BenchstatIgnore).
const (
	ConfigLinesDiffer = "one table although the config lines differ"
	StudyKeysIgnored  = "one table, study-only keys ignored"
)

// Markdown is the paragraph: a line that leads in, a blank line and the
// two commands as a code block, ending in a newline.
func (c Compare) Markdown() string {
	test := []string{"go test -run '^$' -bench ."}
	if c.TestFlags != "" {
		test = append(test, c.TestFlags)
	}
	test = append(test, "-count 10", "./"+c.Package, "> new.txt")
	stat := []string{"go tool benchstat -table ''"}
	if c.Benchstat != "" {
		stat = append(stat, c.Benchstat)
	}
	stat = append(stat, c.Package+"/testdata/baseline.bench", "new.txt")
	return "Compare a run of ours with this baseline (" + c.Why + "):\n\n" +
		"    " + strings.Join(test, " ") + "\n" +
		"    " + strings.Join(stat, " ") + "\n"
}
