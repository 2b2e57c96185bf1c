package tr111

import (
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// openaiLive is a Live whose one instance is the fake's /v1, spoken to
// over the OpenAI protocol inside the bubble, as CHIMERA_OPENAI_URLS sets
// it up.
func openaiLive(t *testing.T, fake *ollamatest.Server, info measure.ServerInfo) *harness.Live {
	t.Helper()
	u, err := url.Parse(fake.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}
	return &harness.Live{
		Instances: []*harness.Instance{{URL: u.String(), Source: harness.SourceOpenAI, OpenAI: &info,
			Client: measure.NewOpenAIClient(u, fake.Client(), "")}},
		Models: []harness.ModelInfo{{Tag: fakeModel.Name}},
		Base:   measure.Options{NumPredict: measure.Ptr(fakePredict)},
		Trace:  harness.NewTrace(t),
		Corpus: harness.CorpusDir(t),
		Units:  reportedUnits,
	}
}

// completions returns the fake's log of the chat completions that
// completed.
func completions(fake *ollamatest.Server) []ollamatest.RequestLog {
	var rs []ollamatest.RequestLog
	for _, r := range fake.Requests() {
		if r.Path == "/v1/chat/completions" && r.Outcome == "done" {
			rs = append(rs, r)
		}
	}
	return rs
}

// TestTR111BodyOverOpenAIReportsTheFakesTruth runs the baseline agent,
// warm, over the OpenAI protocol against the fake in each real server's
// shape, inside a synctest bubble, and checks every reported metric
// against the script: TTFT is prefill whether or not a role-only chunk
// went out before it, tokens come from usage or are counted, and what a
// shape does not report (load, prefill and decode times; prompt tokens
// without usage) is omitted and counted, never 0.
func TestTR111BodyOverOpenAIReportsTheFakesTruth(t *testing.T) {
	for _, tc := range []struct {
		shape          ollamatest.OpenAIShape
		timings, usage bool
	}{
		{shape: ollamatest.ShapeOllama, usage: true},
		{shape: ollamatest.ShapeVLLM, usage: true},
		{shape: ollamatest.ShapeLlamaCpp, usage: true, timings: true},
		{shape: ollamatest.ShapeNoUsage},
	} {
		t.Run("shape="+tc.shape.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}, OpenAI: tc.shape})
				l := openaiLive(t, fake, measure.ServerInfo{Name: tc.shape.String()})
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, &harness.Env{Live: l}, leaf{harness.AgentConfigs()[0], "warm"}) })
				all := completions(fake)
				if len(all) != 4 {
					t.Fatalf("%d completed calls, want 4 (warm-up and one run, 2 calls each)", len(all))
				}
				calls := all[2:]
				var prefill time.Duration
				var promptTokens int
				for _, r := range calls {
					if r.Load != 0 {
						t.Errorf("a measured call paid %v of load: the warm-up did not warm", r.Load)
					}
					if want := map[string]any{"max_tokens": fakePredict}; !cmp.Equal(want, r.Options) {
						t.Errorf("the call sent %v, want %v: baseline sends only num_predict, as max_tokens", r.Options, want)
					}
					promptTokens += r.PromptTokens
					prefill += time.Duration(r.PromptTokens) * fakeModel.PrefillPerToken
				}
				n := time.Duration(len(calls))
				want := map[string]float64{
					"ttft-ns":       float64(prefill / n),
					"first-ttft-ns": float64(time.Duration(calls[0].PromptTokens) * fakeModel.PrefillPerToken),
					"e2e-ns":        float64(prefill/n + fakePredict*fakeModel.InterToken),
					"itl-ns":        float64(fakeModel.InterToken),
					"stream-tok/s":  float64(time.Second / fakeModel.InterToken),
					"no-ttft-calls": 0,
					"no-load-calls": 2, // the protocol has no load time
					"failed-calls":  0,
					"invalid-calls": 0,
				}
				if tc.usage {
					want["prompt-tok"] = float64(promptTokens) / float64(n)
				}
				if tc.timings {
					want["prefill-ns"] = float64(prefill / n)
					want["tok/s"] = float64(time.Second / fakeModel.InterToken)
					want["no-prefill-calls"] = 0
				} else {
					want["no-prefill-calls"] = 2
				}
				multiagenttest.AssertValues(t, want, res.Extra)
			})
		})
	}
}

