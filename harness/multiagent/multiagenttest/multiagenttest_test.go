package multiagenttest

import (
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// Agent i of a test reaches fake i, through the instances' own clients and
// through a clone of Transport alike, and the fakes log what they served.
func TestEachInstanceReachesItsFake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:m", InterToken: time.Millisecond, Tokens: 4}
		f := New(t, Config{Models: []ollamatest.Model{m}, NumPredict: 4, NumParallel: []int{1, 2}})
		if len(f.Live.Instances) != 2 || len(f.Live.Models) != 1 || f.Live.Models[0].Tag != m.Name {
			t.Fatalf("Live has %d instances and models %+v; want 2 and %s", len(f.Live.Instances), f.Live.Models, m.Name)
		}
		own := []multiagent.Endpoint{{URL: f.Live.Instances[0].URL, Client: f.Live.Instances[0].Client}}
		u, err := url.Parse(f.Live.Instances[1].URL)
		if err != nil {
			t.Fatal(err)
		}
		clone := &http.Client{Transport: f.Transport.Clone()}
		own = append(own, multiagent.Endpoint{URL: u.String(), Client: measure.NewClient(u, clone)})
		tmpl := agent.Agent{Model: m.Name, Corpus: f.Live.Corpus, Trace: f.Live.Trace}
		if _, err := multiagent.Run(t.Context(), "1", multiagent.Test{Scenario: multiagent.ChimeraHomo}.Agents(tmpl, f.Live.Base, own)...); err != nil {
			t.Fatal(err)
		}
		for i, s := range f.Servers {
			var n int
			for _, r := range s.Requests() {
				if r.Path == "/api/generate" && r.Outcome == "done" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("fake %d served %d calls, want 2 (one agent's workflow)", i, n)
			}
		}
		if got := len(f.Prompted()); got != 4 {
			t.Errorf("Prompted() has %d calls, want 4", got)
		}
	})
}
