package capacity

import (
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// Over the OpenAI protocol (each fake's own /v1) the closed loop gives the
// same closed form: the agents' calls go through the instances' client.
// The protocol reports no server phases, so the queue wait and
// agent-tok/s, which are derived from them, are omitted rather than
// reported as 0 (speedup-x needs an agents=1 run first, which this test
// does not make).
func TestClosedLoopOverOpenAIIsTheClosedForm(t *testing.T) {
	s := Setup{2, 1}
	const n = 4
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t, s, closedUnits)
		for _, in := range f.Live.Instances {
			u, err := url.Parse(in.URL + "/v1")
			if err != nil {
				t.Fatal(err)
			}
			in.URL, in.Client = u.String(), measure.NewOpenAIClient(u, &http.Client{Transport: f.Transport.Clone()}, "")
			in.OpenAI = &measure.ServerInfo{Name: "ollama", Ollama: true}
		}
		target := fakePrefill + 2*fakeS
		c := testConfig(t, "ttft-p95<="+target.String())
		var alone time.Duration
		res := harness.BenchOnce(t, func(b *testing.B) { benchClosed(b, f.Live, c, n, &alone) })
		for _, srv := range f.Servers {
			for _, r := range srv.Requests() {
				if r.PromptTokens > 0 && r.Path != "/v1/chat/completions" {
					t.Errorf("a call went to %s, not over the OpenAI protocol", r.Path)
				}
			}
		}
		waits, wall := closedWaits(t, s, n, c.Calls)
		good := 0
		for _, w := range waits {
			if w+fakePrefill <= target {
				good++
			}
		}
		want := map[string]float64{
			"agg-tok/s":   float64(n*c.Calls*fakeTokens) / wall.Seconds(),
			"ttft-p50-ns": percentile(waits, fakePrefill, 50),
			"ttft-p95-ns": percentile(waits, fakePrefill, 95),
			"ttft-p99-ns": percentile(waits, fakePrefill, 99),
			"e2e-p95-ns":  percentile(waits, fakeS, 95),
			"goodput-%":   100 * float64(good) / float64(len(waits)),
		}
		if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
			t.Errorf("metrics mismatch (-want +got):\n%s", diff)
		}
	})
}
