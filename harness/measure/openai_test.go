package measure

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// openaiFake serves a fake in the given shape over net.Pipe and returns an
// OpenAI client for its /v1; call it inside a synctest bubble.
func openaiFake(t *testing.T, opts ollamatest.Options, key string) (*ollamatest.Server, *Client) {
	t.Helper()
	s := ollamatest.NewInBubble(t, opts)
	u, err := url.Parse(s.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}
	return s, NewOpenAIClient(u, s.Client(), key)
}

// Every shape's stream is measured exactly against the script: tiny loads
// in 100 ms, prefills prompt80 (20 tokens) in 20 ms and sends 8 tokens
// 10 ms apart; with 3 reasoning tokens the first three are reasoning
// deltas. What a shape does not report stays absent.
func TestMeasureOpenAIShapesAreExact(t *testing.T) {
	content := steps(120*ms, 10*ms, 8)
	for _, tc := range []struct {
		shape     ollamatest.OpenAIShape
		reasoning int
		firstByte time.Duration // a role-only chunk goes out at the slot's start, before prefill
		prefill   *time.Duration
		decode    *time.Duration
		prompt    *int
		counted   bool
	}{
		{shape: ollamatest.ShapeOllama, firstByte: 120 * ms, prompt: Ptr(20)},
		{shape: ollamatest.ShapeVLLM, firstByte: 100 * ms, prompt: Ptr(20)},
		{shape: ollamatest.ShapeLlamaCpp, firstByte: 100 * ms, prompt: Ptr(20), prefill: Ptr(20 * ms), decode: Ptr(80 * ms)},
		{shape: ollamatest.ShapeNoUsage, firstByte: 120 * ms, counted: true},
		{shape: ollamatest.ShapeOllama, reasoning: 3, firstByte: 120 * ms, prompt: Ptr(20)},
		{shape: ollamatest.ShapeVLLM, reasoning: 3, firstByte: 100 * ms, prompt: Ptr(20)},
		{shape: ollamatest.ShapeLlamaCpp, reasoning: 3, firstByte: 100 * ms, prompt: Ptr(20), prefill: Ptr(20 * ms), decode: Ptr(80 * ms)},
		{shape: ollamatest.ShapeNoUsage, reasoning: 3, firstByte: 120 * ms, counted: true},
	} {
		t.Run(fmt.Sprintf("shape=%v/reasoning=%d", tc.shape, tc.reasoning), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := scripted
				m.Reasoning = tc.reasoning
				s, c := openaiFake(t, ollamatest.Options{Models: []ollamatest.Model{m}, OpenAI: tc.shape}, "")
				r, err := Measure(t.Context(), Call{
					Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80,
					Options: map[string]any{"num_predict": 8, "temperature": 0.5, "seed": 7},
				})
				if err != nil {
					t.Fatalf("Measure: %v", err)
				}
				words := ""
				for i := tc.reasoning; i < 8; i++ {
					words += ollamatest.DefaultWords[i]
				}
				want := Record{
					Model: "tiny", URL: ollamatest.PipeURL, Endpoint: OpenAIEndpoint,
					Options: map[string]any{"num_predict": 8, "temperature": 0.5, "seed": 7}, Prompt: 80,
					Start: r.Start, FirstByte: tc.firstByte, FirstContent: content[tc.reasoning],
					Chunks: content[tc.reasoning:], End: 200 * ms,
					PromptEvalCount: tc.prompt, PromptEvalDuration: tc.prefill,
					EvalCount: Ptr(8), EvalDuration: tc.decode, DoneReason: "length",
					TokensCounted: tc.counted,
					Response:      words, ResponseChars: len(words),
				}
				if tc.reasoning > 0 {
					want.Reasoning = content[:tc.reasoning]
				}
				if diff := cmp.Diff(want, r); diff != "" {
					t.Errorf("record mismatch (-want +got):\n%s", diff)
				}
				// The request carried the mapped options and asked for usage.
				got := s.Requests()[len(s.Requests())-1]
				wantOpts := map[string]any{"max_tokens": 8, "temperature": 0.5, "seed": 7}
				if diff := cmp.Diff(wantOpts, got.Options); diff != "" || got.Path != "/v1/chat/completions" {
					t.Errorf("request %s options mismatch (-want +got):\n%s", got.Path, diff)
				}
				if n, span, ok := r.StreamSpan(); !ok || n != 7 || span != 70*ms {
					t.Errorf("StreamSpan = %d, %v, %v; want 7 tokens in 70ms", n, span, ok)
				}
				if _, ok := r.DecodeRate(); ok != (tc.decode != nil) {
					t.Errorf("DecodeRate ok = %v: want it only where the server timed decoding", ok)
				}
			})
		})
	}
}

