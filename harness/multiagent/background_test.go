package multiagent

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Agents in the background run workflow after workflow, all at once, and
// Stop waits for the workflows they are in: every call is complete.
func TestBackgroundKeepsAgentsBusyUntilStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		corpus := smallCorpus(t)
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fixed}, NumParallel: 2})
		agents := []*agent.Agent{newAgent(t, "a", fake, fixed.Name, corpus), newAgent(t, "b", fake, fixed.Name, corpus)}
		// Load the model first, so that every workflow below takes the
		// same time: two calls of 50 tokens, 5 ms apart.
		if _, err := Run(t.Context(), "warmup", agents...); err != nil {
			t.Fatal(err)
		}
		workflow := 2 * 50 * fixed.InterToken
		bg := StartBackground(t.Context(), "bg", agents...)
		time.Sleep(2*workflow + workflow/2) // inside each agent's third workflow
		start := time.Now()
		ws, err := bg.Stop()
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != workflow/2 {
			t.Errorf("Stop waited %v, want the rest of the running workflows, %v", waited, workflow/2)
		}
		runs := map[string][]string{}
		for _, w := range ws {
			runs[w.Agent] = append(runs[w.Agent], w.Run)
			if len(w.Calls) != 2 || w.Total != workflow {
				t.Errorf("%s %s: %d calls in %v, want 2 in %v", w.Agent, w.Run, len(w.Calls), w.Total, workflow)
			}
		}
		for _, a := range []string{"a", "b"} {
			if got := runs[a]; len(got) != 3 || got[0] != "bg/1" || got[2] != "bg/3" {
				t.Errorf("agent %s ran %v, want bg/1, bg/2, bg/3", a, got)
			}
		}
	})
}

// An agent whose workflow fails stops; Stop returns the error.
func TestBackgroundReturnsTheFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		corpus := smallCorpus(t)
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fixed}})
		bg := StartBackground(t.Context(), "bg", newAgent(t, "a", fake, "no-such-model", corpus))
		synctest.Wait()
		ws, err := bg.Stop()
		if err == nil || len(ws) != 1 || len(ws[0].Calls) != 1 || ws[0].Calls[0].OK() {
			t.Errorf("Stop = %d workflows, %v; want the one failed call and its error", len(ws), err)
		}
	})
}
