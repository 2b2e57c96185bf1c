package ollamatest_test

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ollama/ollama/api"
	"gotest.tools/v3/golden"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// The transcripts pin everything a generate, chat or chat-completion
// request does, byte for byte and on the bubble's clock: when the headers
// and each line arrive, what the lines say, how the body ends, and what the
// fake logged. Any change to the fake's behaviour moves a golden file.

// cold loads in 100 ms, prefills 1 ms per prompt token and sends 5 tokens
// 10 ms apart; fixed adds a fixed prefill, reasoning tokens and its own
// words, and loads at once.
var (
	cold  = ollamatest.Model{Name: "cold", Load: 100 * ms, PrefillPerToken: ms, InterToken: 10 * ms, Tokens: 5}
	fixed = ollamatest.Model{Name: "fixed:1b", Prefill: 7 * ms, PrefillPerToken: ms, InterToken: 3 * ms, Tokens: 3,
		Reasoning: 1, Words: []string{"a ", "b "}}
)

// A call is one request of a scenario.
type call struct {
	at      time.Duration // sent this long after the scenario starts
	path    string
	body    string        // the raw JSON request
	key     string        // bearer token; "" = none
	giveUp  time.Duration // the client's deadline from its start; 0 = 10 s
	comment string
}

// A scenario is one fresh fake, the faults armed in it and its calls, run
// concurrently.
type scenario struct {
	name   string
	opts   ollamatest.Options
	faults []ollamatest.Fault // armed for any model, Count 1 unless set
	calls  []call
}

// transcript runs sc in a synctest bubble and returns what happened.
func transcript(t *testing.T, sc scenario) string {
	var out string
	synctest.Test(t, func(t *testing.T) {
		opts := sc.opts
		if opts.Models == nil {
			opts.Models = []ollamatest.Model{cold, fixed}
		}
		s := ollamatest.New(opts)
		hc := ollamatest.PipeClient(t, s)
		for _, f := range sc.faults {
			f.Count = max(f.Count, 1)
			s.Inject("", f)
		}
		t0 := time.Now()
		got := make([]string, len(sc.calls))
		var wg sync.WaitGroup
		for i, c := range sc.calls {
			wg.Go(func() {
				time.Sleep(c.at)
				got[i] = c.run(t.Context(), hc, t0)
			})
		}
		wg.Wait()
		synctest.Wait() // handlers may outlive clients that gave up
		var b strings.Builder
		fmt.Fprintf(&b, "=== %s\n", sc.name)
		for i, g := range got {
			fmt.Fprintf(&b, "--- call %d", i+1)
			if sc.calls[i].comment != "" {
				fmt.Fprintf(&b, ": %s", sc.calls[i].comment)
			}
			fmt.Fprintf(&b, "\n%s", g)
		}
		for i, e := range s.Requests() {
			fmt.Fprintf(&b, "log %d: %s\n", i+1, logLine(e, t0))
		}
		for _, err := range s.Errors() {
			fmt.Fprintf(&b, "protocol error: %v\n", err)
		}
		out = b.String()
	})
	return out
}

func (c call) run(ctx context.Context, hc *http.Client, t0 time.Time) string {
	var b strings.Builder
	since := func() time.Duration { return time.Since(t0) }
	giveUp := cmp.Or(c.giveUp, 10*time.Second)
	fmt.Fprintf(&b, "> POST %s at %v, gives up after %v\n> %s\n", c.path, since(), giveUp, c.body)
	ctx, cancel := context.WithTimeout(ctx, giveUp)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ollamatest.PipeURL+c.path, strings.NewReader(c.body))
	if err != nil {
		return err.Error()
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		fmt.Fprintf(&b, "< %v: %v\n", since(), err)
		return b.String()
	}
	defer resp.Body.Close()
	fmt.Fprintf(&b, "< %v: %s\n", since(), resp.Status)
	for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
		if k == "Date" {
			continue
		}
		fmt.Fprintf(&b, "< %s: %s\n", k, strings.Join(resp.Header[k], ", "))
	}
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			fmt.Fprintf(&b, "< %v: %q\n", since(), line)
		}
		if err == io.EOF {
			fmt.Fprintf(&b, "< %v: end of body\n", since())
			return b.String()
		}
		if err != nil {
			fmt.Fprintf(&b, "< %v: body ends: %v\n", since(), err)
			return b.String()
		}
	}
}

