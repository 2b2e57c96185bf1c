package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/chartdraw"
)

// A reportDef is one report the tool renders: its benchmarks, the study's
// sets and its Render.
type reportDef struct {
	Name       string   // the report's package: "tr114"
	Title      string   // one line
	Benchmarks []string // without the Benchmark prefix: "TR114"
	// Study reads the study's sets, the report's own first.
	Study func() ([]*golden.Set, error)
	// HasStudy says the report has study data, so Render renders with no
	// run.
	HasStudy bool
	// Render renders the report from the study's sets and a run (nil:
	// none), as its golden fragment does.
	Render func(run *golden.Set) (report.Fragment, error)
}

// A page is one report rendered for the user's run.
type page struct {
	Name, Title string
	// Body is the page's markdown after the provenance table. Charts are
	// linked as Name/<chart file>, which writers rewrite as they place
	// them.
	Body   string
	Charts []chartFile
	Status string // one line for the index
	// RenderErr is why the report's Render refused the run, if it did.
	RenderErr error
	// Provenance is the provenance table of the page's own results (the
	// run's, on a page of no result).
	Provenance string
}

// A chartFile is a rendered chart: its file in the page's directory and
// the SVG.
type chartFile struct {
	File string
	SVG  []byte
}

// buildPage renders def for the run: the setup warning, the note on too
// few samples, the report's Render of the study and the run, and every
// unit of the run beside the study. A report whose benchmarks the run
// holds no result of is a page that says so, with go test's reasons
// where the run skipped them.
func buildPage(def reportDef, r *input) (page, error) {
	p := page{Name: def.Name, Title: def.Title, Provenance: provenance(r.Files, r.Set)}
	var ls []*leaf
	var sub *golden.Set // the run's results of def's benchmarks
	if r.Set != nil {
		for _, b := range def.Benchmarks {
			ls = append(ls, leaves(r.Set, b)...)
		}
		sub = &golden.Set{File: r.Set.File, Units: r.Set.Units}
		for _, res := range r.Set.Results {
			if slices.Contains(def.Benchmarks, string(res.Name.Base())) {
				sub.Results = append(sub.Results, res)
			}
		}
	}
	var b strings.Builder
	if len(ls) == 0 {
		p.Status = "nothing measured"
		b.WriteString("**Nothing measured.** The run holds no result of " + benchList(def.Benchmarks) + ".")
		var why []string
		for _, s := range r.Skips {
			if slices.Contains(def.Benchmarks, strings.SplitN(s.Name, "/", 2)[0]) {
				why = append(why, fmt.Sprintf("- `Benchmark%s` skipped: %s", s.Name, orUnknownReason(s.Reason)))
			}
		}
		if len(why) > 0 {
			b.WriteString(" go test skipped:\n\n" + strings.Join(why, "\n") + "\n")
		} else {
			b.WriteString(" Its package ran, but no benchmark of it matched `-bench`, or each failed before reporting.\n")
		}
		if def.Render != nil && def.HasStudy {
			// The study's report alone, as its golden fragment has it.
			b.WriteString("\nThe study's report, with no run of yours beside it:\n\n")
			if err := p.render(&b, def, nil); err != nil {
				fmt.Fprintf(&b, "> **The study's report could not render:** %v.\n", err)
			}
		}
		p.Body = b.String()
		return p, nil
	}
	study, err := def.Study()
	if err != nil {
		return p, fmt.Errorf("report %s: %w", def.Name, err)
	}
	n := 0
	for _, l := range ls {
		n += l.n
	}
	p.Status = fmt.Sprintf("%d %s of %d %s", n, plural(n, "result"), len(ls), plural(len(ls), "benchmark"))
	p.Provenance = provenance(filesOf(sub), sub)
	if w := setupWarning(study, sub); w != "" {
		b.WriteString(w + "\n")
	}
	if s := shortNote(ls, r.Pkgs); s != "" {
		b.WriteString(s + "\n")
	}
	if def.Render != nil {
		// A report's Render may refuse a run (one that lacks a unit it
		// shows): the page says so where the report would be, and the
		// tables below still show every number the run has.
		if err := p.render(&b, def, sub); err != nil {
			p.RenderErr = err
			p.Status += "; its report could not render from this run"
			fmt.Fprintf(&b, "> **The report could not render from this run:** %v. Every unit the run has is below.\n", err)
		}
	}
	b.WriteString("\n### Every unit of this run beside the study\n\n" +
		"The mean of each unit over this run's samples of each benchmark, beside the study's samples of the benchmarks " +
		"of the same name (every name key both have agrees).\n")
	b.WriteString(unitTables(sub, ls, study, strings.Join(fileConfig(sub, "num-parallel"), "")))
	p.Body = b.String()
	return p, nil
}

