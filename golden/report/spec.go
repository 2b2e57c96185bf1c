package report

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// A Fragment is what a report renders: its markdown (testdata/report.md.golden
// in the report's package) and its charts.
type Fragment struct {
	Markdown string
	Charts   []NamedChart
}

// A NamedChart is one chart of a Fragment. Name is its file, as a user's
// rendering writes it beside the markdown and as the report's golden is
// committed (testdata/throughput.svg): "throughput.svg". Caption is one
// sentence that says what the chart shows: what is plotted against what,
// and what to read from it. The fragment's markdown embeds the chart
// where it belongs with Markdown.
type NamedChart struct {
	Name    string
	Caption string
	Chart   Chart
}

// Markdown embeds the chart in a fragment: its image, linked by Name
// (beside the markdown), with the caption as its alternative text, and the
// caption under it in italics.
func (c NamedChart) Markdown() string {
	return fmt.Sprintf("![%s](%s)\n\n*%s*\n", c.Caption, c.Name, c.Caption)
}

// A Baseline is one study baseline a report reads: a benchfmt file
// converted from the data pack by internal/studydata and committed once,
// in the testdata of the report that owns it. A report that compares with
// another's baseline declares that report's Baseline value (tr114 reads
// tr111.Spec.Baselines[0]), never a copy of the file.
type Baseline struct {
	// Name is the key of the set in Input.Study: the owning report's
	// package name for its baseline.bench ("tr111"), with a suffix for a
	// second file ("tr117-chunks").
	Name string
	// Report is the package that owns the file and converts it ("tr111").
	Report string
	// File is the file in Report's testdata: "baseline.bench".
	File string
	// Data is the file's content, embedded in Report's package
	// (//go:embed testdata/baseline.bench), so that a program that links
	// the report renders it with no source tree beside it.
	Data []byte
	// Convert makes the file's records from the data pack's directory
	// (studydata.TR108Files); reporttest checks the committed file is
	// exactly its output.
	Convert func(dir string) ([]benchfmt.Record, error)
}

// StudyBaseline is the baseline report owns as testdata/baseline.bench
// (keyed by report's name in Input.Study), data its embedded content and
// convert its converter.
func StudyBaseline(report string, data []byte, convert func(dir string) ([]benchfmt.Record, error)) Baseline {
	return Baseline{Name: report, Report: report, File: "baseline.bench", Data: data, Convert: convert}
}

// Set reads b's embedded data.
func (b Baseline) Set() (*golden.Set, error) {
	if len(b.Data) == 0 {
		return nil, fmt.Errorf("baseline %s: no data embedded from %s/testdata/%s", b.Name, b.Report, b.File)
	}
	return golden.Read(bytes.NewReader(b.Data), b.Report+"/testdata/"+b.File)
}

// An Input is what a report renders and checks: the data pack's
// PUBLISHED.md, the study's sets (Spec.Baselines, by Name) and a run of
// ours, if any.
type Input struct {
	Published studydata.Published
	Study     map[string]*golden.Set
	// Runs is a run of the report's benchmarks (a user's, or the
	// committed Spec.Ours); nil or empty means none, and Render then
	// renders the study alone.
	Runs *golden.Set
}

// Set returns the study's set name, or an error saying it is not there.
func (in Input) Set(name string) (*golden.Set, error) {
	s, ok := in.Study[name]
	if !ok || s == nil {
		return nil, fmt.Errorf("report: no study set %q in the input", name)
	}
	return s, nil
}

// Claims are a report's published rows set against the data: numbers as
// Claims (Cite them), statements as Findings.
type Claims struct {
	Numbers  []Claim
	Findings []Finding
}

// ClaimsOf is a Spec.Claims whose claims are computed from the study set
// named set alone: its numbers, and its findings where findings is not nil.
func ClaimsOf(set string, numbers func(studydata.Published, *golden.Set) []Claim, findings func(studydata.Published, *golden.Set) []Finding) func(Input) (Claims, error) {
	return func(in Input) (Claims, error) {
		s, err := in.Set(set)
		if err != nil {
			return Claims{}, err
		}
		cs := Claims{Numbers: numbers(in.Published, s)}
		if findings != nil {
			cs.Findings = findings(in.Published, s)
		}
		return cs, nil
	}
}

// A Spec is a report: what it reads, what its benchmarks report and how it
// renders. Each tr package declares one, in its non-test code (the
// harness's Report adds the benchmark matrix and body around it), and
// golden/report/reporttest.Check checks it: the baselines against their
// converter, Render against the goldens, Claims against PUBLISHED.md.
type Spec struct {
	// Name is the report's package: "tr108". Its fragment is that
	// package's testdata/report.md.golden.
	Name string
	// Benchmarks are the benchmarks that report it, without the
	// Benchmark prefix ("TR108"); a run holding them is a run of the
	// report.
	Benchmarks []string
	// Published are the PUBLISHED.md reports ("TR108", "TR114_v2") whose
	// every row with data Claims must cite.
	Published []string
	// Cites are further rows of PUBLISHED.md that Claims must cite, of a
	// report whose rows are shared between packages (TR112_v2's between
	// tr109 and tr111).
	Cites []int
	// Baselines are the study sets Render reads, the report's own first.
	Baselines []Baseline
	// Ours, if set, is a committed run of ours in testdata ("ours.bench")
	// that the golden fragment renders as Input.Runs.
	Ours string
	// Units are every unit the benchmarks report, each registered in
	// internal/units; the runner prints their Unit lines and refuses any
	// other.
	Units []string
	// Render turns the input into the fragment. It must accept an Input
	// with no Runs.
	Render func(Input) (Fragment, error)
	// Claims recomputes the published rows from the input.
	Claims func(Input) (Claims, error)
}

// Study reads every baseline of s, keyed by Baseline.Name.
func (s Spec) Study() (map[string]*golden.Set, error) {
	sets := map[string]*golden.Set{}
	var errs []error
	for _, b := range s.Baselines {
		set, err := b.Set()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
			continue
		}
		sets[b.Name] = set
	}
	return sets, errors.Join(errs...)
}

// Input returns s's Input for pub and runs (nil: none): the study's sets
// read from the embedded baselines.
func (s Spec) Input(pub studydata.Published, runs *golden.Set) (Input, error) {
	study, err := s.Study()
	return Input{Published: pub, Study: study, Runs: runs}, err
}

// ChartSection is a fragment's closing section that embeds its charts
// (NamedChart.Markdown), under a heading of level ("###", "####"): for a
// report whose charts belong to no one table.
func ChartSection(level string, cs []NamedChart) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n%s Charts\n", level)
	for _, c := range cs {
		b.WriteString("\n" + c.Markdown())
	}
	return b.String()
}