func TestMeasureOpenAIRefusesOptionsItLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := openaiFake(t, ollamatest.Options{Models: []ollamatest.Model{scripted}}, "")
		r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: "tiny", Prompt: "hi",
			Options: map[string]any{"num_ctx": 512, "num_gpu": 80, "temperature": 0.8}})
		if !errors.Is(err, ErrUnsupportedOption) || !strings.Contains(err.Error(), "num_ctx, num_gpu") || r.OK() {
			t.Errorf("err = %v, want ErrUnsupportedOption naming num_ctx, num_gpu", err)
		}
		if n := len(s.Requests()); n != 0 {
			t.Errorf("%d requests sent; an unsupported option must stop the call before it is sent", n)
		}
		if got := OpenAIUnsupported(map[string]any{"num_thread": 1, "top_p": 0.9, "seed": 1, "num_predict": 9}); !cmp.Equal(got, []string{"num_thread"}) {
			t.Errorf("OpenAIUnsupported = %v, want [num_thread]", got)
		}
	})
}

func TestMeasureOpenAIFaults(t *testing.T) {
	const key = "sk-secret-0123456789"
	for _, tc := range []struct {
		name       string
		key        string // the client's
		model      string
		fault      *ollamatest.Fault
		wantIs     []error
		wantStatus int
		wantIn     []string
		wantChunks int
	}{
		{name: "no key: 401 names the variable", model: "tiny", wantIs: []error{ErrUnauthorized},
			wantStatus: 401, wantIn: []string{"set CHIMERA_OPENAI_KEY"}},
		{name: "wrong key: 401 says it was refused, never quotes it", key: key + "x", model: "tiny", wantIs: []error{ErrUnauthorized},
			wantStatus: 401, wantIn: []string{"the key in CHIMERA_OPENAI_KEY was refused"}},
		{name: "unknown model lists the served ones", key: key, model: "nope", wantIs: []error{ErrUnknownModel},
			wantStatus: 404, wantIn: []string{`does not serve "nope"; it serves: other:latest, tiny:latest`}},
		{name: "429 is a failed call with its status", key: key, model: "tiny",
			fault:      &ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 429, Message: "rate limited"},
			wantStatus: 429, wantIn: []string{"rate limited"}},
		{name: "503 is a failed call with its status", key: key, model: "tiny",
			fault:      &ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: 503, Message: "overloaded"},
			wantStatus: 503, wantIn: []string{"overloaded"}},
		{name: "a cut stream is ErrCut", key: key, model: "tiny",
			fault:  &ollamatest.Fault{Kind: ollamatest.FaultCut, After: 3},
			wantIs: []error{ErrCut, io.ErrUnexpectedEOF}, wantChunks: 3},
		{name: "a stream without [DONE] is ErrNoDone", key: key, model: "tiny",
			fault:  &ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 99},
			wantIs: []error{ErrNoDone}, wantChunks: 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				other := scripted
				other.Name = "other"
				s, c := openaiFake(t, ollamatest.Options{Models: []ollamatest.Model{scripted, other}, APIKey: key, OpenAI: ollamatest.ShapeVLLM}, tc.key)
				if tc.fault != nil {
					f := *tc.fault
					f.Count = 1
					s.Inject("tiny", f)
				}
				r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: tc.model, Prompt: prompt80, Options: map[string]any{"num_predict": 8}})
				if err == nil || r.OK() || r.Err != err.Error() {
					t.Fatalf("err %v, record err %q: want a failed call", err, r.Err)
				}
				for _, target := range tc.wantIs {
					if !errors.Is(err, target) {
						t.Errorf("err = %v, want errors.Is %v", err, target)
					}
				}
				var se api.StatusError
				if tc.wantStatus != 0 && (!errors.As(err, &se) || se.StatusCode != tc.wantStatus || r.Status != tc.wantStatus) {
					t.Errorf("err = %v, record status %d; want an api.StatusError %d recorded", err, r.Status, tc.wantStatus)
				}
				for _, s := range tc.wantIn {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("err = %v, want it to say %q", err, s)
					}
				}
				if strings.Contains(err.Error(), key) {
					t.Errorf("err quotes the key: %v", err)
				}
				if len(r.Chunks) != tc.wantChunks {
					t.Errorf("%d content chunks, want %d", len(r.Chunks), tc.wantChunks)
				}
			})
		})
	}
}