func logLine(e ollamatest.RequestLog, t0 time.Time) string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Sub(t0).String()
	}
	keepAlive := "nil"
	if e.KeepAlive != nil {
		keepAlive = e.KeepAlive.String()
	}
	return fmt.Sprintf("%s %s model=%q prompt=%d options=%v keep_alive=%s stream=%t fault=%v arrived=%s started=%s finished=%s load=%v chunks=%d status=%d outcome=%q",
		e.Method, e.Path, e.Model, e.PromptTokens, e.Options, keepAlive, e.Stream, e.Fault,
		at(e.Arrived), at(e.Started), at(e.Finished), e.Load, e.Chunks, e.Status, e.Outcome)
}

// faultCases are the faults every protocol is tried with, each on a
// request the client gives up on after 3 s.
var faultCases = []struct {
	name string
	f    ollamatest.Fault
}{
	{"status", ollamatest.Fault{Kind: ollamatest.FaultStatus, Message: "boom"}},
	{"status 503 default message", ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 503}},
	{"cut after 2", ollamatest.Fault{Kind: ollamatest.FaultCut, After: 2}},
	{"cut after 0", ollamatest.Fault{Kind: ollamatest.FaultCut}},
	{"no-done after 2", ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 2}},
	{"no-done after all", ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 99}},
	{"stall after 1", ollamatest.Fault{Kind: ollamatest.FaultStall, After: 1}},
	{"stall after 0", ollamatest.Fault{Kind: ollamatest.FaultStall}},
	{"slow start", ollamatest.Fault{Kind: ollamatest.FaultSlowStart, Delay: 30 * ms}},
	{"bare", ollamatest.Fault{Kind: ollamatest.FaultBare}},
	{"keep-alive after 2", ollamatest.Fault{Kind: ollamatest.FaultKeepAlive, After: 2, Delay: time.Second}},
	{"keep-alive default interval", ollamatest.Fault{Kind: ollamatest.FaultKeepAlive, After: 5}},
	{"misreport", ollamatest.Fault{Kind: ollamatest.FaultMisreport, Misreport: func(m *api.Metrics) {
		m.EvalCount, m.EvalDuration, m.PromptEvalDuration = -1, 0, 0
	}}},
	{"two faults, first spent first", ollamatest.Fault{Kind: ollamatest.FaultCut, After: 1}},
}

func assertTranscripts(t *testing.T, file string, scs []scenario) {
	t.Helper()
	var b strings.Builder
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) { b.WriteString(transcript(t, sc) + "\n") })
	}
	golden.Assert(t, b.String(), "transcripts/"+file)
}

// nativeScenarios are generate's and chat's.
func nativeScenarios(path string) []scenario {
	body := func(stream bool, model, extra string) string {
		text := `"prompt":"abcdefgh","system":"sys."`
		if path == "/api/chat" {
			text = `"messages":[{"role":"system","content":"sys."},{"role":"user","content":"abcdefgh"}]`
		}
		return fmt.Sprintf(`{"model":%q,%s,"stream":%t%s}`, model, text, stream, extra)
	}
	empty := `"prompt":""`
	if path == "/api/chat" {
		empty = `"messages":[]`
	}
	var scs []scenario
	for _, stream := range []bool{true, false} {
		sfx := fmt.Sprintf(" stream=%t", stream)
		scs = append(scs,
			scenario{name: "cold load, prefill, tokens" + sfx, calls: []call{
				{path: path, body: body(stream, "cold", "")},
				{at: time.Second, path: path, body: body(stream, "cold", ""), comment: "warm"},
			}},
			scenario{name: "fixed prefill and num_predict" + sfx, calls: []call{
				{path: path, body: body(stream, "fixed:1b", `,"options":{"num_predict":4,"temperature":0}`)},
			}},
			scenario{name: "client gives up in load, prefill, tokens" + sfx, calls: []call{
				{path: path, body: body(stream, "cold", ""), giveUp: 50 * ms},
				{at: time.Second, path: path, body: body(stream, "cold", ""), giveUp: 102 * ms},
				{at: 2 * time.Second, path: path, body: body(stream, "cold", ""), giveUp: 25 * ms},
			}},
		)
		for _, fc := range faultCases {
			sc := scenario{name: "fault " + fc.name + sfx, faults: []ollamatest.Fault{fc.f}, calls: []call{
				{path: path, body: body(stream, "cold", ""), giveUp: 3 * time.Second},
				{at: 5 * time.Second, path: path, body: body(stream, "cold", ""), comment: "the next request"},
			}}
			if fc.name == "two faults, first spent first" {
				sc.faults = append(sc.faults, ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 502})
			}
			scs = append(scs, sc)
		}
	}
	scs = append(scs,
		scenario{name: "unknown model", calls: []call{{path: path, body: body(true, "absent", "")}}},
		scenario{name: "empty prompt loads, is never faulted, keep_alive 0 unloads",
			faults: []ollamatest.Fault{{Kind: ollamatest.FaultStatus}},
			calls: []call{
				{path: path, body: `{"model":"cold",` + empty + `,"keep_alive":"1s"}`},
				{at: 500 * ms, path: path, body: body(true, "cold", ""), comment: "spends the fault before loading"},
				{at: 1100 * ms, path: path, body: body(false, "cold", ""), comment: "the 1s keep-alive ran out just now: loads again"},
				{at: 2 * time.Second, path: path, body: `{"model":"cold",` + empty + `,"keep_alive":"2s","options":{"num_ctx":2048}}`, comment: "reload for num_ctx"},
				{at: 3 * time.Second, path: path, body: `{"model":"cold",` + empty + `,"keep_alive":0}`},
				{at: 4 * time.Second, path: path, body: body(false, "cold", `,"keep_alive":"1s"`), comment: "loads again after the unload"},
				{at: 5153 * ms, path: path, body: body(true, "cold", ""), comment: "its 1s keep-alive ran out just now: loads again"},
			}},
		scenario{name: "malformed request", calls: []call{{path: path, body: `{"model":`}}},
	)
	return scs
}

