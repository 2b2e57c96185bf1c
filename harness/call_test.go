package harness

import (
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// TestLiveMeasure checks the single-call step of a body: a call on the
// instance lands in the trace with the run and stage it was given, and a
// failed one (a model the server lacks) fails the benchmark with the
// server's answer, after tracing it too.
func TestLiveMeasure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:m", InterToken: time.Millisecond, Tokens: 4}
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{m}})
		u, err := url.Parse(fake.URL)
		if err != nil {
			t.Fatal(err)
		}
		inst := &Instance{URL: fake.URL, Client: measure.NewClient(u, fake.Client())}
		l := &Live{Trace: NewTrace(t)}
		r := l.Measure(t, inst, measure.Call{Model: m.Name, Prompt: "Say hello.", Run: "1", Stage: "prompt=1"})
		if r.EvalCount == nil || *r.EvalCount != 4 {
			t.Errorf("EvalCount = %v, want 4 (the fake's script)", r.EvalCount)
		}
		_, fail := srvRecord(t, func(tb testing.TB) {
			l.Measure(tb, inst, measure.Call{Model: "fake:absent", Prompt: "Say hello.", Run: "2", Stage: "prompt=1"})
		})
		if !strings.Contains(fail, "not found") {
			t.Errorf("a call to an absent model failed with %q, want the server's 404", fail)
		}
		trace, err := measure.ReadTrace(l.Trace.Path())
		if err != nil {
			t.Fatal(err)
		}
		var runs []string
		for _, rec := range trace {
			runs = append(runs, rec.Run+"/"+rec.Stage)
		}
		if strings.Join(runs, " ") != "1/prompt=1 2/prompt=1" {
			t.Errorf("trace holds %v, want both calls (1/prompt=1 2/prompt=1)", runs)
		}
	})
}
