package agent

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

func TestAgentWorkflow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:wf", Load: 200 * time.Millisecond, InterToken: 10 * time.Millisecond, Tokens: 8}
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{m}})
		tr, err := measure.OpenTrace(filepath.Join(t.TempDir(), "trace.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		a := &Agent{Name: "chimera", Client: clientFor(t, fake), URL: fake.URL, Model: m.Name, Corpus: testCorpus(t), Trace: tr,
			Options: measure.Options{NumCtx: measure.Ptr(512), Temperature: measure.Ptr(0.6)}}
		w, err := a.Run(t.Context(), "1")
		if err != nil {
			t.Fatal(err)
		}
		if w.Files != 101 || len(w.Calls) != 2 || w.Calls[0].Stage != "analysis" || w.Calls[1].Stage != "report" {
			t.Fatalf("workflow = %d files, calls %+v", w.Files, w.Calls)
		}
		// Virtual time: the analysis call pays the load, both decode 8 tokens.
		if w.Analysis != w.Calls[0].End || w.Report != w.Calls[1].End || w.Total != w.Ingest+w.Analysis+w.Report {
			t.Errorf("timings %+v do not add up to the calls' wall clocks", w)
		}
		reqs := fake.Requests()
		if got := reqs[0].Options; got["num_ctx"] != float64(512) || got["temperature"] != 0.6 || len(got) != 2 {
			t.Errorf("options sent = %v, want exactly num_ctx and temperature", got)
		}
		if !strings.Contains(w.Calls[1].Response, "the ") {
			t.Errorf("report response %q is not the fake's words", w.Calls[1].Response)
		}
		recs, err := measure.ReadTrace(tr.Path())
		if err != nil || len(recs) != 2 {
			t.Fatalf("trace: %d records, %v", len(recs), err)
		}
	})
}

// TestAgentFailureKeepsWhatWasMeasured: when the report call's stream is
// cut, the run fails, says where, and the analysis call is on disk already.
func TestAgentFailureKeepsWhatWasMeasured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:cut", InterToken: 10 * time.Millisecond, Tokens: 8}
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{m}})
		tr, err := measure.OpenTrace(filepath.Join(t.TempDir(), "trace.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		a := &Agent{Name: "baseline", Client: clientFor(t, fake), URL: fake.URL, Model: m.Name, Corpus: testCorpus(t), Trace: tr}
		if _, err := a.Run(t.Context(), "warmup"); err != nil {
			t.Fatal(err)
		}
		fake.Inject(m.Name, ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 3, Count: 1})
		w, err := a.Run(t.Context(), "1")
		if !errors.Is(err, measure.ErrNoDone) || !strings.Contains(err.Error(), "agent baseline analysis call") {
			t.Fatalf("err = %v, want measure.ErrNoDone naming the agent and the call", err)
		}
		if len(w.Calls) != 1 || w.Calls[0].OK() {
			t.Fatalf("workflow kept %d calls (%+v), want the failed one", len(w.Calls), w.Calls)
		}
		recs, _ := measure.ReadTrace(tr.Path())
		if len(recs) != 3 || !recs[1].OK() || recs[2].Err == "" {
			t.Errorf("trace has %d records; want the 2 warm-up calls and the failed one with its error", len(recs))
		}
	})
}

// clientFor is a Client for the fake, through the fake's own HTTP client
// (net.Pipe inside a synctest bubble).
func clientFor(tb testing.TB, s *ollamatest.Server) *measure.Client {
	tb.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return measure.NewClient(u, s.Client())
}

// testCorpus is the default corpus, written to a temporary directory.
func testCorpus(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := WriteDefaultCorpus(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}