func TestTranscriptGenerate(t *testing.T) {
	assertTranscripts(t, "generate.golden", nativeScenarios("/api/generate"))
}

func TestTranscriptChat(t *testing.T) {
	assertTranscripts(t, "chat.golden", nativeScenarios("/api/chat"))
}

// openaiScenarios are /v1/chat/completions' in one shape.
func openaiScenarios(shape ollamatest.OpenAIShape) []scenario {
	const path = "/v1/chat/completions"
	body := func(model, extra string) string {
		return fmt.Sprintf(`{"model":%q,"messages":[{"role":"system","content":"sys."},{"role":"user","content":"abcdefgh"}],"stream":true%s}`, model, extra)
	}
	opts := ollamatest.Options{OpenAI: shape}
	scs := []scenario{
		{name: "cold load, prefill, tokens", opts: opts, calls: []call{
			{path: path, body: body("cold", "")},
			{at: time.Second, path: path, body: body("cold", `,"stream_options":{"include_usage":true}`), comment: "warm, with usage"},
		}},
		{name: "reasoning, fixed prefill, max_tokens, options", opts: opts, calls: []call{
			{path: path, body: body("fixed:1b", `,"max_tokens":4,"temperature":0.5,"top_p":1,"seed":7,"stream_options":{"include_usage":true}`)},
			{at: time.Second, path: path, body: body("fixed:1b", `,"max_completion_tokens":2`)},
			{at: 2 * time.Second, path: path, body: body("fixed:1b", `,"max_tokens":2,"max_completion_tokens":1,"stream_options":{"include_usage":false}`)},
			{at: 3 * time.Second, path: path, body: body("fixed:1b", `,"max_tokens":0`)},
		}},
		{name: "client gives up in load and tokens", opts: opts, calls: []call{
			{path: path, body: body("cold", ""), giveUp: 50 * ms},
			{at: time.Second, path: path, body: body("cold", ""), giveUp: 125 * ms},
		}},
		{name: "not streamed, unknown model, malformed", opts: opts, calls: []call{
			{path: path, body: `{"model":"cold","messages":[{"role":"user","content":"x"}]}`},
			{at: ms, path: path, body: body("absent", "")},
			{at: 2 * ms, path: path, body: `{"model":`},
		}},
		{name: "api key", opts: ollamatest.Options{OpenAI: shape, APIKey: "sk-test"}, calls: []call{
			{path: path, body: body("fixed:1b", "")},
			{at: ms, path: path, body: body("fixed:1b", ""), key: "wrong"},
			{at: 2 * ms, path: path, body: body("fixed:1b", ""), key: "sk-test"},
		}},
	}
	for _, fc := range faultCases {
		sc := scenario{name: "fault " + fc.name, opts: opts, faults: []ollamatest.Fault{fc.f}, calls: []call{
			{path: path, body: body("cold", `,"stream_options":{"include_usage":true}`), giveUp: 3 * time.Second},
			{at: 5 * time.Second, path: path, body: body("cold", ""), comment: "the next request"},
		}}
		if fc.name == "two faults, first spent first" {
			sc.faults = append(sc.faults, ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 502})
		}
		scs = append(scs, sc)
	}
	return scs
}