// render writes def's Render of the study and run (nil: none) to b, its
// charts linked in the page's directory and kept for the writers.
func (p *page) render(b *strings.Builder, def reportDef, run *golden.Set) error {
	frag, err := def.Render(run)
	if err != nil {
		return fmt.Errorf("report %s: render: %w", def.Name, err)
	}
	md := frag.Markdown
	var charts []chartFile
	for _, c := range frag.Charts {
		svg, err := chartdraw.SVG(c.Chart)
		if err != nil {
			return fmt.Errorf("report %s: chart %s: %w", def.Name, c.Name, err)
		}
		link := def.Name + "/" + c.Name
		charts = append(charts, chartFile{File: c.Name, SVG: svg})
		// A fragment that embeds its chart links it beside itself; the
		// page keeps charts in its own directory.
		if ref := "](" + c.Name + ")"; strings.Contains(md, ref) {
			md = strings.ReplaceAll(md, ref, "]("+link+")")
			continue
		}
		md += "\n" + strings.Replace(c.Markdown(), "]("+c.Name+")", "]("+link+")", 1)
	}
	p.Charts = append(p.Charts, charts...)
	b.WriteString(md)
	return nil
}

func orUnknownReason(r string) string {
	if r == "" {
		return "no reason given"
	}
	return r
}

// benchList is "`BenchmarkTR114`" or "`BenchmarkA`, `BenchmarkB`".
func benchList(bs []string) string {
	var q []string
	for _, b := range bs {
		q = append(q, "`Benchmark"+b+"`")
	}
	return strings.Join(q, ", ")
}

// orphanPage is the page of the run's benchmarks no report declares:
// their units, with no study beside them.
func orphanPage(r *input, defs []reportDef) (page, bool) {
	if r.Set == nil {
		return page{}, false
	}
	claimed := map[string]bool{}
	for _, d := range defs {
		for _, b := range d.Benchmarks {
			claimed[b] = true
		}
	}
	var bases []string
	for _, res := range r.Set.Results {
		if b := string(res.Name.Base()); !claimed[b] && !slices.Contains(bases, b) {
			bases = append(bases, b)
		}
	}
	if len(bases) == 0 {
		return page{}, false
	}
	var ls []*leaf
	sub := &golden.Set{File: r.Set.File, Units: r.Set.Units}
	for _, b := range bases {
		ls = append(ls, leaves(r.Set, b)...)
	}
	for _, res := range r.Set.Results {
		if slices.Contains(bases, string(res.Name.Base())) {
			sub.Results = append(sub.Results, res)
		}
	}
	body := "No report declares " + benchList(bases) + ": their units, with no study beside them.\n\n"
	body += shortNote(ls, r.Pkgs)
	body += unitTables(sub, ls, nil, strings.Join(fileConfig(sub, "num-parallel"), ""))
	return page{Name: "other", Title: "Benchmarks of no report", Body: body, Provenance: provenance(filesOf(sub), sub),
		Status: fmt.Sprintf("%d %s no report declares", len(ls), plural(len(ls), "benchmark"))}, true
}

// pages renders every report the run holds results of or names the
// package of (a pkg: line whose last element is the report's name), in
// defs' order, and the page of benchmarks no report declares.
func pages(r *input, defs []reportDef) ([]page, error) {
	var out []page
	for _, d := range defs {
		if !holds(r, d) {
			continue
		}
		p, err := buildPage(d, r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if p, ok := orphanPage(r, defs); ok {
		out = append(out, p)
	}
	return out, nil
}

// holds reports whether the run ran d: a result of its benchmarks, or its
// package on a pkg: line.
func holds(r *input, d reportDef) bool {
	for _, p := range r.Pkgs {
		if p[strings.LastIndexByte(p, '/')+1:] == d.Name {
			return true
		}
	}
	if r.Set == nil {
		return false
	}
	for _, res := range r.Set.Results {
		if slices.Contains(d.Benchmarks, string(res.Name.Base())) {
			return true
		}
	}
	return false
}