// A line that is not server-sent events, or data that is not a chunk,
// fails the call naming the line and quoting at most 200 bytes of it; a
// server's streamed error never leaks the key.
func TestMeasureOpenAIMalformedStream(t *testing.T) {
	const key = "sk-very-secret"
	long := strings.Repeat("y", 500)
	chunk := `data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}`
	for _, tc := range []struct {
		name, body string
		want       []string
		notIn      []string
	}{
		{name: "a line that is no SSE field", body: chunk + "\n\n" + "garbage " + long + "\n",
			want: []string{"stream line 3: malformed event stream", `"garbage ` + strings.Repeat("y", 192) + `"`}, notIn: []string{strings.Repeat("y", 193)}},
		{name: "data that is not JSON", body: ": keep-alive\nevent: message\n" + chunk + "\n\ndata: {not json\n",
			want: []string{"stream line 5: malformed event stream", `"data: {not json"`}},
		{name: "a streamed error", body: chunk + "\n\n" + `data: {"error":{"message":"bad key ` + key + `"}}` + "\n",
			want: []string{"stream line 3: server error in stream: bad key [CHIMERA_OPENAI_KEY]"}, notIn: []string{key}},
		{name: "data after [DONE]", body: "data: [DONE]\n\n" + chunk + "\n",
			want: []string{"stream line 3: a line after the done line"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL + "/v1")
			r, err := Measure(t.Context(), Call{Client: NewOpenAIClient(u, srv.Client(), key), URL: srv.URL, Model: "m", Prompt: "p"})
			if err == nil || r.OK() {
				t.Fatalf("err = %v, want a failed call", err)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %v\nwant it to contain %q", err, s)
				}
			}
			for _, s := range tc.notIn {
				if strings.Contains(err.Error(), s) {
					t.Errorf("err = %v\nwant it not to contain %q", err, s)
				}
			}
		})
	}
}

// Usage details' reasoning tokens are the server's count; without them
// the reasoning deltas are counted.
func TestMeasureOpenAIReasoningTokensFromUsage(t *testing.T) {
	body := `data: {"choices":[{"delta":{"reasoning_content":"think"}}]}` + "\n\n" +
		`data: {"choices":[{"delta":{"content":"answer"}}]}` + "\n\n" +
		`data: {"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":7}}}` + "\n\n" +
		"data: [DONE]\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/v1")
	r, err := Measure(t.Context(), Call{Client: NewOpenAIClient(u, srv.Client(), ""), URL: srv.URL, Model: "m", Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := r.ReasoningCount(); !ok || n != 7 || *r.EvalCount != 9 || len(r.Reasoning) != 1 || len(r.Chunks) != 1 || r.Response != "answer" {
		t.Errorf("reasoning %d, %v; eval %d, %d reasoning and %d content chunks, response %q; want 7, true, 9, 1, 1, answer",
			n, ok, r.EvalCount, len(r.Reasoning), len(r.Chunks), r.Response)
	}
}
