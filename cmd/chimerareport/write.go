package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// index is the markdown of index.md: the run's provenance and one line per
// page, linked by link(page).
func index(r *input, ps []page, link func(page) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Your run as a report\n\nRendered by `go tool chimerareport` from %s.\n\n", strings.Join(r.Files, ", "))
	b.WriteString("## Provenance\n\n" + provenance(r.Files, r.Set) + "\n## Reports\n\n")
	if len(ps) == 0 {
		b.WriteString("**Nothing measured.** The files hold no benchmark result and name no report's package.\n")
		for _, s := range r.Skips {
			fmt.Fprintf(&b, "\n- `Benchmark%s` skipped: %s", s.Name, orUnknownReason(s.Reason))
		}
		return b.String()
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "- [%s: %s](%s): %s\n", p.Name, p.Title, link(p), p.Status)
	}
	return b.String()
}

// pageMarkdown is a page as a markdown file of its own, its charts
// linked in its directory ("tr114/headline.svg").
func pageMarkdown(p page) string {
	return fmt.Sprintf("# %s: %s\n\n[All reports of this run](index.md)\n\n## Provenance\n\n%s\n## The report\n\n%s", p.Name, p.Title, p.Provenance, p.Body)
}

// writeDir writes index.md, one markdown file per page with its charts as
// SVG files in a directory of the page's name, and report.html, into dir.
func writeDir(dir string, r *input, ps []page) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	md := index(r, ps, func(p page) string { return p.Name + ".md" })
	if err := write("index.md", []byte(md)); err != nil {
		return err
	}
	for _, p := range ps {
		if err := write(p.Name+".md", []byte(pageMarkdown(p))); err != nil {
			return err
		}
		for _, c := range p.Charts {
			if err := write(p.Name+"/"+c.File, c.SVG); err != nil {
				return err
			}
		}
	}
	h, err := htmlReport(r, ps)
	if err != nil {
		return err
	}
	return write("report.html", h)
}

// css is the HTML report's whole style: readable width, tables with
// lines, charts scaled to the column.
const css = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f4f4f4}img{display:block;width:100%;max-width:48rem;height:auto}pre,code{background:#f6f6f6;font-size:.85rem}pre{padding:.5rem;overflow-x:auto}
blockquote{border-left:4px solid #e69f00;margin:1rem 0;padding:.1rem 1rem;background:#fff8e6}h1,h2,h3{line-height:1.2}`

// htmlReport is one self-contained HTML file: the index and every page,
// charts inline as data: URIs, no script and no reference to anything
// outside the file.
func htmlReport(r *input, ps []page) ([]byte, error) {
	var md strings.Builder
	md.WriteString(index(r, ps, func(p page) string { return "#" + p.Name }))
	for _, p := range ps {
		fmt.Fprintf(&md, "\n## %s: %s {#%s}\n\n%s", p.Name, p.Title, p.Name, demote(p.Body))
	}
	var body bytes.Buffer
	// Raw HTML stays escaped (goldmark's default): names and config
	// values come from the user's files. Headings take {#id} for the
	// index's links.
	gm := goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParserOptions(parser.WithAttribute()))
	if err := gm.Convert([]byte(md.String()), &body); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	out := body.String()
	for _, p := range ps {
		for _, c := range p.Charts {
			src := `src="` + html.EscapeString(p.Name+"/"+c.File) + `"`
			out = strings.ReplaceAll(out, src, `src="data:image/svg+xml;base64,`+base64.StdEncoding.EncodeToString(c.SVG)+`"`)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Chimeraforge report: %s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n",
		html.EscapeString(strings.Join(r.Files, ", ")), css)
	b.WriteString(out)
	b.WriteString("</body>\n</html>\n")
	return b.Bytes(), nil
}

// demote lowers every markdown heading of a page by one level, so that
// pages sit under the single document's level-2 headings.
func demote(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") && strings.Contains(l, "# ") && len(l) > 0 {
			lines[i] = "#" + l
		}
	}
	return strings.Join(lines, "\n")
}

// summary writes one markdown page for a CI job summary: the index and
// every page, each chart named by its file where the page embeds it (a job
// summary cannot show the files; the -o directory and report.html hold
// them), its caption under it as the page has it.
func writeSummary(w io.Writer, r *input, ps []page) error {
	var b strings.Builder
	b.WriteString(index(r, ps, func(p page) string { return "#" + p.Name }))
	for _, p := range ps {
		body := demote(p.Body)
		for _, c := range p.Charts {
			img := regexp.MustCompile(`!\[([^\]]*)\]\(` + regexp.QuoteMeta(p.Name+"/"+c.File) + `\)`)
			body = img.ReplaceAllString(body, "Chart `"+p.Name+"/"+c.File+"` (in report.html and the `-o` directory):")
		}
		fmt.Fprintf(&b, "\n## %s: %s\n\n%s", p.Name, p.Title, body)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
