package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// An Agent is a Go port of the study's Rust agent (demo_agent, and each
// agent of demo_multiagent v2): ingest a corpus of benchmark files, make an
// analysis call whose prompt embeds the ingest summary, then a report call
// whose prompt embeds the parsed analysis. Every call is measured
// ([Measure]) and appended to Trace before the next request starts.
type Agent struct {
	Name     string          // "baseline", "chimera", "collector", …
	Client   *measure.Client // the instance this agent talks to
	URL      string          // the instance's base URL, recorded with each call
	Model    string
	Options  measure.Options
	Corpus   string // directory ingested before the first call
	Endpoint string // "generate" (default) or "chat"
	Stall    time.Duration
	Trace    *measure.Trace // may be nil
	Config   string         // config label copied into records
}

// A Workflow is one run of an agent: its timings and its calls.
type Workflow struct {
	Agent    string
	Run      string
	Files    int           // files ingested
	Ingest   time.Duration // reading the corpus and building the summary
	Analysis time.Duration // call 1, client wall clock
	Report   time.Duration // call 2, client wall clock
	Total    time.Duration // ingest + both calls, as the study's execution time
	Calls    []measure.Record
}

// Run runs the workflow once. run labels the records (e.g. "3" or "warmup").
// On error the Workflow holds what was measured before it.
func (a *Agent) Run(ctx context.Context, run string) (Workflow, error) {
	w := Workflow{Agent: a.Name, Run: run}
	start := time.Now()

	corpus, err := Ingest(a.Corpus)
	if err != nil {
		return w, fmt.Errorf("agent %s: %w", a.Name, err)
	}
	summary := corpus.Summary()
	w.Files = corpus.Files()
	w.Ingest = time.Since(start)

	analysis, err := a.call(ctx, &w, "analysis", AnalysisPrompt(summary))
	w.Analysis = analysis.End
	if err != nil {
		w.Total = time.Since(start)
		return w, err
	}
	report, err := a.call(ctx, &w, "report", ReportPrompt(ParseAnalysis(analysis.Response), corpus.MetricsJSON()))
	w.Report = report.End
	w.Total = time.Since(start)
	return w, err
}

func (a *Agent) call(ctx context.Context, w *Workflow, stage, prompt string) (measure.Record, error) {
	r, err := measure.Measure(ctx, measure.Call{
		Client:   a.Client,
		URL:      a.URL,
		Model:    a.Model,
		Endpoint: a.Endpoint,
		Prompt:   prompt,
		Options:  a.Options.Map(),
		Stall:    a.Stall,
		Run:      w.Run,
		Config:   a.Config,
		Agent:    a.Name,
		Stage:    stage,
	})
	w.Calls = append(w.Calls, r)
	if a.Trace != nil {
		if terr := a.Trace.Write(r); terr != nil && err == nil {
			err = fmt.Errorf("agent %s: %w", a.Name, terr)
		}
	}
	if err != nil {
		return r, fmt.Errorf("agent %s %s call: %w", a.Name, stage, err)
	}
	return r, nil
}
