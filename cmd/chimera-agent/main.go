// Command chimera-agent runs the Go agent's workflow against one Ollama
// instance, as a process of its own. TR111 uses it to measure what the
// study only estimated: the agent's startup (exec → first request sent)
// and its peak RSS.
//
// Usage:
//
//	chimera-agent -url http://127.0.0.1:11434 -model gemma3:latest -corpus DIR [-runs 1] [-options '{"num_ctx":512}'] [-trace FILE]
//
// Records are appended to the trace file (JSONL) as they are measured; the
// exit status is non-zero on any failed call.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stderr, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chimera-agent:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("chimera-agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "Ollama base URL (required)")
	model := fs.String("model", "", "model tag (required)")
	corpus := fs.String("corpus", "", "directory of benchmark files to ingest (required)")
	runs := fs.Int("runs", 1, "workflow runs")
	options := fs.String("options", "", "request options as a JSON object (default: none, the server's defaults)")
	tracePath := fs.String("trace", "", "append records to this JSONL file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *model == "" || *corpus == "" {
		fs.Usage()
		return errors.New("-url, -model and -corpus are required")
	}
	u, err := url.Parse(*base)
	if err != nil {
		// url.Parse's error quotes the URL, password and all.
		return fmt.Errorf("-url %q is not a URL", measure.RedactURL(*base))
	}
	// Credentials go as basic auth; the URL in records and errors has none.
	u, hc := measure.SplitCredentials(u, &http.Client{})
	var opts measure.Options
	if *options != "" {
		if err := json.Unmarshal([]byte(*options), &optionsJSON{&opts}); err != nil {
			return fmt.Errorf("-options: %w", err)
		}
	}
	a := &agent.Agent{
		Name:    "agent",
		Client:  measure.NewClient(u, hc),
		URL:     u.String(),
		Model:   *model,
		Options: opts,
		Corpus:  *corpus,
	}
	if *tracePath != "" {
		t, err := measure.OpenTrace(*tracePath)
		if err != nil {
			return err
		}
		defer t.Close()
		a.Trace = t
	}
	for i := range *runs {
		if _, err := a.Run(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	return nil
}

// optionsJSON decodes Ollama's option names into measure.Options.
type optionsJSON struct{ o *measure.Options }

func (j *optionsJSON) UnmarshalJSON(b []byte) error {
	var m struct {
		NumGPU        *int     `json:"num_gpu"`
		NumCtx        *int     `json:"num_ctx"`
		Temperature   *float64 `json:"temperature"`
		TopP          *float64 `json:"top_p"`
		TopK          *int     `json:"top_k"`
		RepeatPenalty *float64 `json:"repeat_penalty"`
		NumPredict    *int     `json:"num_predict"`
		NumThread     *int     `json:"num_thread"`
		Seed          *int     `json:"seed"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return err
	}
	*j.o = measure.Options{NumGPU: m.NumGPU, NumCtx: m.NumCtx, Temperature: m.Temperature, TopP: m.TopP, TopK: m.TopK,
		RepeatPenalty: m.RepeatPenalty, NumPredict: m.NumPredict, NumThread: m.NumThread, Seed: m.Seed}
	return nil
}