func TestTranscriptOpenAI(t *testing.T) {
	for _, shape := range []ollamatest.OpenAIShape{ollamatest.ShapeOllama, ollamatest.ShapeVLLM, ollamatest.ShapeLlamaCpp, ollamatest.ShapeNoUsage} {
		t.Run(shape.String(), func(t *testing.T) {
			assertTranscripts(t, "openai-"+strings.ReplaceAll(shape.String(), ".", "")+".golden", openaiScenarios(shape))
		})
	}
}

// TestTranscriptQueue pins the schedule: FIFO slots, a shared cold load,
// reloads for other runner options, waiters that give up, across both
// protocols.
func TestTranscriptQueue(t *testing.T) {
	gen := func(model, extra string) string {
		return fmt.Sprintf(`{"model":%q,"prompt":"abcdefgh"%s}`, model, extra)
	}
	const v1 = `{"model":"cold","messages":[{"role":"user","content":"abcdefgh"}],"stream":true}`
	assertTranscripts(t, "queue.golden", []scenario{
		{name: "one slot, arrivals mid-load and mid-stream", calls: []call{
			{path: "/api/generate", body: gen("cold", "")},
			{at: 50 * ms, path: "/api/generate", body: gen("cold", ""), comment: "shares the load"},
			{at: 130 * ms, path: "/v1/chat/completions", body: v1},
			{at: 131 * ms, path: "/api/generate", body: gen("fixed:1b", ""), comment: "another model, its own slot"},
		}},
		{name: "two slots", opts: ollamatest.Options{NumParallel: 2, Models: []ollamatest.Model{cold}}, calls: []call{
			{path: "/api/generate", body: gen("cold", "")},
			{at: 1 * ms, path: "/v1/chat/completions", body: v1},
			{at: 2 * ms, path: "/api/chat", body: `{"model":"cold","messages":[{"role":"user","content":"abcdefgh"}]}`},
			{at: 3 * ms, path: "/api/generate", body: gen("cold", `,"stream":false`)},
		}},
		{name: "other runner options wait for an idle runner", calls: []call{
			{path: "/api/generate", body: gen("cold", "")},
			{at: 110 * ms, path: "/api/generate", body: gen("cold", `,"options":{"num_ctx":2048,"num_batch":8,"num_predict":1}`)},
			{at: 111 * ms, path: "/v1/chat/completions", body: v1, comment: "default options again: another reload"},
			{at: 112 * ms, path: "/api/generate", body: `{"model":"cold","prompt":"","options":{"num_gpu":1}}`, comment: "load request with options"},
		}},
		{name: "waiters that give up", calls: []call{
			{path: "/api/generate", body: gen("cold", ""), giveUp: 50 * ms, comment: "gives up while loading"},
			{at: 10 * ms, path: "/api/generate", body: gen("cold", ""), comment: "loads again"},
			{at: 20 * ms, path: "/v1/chat/completions", body: v1, giveUp: 150 * ms, comment: "gives up queued"},
			{at: 30 * ms, path: "/api/generate", body: `{"model":"cold","prompt":""}`, comment: "load request queued"},
		}},
		{name: "keep-alive from options and unload while busy", opts: ollamatest.Options{KeepAlive: 500 * ms, Models: []ollamatest.Model{cold}}, calls: []call{
			{path: "/api/generate", body: gen("cold", "")},
			{at: 120 * ms, path: "/api/generate", body: `{"model":"cold","prompt":"","keep_alive":0}`, comment: "unload while busy"},
			{at: 200 * ms, path: "/v1/chat/completions", body: v1, comment: "still loaded: the busy request's release set the keep-alive again"},
			{at: 752 * ms, path: "/api/generate", body: gen("cold", ""), comment: "the server's 500ms keep-alive ran out just now"},
			{at: 3 * time.Second, path: "/api/generate", body: gen("cold", `,"keep_alive":-1`)},
			{at: 9 * time.Second, path: "/api/generate", body: gen("cold", ""), comment: "still loaded"},
		}},
	})
}