// A reasoning model's first tokens are reasoning deltas: TTFT is still
// the first content, reasoning-ttft-ns the first reasoning delta, and
// reasoning-tok how many there were; stream-tok/s runs over both.
func TestTR111BodyOverOpenAIReportsReasoningApart(t *testing.T) {
	const reasoning = 5
	synctest.Test(t, func(t *testing.T) {
		m := fakeModel
		m.Reasoning = reasoning
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{m}, OpenAI: ollamatest.ShapeVLLM})
		l := openaiLive(t, fake, measure.ServerInfo{Name: "vllm"})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, &harness.Env{Live: l}, leaf{harness.AgentConfigs()[0], "warm"}) })
		calls := completions(fake)[2:]
		var prefill time.Duration
		for _, r := range calls {
			prefill += time.Duration(r.PromptTokens) * fakeModel.PrefillPerToken
		}
		prefill /= time.Duration(len(calls))
		got := map[string]float64{}
		for _, u := range []string{"ttft-ns", "reasoning-ttft-ns", "reasoning-tok", "stream-tok/s", "itl-ns"} {
			got[u] = res.Extra[u]
		}
		want := map[string]float64{
			"ttft-ns":           float64(prefill + reasoning*fakeModel.InterToken),
			"reasoning-ttft-ns": float64(prefill),
			"reasoning-tok":     reasoning,
			"stream-tok/s":      float64(time.Second / fakeModel.InterToken),
			"itl-ns":            float64(fakeModel.InterToken),
		}
		multiagenttest.AssertValues(t, want, got)
	})
}

// A 429, a 503 or a cut stream fails its call, which the trace keeps with
// its status and failed-calls counts; the run goes on, and what did
// succeed is pooled.
func TestTR111BodyOverOpenAICountsFailedCallsAndGoesOn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  ollamatest.Fault
		before int // calls served before the fault: the warm-up's two, and the run's first where it hits the report call
		pooled bool
		status int
	}{
		{name: "429 on the analysis call", fault: ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 429}, before: 2, status: 429},
		{name: "503 on the analysis call", fault: ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 503}, before: 2, status: 503},
		{name: "a cut in the report call", fault: ollamatest.Fault{Kind: ollamatest.FaultCut, After: 3}, before: 3, pooled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}, OpenAI: ollamatest.ShapeVLLM})
				fake.Inject("", ollamatest.Fault{Kind: ollamatest.FaultNone, Count: tc.before})
				f := tc.fault
				f.Count = 1
				fake.Inject("", f)
				l := openaiLive(t, fake, measure.ServerInfo{Name: "vllm"})
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, &harness.Env{Live: l}, leaf{harness.AgentConfigs()[0], "warm"}) })
				if res.Extra["failed-calls"] != 1 {
					t.Errorf("failed-calls = %v, want 1", res.Extra["failed-calls"])
				}
				if _, ok := res.Extra["ttft-ns"]; ok != tc.pooled {
					t.Errorf("ttft-ns reported %v, want %v: only the run's successful call is pooled", ok, tc.pooled)
				}
				recs, err := measure.ReadTrace(l.Trace.Path())
				if err != nil {
					t.Fatal(err)
				}
				var failed []measure.Record
				for _, r := range recs {
					if !r.OK() {
						failed = append(failed, r)
					}
				}
				if len(failed) != 1 || failed[0].Status != tc.status || failed[0].Run != "1" {
					t.Errorf("failed records in the trace: %+v; want one, of run 1, status %d", failed, tc.status)
				}
			})
		})
	}
}

// The configurations the protocol cannot run skip with the reason: the
// chimera agents send num_ctx and num_gpu, and a server other than Ollama
// cannot unload a model for start=cold.
func TestTR111OverOpenAISkipsWhatTheProtocolLacks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     harness.AgentConfig
		start string
	}{
		{"chimera sends num_ctx and num_gpu", harness.AgentConfigs()[1], "warm"},
		{"vLLM cannot unload for start=cold", harness.AgentConfigs()[0], "cold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}, OpenAI: ollamatest.ShapeVLLM})
				l := openaiLive(t, fake, measure.ServerInfo{Name: "vllm"})
				var skipped bool
				testing.Benchmark(func(b *testing.B) {
					defer func() { skipped = b.Skipped() }()
					Report.RunLeaf(b, &harness.Env{Live: l}, leaf{tc.c, tc.start})
				})
				if !skipped {
					t.Error("the configuration ran; want it skipped")
				}
				if n := len(fake.Requests()); n != 0 {
					t.Errorf("%d requests were sent; a skipped configuration sends none", n)
				}
			})
		})
	}
}

// On Ollama's /v1 start=cold runs: the model is unloaded through the
// native API before the run, and the first call's TTFT pays the load,
// exactly, though the protocol reports no load time.
func TestTR111ColdOverOllamasV1UnloadsThroughTheNativeAPI(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}})
		l := openaiLive(t, fake, measure.ServerInfo{Name: "ollama", Ollama: true})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, &harness.Env{Live: l}, leaf{harness.AgentConfigs()[0], "cold"}) })
		calls := completions(fake)[2:]
		if calls[0].Load != fakeModel.Load || calls[1].Load != 0 {
			t.Fatalf("the run's calls loaded for %v then %v, want %v then 0", calls[0].Load, calls[1].Load, fakeModel.Load)
		}
		want := float64(fakeModel.Load + time.Duration(calls[0].PromptTokens)*fakeModel.PrefillPerToken)
		if got := res.Extra["first-ttft-ns"]; got != want {
			t.Errorf("first-ttft-ns = %v, want load + prefill = %v", got, want)
		}
		if _, ok := res.Extra["load-ns"]; ok {
			t.Error("load-ns reported over the OpenAI protocol, which has no load time")
		}
	})
}
