package main

import (
	"fmt"
	"strings"

	"github.com/chimeraforge/chimeraforge/capacity"
	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/study"
	"github.com/chimeraforge/chimeraforge/tr108"
	"github.com/chimeraforge/chimeraforge/tr109"
	"github.com/chimeraforge/chimeraforge/tr110"
	"github.com/chimeraforge/chimeraforge/tr111"
	"github.com/chimeraforge/chimeraforge/tr113"
	"github.com/chimeraforge/chimeraforge/tr114"
	"github.com/chimeraforge/chimeraforge/tr115"
	"github.com/chimeraforge/chimeraforge/tr116"
	"github.com/chimeraforge/chimeraforge/tr117"
	"github.com/chimeraforge/chimeraforge/tr118"
	"github.com/chimeraforge/chimeraforge/tr119"
	"github.com/chimeraforge/chimeraforge/tr120"
	"github.com/chimeraforge/chimeraforge/tr121"
)

// specs are the reports declared as values (report.Spec), in the order
// the index lists them (study order, but for tr113). A package converted to the report-as-value shape
// adds its Spec here.
func specs() []report.Spec {
	return []report.Spec{
		tr108.Report.Spec, tr109.Report.Spec, tr110.Report.Spec, tr111.Report.Spec,
		// tr113 after tr114: a TR114 run is tr114's question first, and
		// tr113's (its one-instance arm) second.
		tr114.Report.Spec, tr113.Report,
		tr115.Report.Spec, tr116.Report.Spec, tr117.Report.Spec, tr118.Report.Spec, tr119.Report.Spec,
		tr120.Report.Spec, tr121.Report.Spec, capacity.Report,
	}
}

// catalogue is every report the tool renders, each from its Spec: the
// study's sets from its embedded baselines, Render given the data pack's
// PUBLISHED.md (embedded in package study) and the run, so that the tool
// needs no source tree beside it. Were PUBLISHED.md unreadable, the
// reports would still render, the published numbers as n/a, each page
// saying why.
func catalogue() ([]reportDef, error) {
	pub, pubErr := study.Published()
	var defs []reportDef
	for _, s := range specs() {
		defs = append(defs, fromSpec(s, pub, pubErr))
	}
	return defs, nil
}

func fromSpec(s report.Spec, pub studydata.Published, pubErr error) reportDef {
	title := strings.Join(s.Published, ", ")
	if title == "" {
		title = "beyond the study (no study data)"
	}
	return reportDef{
		Name:       s.Name,
		Title:      title,
		Benchmarks: s.Benchmarks,
		HasStudy:   len(s.Baselines) > 0,
		Study: func() ([]*golden.Set, error) {
			var sets []*golden.Set
			for _, b := range s.Baselines {
				set, err := b.Set()
				if err != nil {
					return nil, err
				}
				sets = append(sets, set)
			}
			return sets, nil
		},
		Render: func(run *golden.Set) (report.Fragment, error) {
			in, err := s.Input(pub, run)
			if err != nil {
				return report.Fragment{}, err
			}
			frag, err := s.Render(in)
			if err != nil {
				return frag, err
			}
			if pubErr != nil {
				frag.Markdown = fmt.Sprintf("> **Published numbers not shown** (n/a below): %v.\n\n", pubErr) + frag.Markdown
			}
			return frag, nil
		},
	}
}
