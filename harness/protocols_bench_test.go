package harness

import (
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// protocolUnits are what BenchmarkProtocols reports.
var protocolUnits = append([]string{"ns/op"}, CallUnits...)

// BenchmarkProtocols measures one Ollama server and model through its
// native API and through its own OpenAI-compatible /v1, in one run: the
// baseline agent's workflow (as TR111 runs it, warm), alternately as
// protocol=ollama and protocol=openai. benchstat -col /protocol puts them
// side by side; ttft-ns and stream-tok/s exist on both (tok/s, load-ns and
// prefill-ns only where Ollama's native API reports them).
//
// Neither side sends num_thread (the protocol has none), so both run the
// same runner with the server's default threads. -count repeats each
// sub-benchmark back to back; to alternate the protocols sample by sample
// on a machine whose load drifts, loop over invocations:
//
//	for i in 1 2 3 4 5 6; do go test -run '^$' -bench Protocols -benchtime 1x ./harness; done > protocols.txt
//	go tool benchstat -col /protocol protocols.txt
func BenchmarkProtocols(b *testing.B) {
	l := NewLive(b, LiveConfig{Units: protocolUnits})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	native, openai := protocolLives(b, l, &http.Client{Transport: tr})
	c := AgentConfigs()[0]
	b.Run("protocol=ollama", func(b *testing.B) { BenchAgent(b, native, c, "protocol=ollama", nil) })
	b.Run("protocol=openai", func(b *testing.B) { BenchAgent(b, openai, c, "protocol=openai", nil) })
}

// protocolLives returns l on its first instance without num_thread, once
// through the native API and once through the instance's /v1 with hc.
func protocolLives(tb testing.TB, l *Live, hc *http.Client) (native, openai *Live) {
	tb.Helper()
	n := *l
	n.Instances = l.Instances[:1]
	n.Base.NumThread = nil
	in := *l.Instances[0]
	u, err := url.Parse(in.nativeURL() + "/v1")
	if err != nil {
		tb.Fatal(err)
	}
	in.URL, in.Client = u.String(), measure.NewOpenAIClient(u, hc, "")
	in.OpenAI = &measure.ServerInfo{Name: "ollama", Version: in.Version, Ollama: true}
	o := n
	o.Instances = []*Instance{&in}
	return &n, &o
}

// The same script measured through both protocols gives the same client
// metrics, exactly: TTFT is prefill (a warm model), the tokens are
// InterToken apart, and only the native API adds the server's own
// accounting.
func TestProtocolsMeasureTheSameScript(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := ollamatest.Model{Name: "fake:tiny", Load: 300 * time.Millisecond, PrefillPerToken: 250 * time.Microsecond, InterToken: 2 * time.Millisecond}
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{m}})
		u, err := url.Parse(fake.URL)
		if err != nil {
			t.Fatal(err)
		}
		l := &Live{
			Instances: []*Instance{{URL: fake.URL, Client: measure.NewClient(u, fake.Client()), NumThread: 1}},
			Models:    []ModelInfo{{Tag: m.Name}},
			Base:      measure.Options{NumPredict: measure.Ptr(24), NumThread: measure.Ptr(1)},
			Trace:     NewTrace(t),
			Corpus:    CorpusDir(t),
			Units:     protocolUnits,
		}
		native, openai := protocolLives(t, l, fake.Client())
		c := AgentConfigs()[0]
		got := map[string]map[string]float64{}
		for _, p := range []struct {
			name string
			l    *Live
		}{{"ollama", native}, {"openai", openai}} {
			res := BenchOnce(t, func(b *testing.B) { BenchAgent(b, p.l, c, "protocol="+p.name, nil) })
			got[p.name] = res.Extra
		}
		var prefill time.Duration
		var calls int
		for _, r := range fake.Requests() {
			if r.Outcome == "done" && r.PromptTokens > 0 {
				if r.Options["num_thread"] != nil {
					t.Errorf("%s sent num_thread: the protocols must run the same runner", r.Path)
				}
				if r.Path == "/v1/chat/completions" && r.Load == 0 && calls < 2 {
					prefill += time.Duration(r.PromptTokens) * m.PrefillPerToken
					calls++
				}
			}
		}
		shared := map[string]float64{
			"ttft-ns":      float64(prefill / 2),
			"e2e-ns":       float64(prefill/2 + 24*m.InterToken),
			"itl-ns":       float64(m.InterToken),
			"stream-tok/s": float64(time.Second / m.InterToken),
			"failed-calls": 0,
		}
		for _, p := range []string{"ollama", "openai"} {
			sub := map[string]float64{}
			for u := range shared {
				sub[u] = got[p][u]
			}
			if diff := cmp.Diff(shared, sub, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("protocol=%s: client metrics mismatch (-want +got):\n%s", p, diff)
			}
		}
		if _, ok := got["ollama"]["tok/s"]; !ok {
			t.Error("the native API reported no tok/s")
		}
		if _, ok := got["openai"]["tok/s"]; ok {
			t.Error("tok/s reported over Ollama's /v1, which has no server decode time")
		}
	})
}
