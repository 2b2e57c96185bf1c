package ollamatest_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

const ms = time.Millisecond

// tiny loads in 100 ms, prefills 1 ms per prompt token and emits 5 tokens
// 10 ms apart.
var tiny = ollamatest.Model{Name: "tiny", Load: 100 * ms, PrefillPerToken: ms, InterToken: 10 * ms, Tokens: 5}

// prompt80 is 80 bytes: 20 prompt tokens, 20 ms of prefill for tiny.
var prompt80 = strings.Repeat("abcd", 20)

// A reply is what a raw client saw of one streamed response.
type reply struct {
	status    int
	lines     []api.GenerateResponse
	raw       []map[string]json.RawMessage // each line's keys, to tell absent from 0
	at        []time.Duration              // arrival of each line, from the request's start
	firstByte time.Duration
	bodyErr   error // the error that ended the body; nil = clean EOF
	err       error // request error (no response)
}

func (r reply) done() (api.GenerateResponse, bool) {
	if len(r.lines) == 0 || !r.lines[len(r.lines)-1].Done {
		return api.GenerateResponse{}, false
	}
	return r.lines[len(r.lines)-1], true
}

func (r reply) content() []time.Duration {
	var at []time.Duration
	for i, l := range r.lines {
		if l.Response != "" {
			at = append(at, r.at[i])
		}
	}
	return at
}

// post sends body to path and reads the NDJSON answer line by line, timing
// each line on the (possibly virtual) clock.
func post(ctx context.Context, s *ollamatest.Server, path string, body any) reply {
	bts, err := json.Marshal(body)
	if err != nil {
		return reply{err: err}
	}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, bytes.NewReader(bts))
	if err != nil {
		return reply{err: err}
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode, firstByte: time.Since(start)}
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var g api.GenerateResponse
			var raw map[string]json.RawMessage
			jerr := json.Unmarshal(line, &g)
			if jerr == nil {
				jerr = json.Unmarshal(line, &raw)
			}
			if jerr != nil {
				r.bodyErr = jerr
				return r
			}
			r.lines = append(r.lines, g)
			r.raw = append(r.raw, raw)
			r.at = append(r.at, time.Since(start))
		}
		if err != nil {
			if err != io.EOF {
				r.bodyErr = err
			}
			return r
		}
	}
}

func generate(model, prompt string, opts map[string]any) *api.GenerateRequest {
	return &api.GenerateRequest{Model: model, Prompt: prompt, Options: opts}
}

func durations(ds ...time.Duration) []time.Duration { return ds }

func TestFakeEndpoints(t *testing.T) {
	s := ollamatest.Start(t, ollamatest.Options{
		Models:   []ollamatest.Model{tiny},
		Registry: []ollamatest.Model{{Name: "remote:1b"}},
		Created:  ollamatest.Model{Tokens: 3},
	})
	ctx := t.Context()
	c := s.API()

	t.Run("root says running", func(t *testing.T) {
		resp, err := s.Client().Get(s.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "Ollama is running" {
			t.Errorf("GET / = %q, want %q", b, "Ollama is running")
		}
		if err := c.Heartbeat(ctx); err != nil {
			t.Errorf("Heartbeat: %v", err)
		}
	})
	t.Run("version is pinned", func(t *testing.T) {
		v, err := c.Version(ctx)
		if err != nil || v != ollamatest.DefaultVersion {
			t.Errorf("Version = %q, %v; want %q", v, err, ollamatest.DefaultVersion)
		}
	})
	t.Run("tags lists local models", func(t *testing.T) {
		l, err := c.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Models) != 1 || l.Models[0].Name != "tiny:latest" || len(l.Models[0].Digest) != 64 {
			t.Errorf("List = %+v, want tiny:latest with a digest", l.Models)
		}
	})
	t.Run("show known and unknown", func(t *testing.T) {
		sr, err := c.Show(ctx, &api.ShowRequest{Model: "tiny"})
		if err != nil {
			t.Fatal(err)
		}
		if sr.Details.Family != "llama" || sr.ModelInfo["general.architecture"] != "llama" {
			t.Errorf("Show = %+v, want llama details", sr)
		}
		_, err = c.Show(ctx, &api.ShowRequest{Model: "absent"})
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
			t.Errorf("Show(absent) err = %v, want StatusError 404", err)
		}
	})
	t.Run("generate streams then ps lists it", func(t *testing.T) {
		var text strings.Builder
		var last api.GenerateResponse
		err := c.Generate(ctx, generate("tiny", "hello", nil), func(r api.GenerateResponse) error {
			text.WriteString(r.Response)
			last = r
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !last.Done || last.DoneReason != "stop" || last.EvalCount != 5 || last.PromptEvalCount != 2 {
			t.Errorf("final chunk = %+v, want done stop with 5 tokens from 2 prompt tokens", last)
		}
		if want := strings.Join(ollamatest.DefaultWords[:5], ""); text.String() != want {
			t.Errorf("text = %q, want %q", text.String(), want)
		}
		ps, err := c.ListRunning(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.Models) != 1 || ps.Models[0].Name != "tiny:latest" || ps.Models[0].ContextLength != ollamatest.DefaultContextLength {
			t.Errorf("ps = %+v, want tiny:latest loaded", ps.Models)
		}
	})
	t.Run("chat streams message content", func(t *testing.T) {
		var n int
		var last api.ChatResponse
		err := c.Chat(ctx, &api.ChatRequest{Model: "tiny", Messages: []api.Message{{Role: "user", Content: "hi"}}, Options: map[string]any{"num_predict": 2}},
			func(r api.ChatResponse) error {
				if r.Message.Content != "" {
					n++
				}
				last = r
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 || !last.Done || last.DoneReason != "length" || last.EvalCount != 2 || last.Message.Role != "assistant" {
			t.Errorf("chat: %d content chunks, final %+v; want 2 and done length", n, last)
		}
	})
	t.Run("stream false answers one object", func(t *testing.T) {
		no := false
		var calls int
		var got api.GenerateResponse
		req := generate("tiny", "hello", map[string]any{"num_predict": 3})
		req.Stream = &no
		err := c.Generate(ctx, req, func(r api.GenerateResponse) error { calls++; got = r; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Join(ollamatest.DefaultWords[:3], ""); calls != 1 || !got.Done || got.Response != want || got.EvalCount != 3 {
			t.Errorf("got %d objects, last %+v; want 1 done object with %q", calls, got, want)
		}
		var chat api.ChatResponse
		err = c.Chat(ctx, &api.ChatRequest{Model: "tiny", Stream: &no, Messages: []api.Message{{Role: "user", Content: "hi"}}},
			func(r api.ChatResponse) error { chat = r; return nil })
		if err != nil || !chat.Done || chat.Message.Content == "" {
			t.Errorf("chat stream false = %+v, %v; want one done message", chat, err)
		}
	})
	t.Run("create from a blob", func(t *testing.T) {
		gguf := []byte("GGUF fake weights")
		sum := sha256.Sum256(gguf)
		digest := "sha256:" + hex.EncodeToString(sum[:])
		head := func() int {
			req, _ := http.NewRequestWithContext(ctx, http.MethodHead, s.URL+"/api/blobs/"+digest, nil)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := head(); got != http.StatusNotFound {
			t.Errorf("HEAD blob before upload = %d, want 404", got)
		}
		if err := c.CreateBlob(ctx, digest, bytes.NewReader(gguf)); err != nil {
			t.Fatal(err)
		}
		if got := head(); got != http.StatusOK {
			t.Errorf("HEAD blob after upload = %d, want 200", got)
		}
		if err := c.CreateBlob(ctx, digest, strings.NewReader("other bytes")); err == nil {
			t.Errorf("CreateBlob with a wrong digest succeeded")
		}
		var statuses []string
		err := c.Create(ctx, &api.CreateRequest{Model: "synth:5m", Files: map[string]string{"model.gguf": digest}},
			func(p api.ProgressResponse) error { statuses = append(statuses, p.Status); return nil })
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"parsing GGUF", "using existing layer " + digest, "writing manifest", "success"}
		if diff := cmp.Diff(want, statuses); diff != "" {
			t.Errorf("create progress mismatch (-want +got):\n%s", diff)
		}
		var last api.GenerateResponse
		if err := c.Generate(ctx, generate("synth:5m", "x", nil), func(r api.GenerateResponse) error { last = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if last.EvalCount != 3 {
			t.Errorf("created model eval_count = %d, want Options.Created.Tokens 3", last.EvalCount)
		}
		err = c.Create(ctx, &api.CreateRequest{Model: "broken", Files: map[string]string{"model.gguf": "sha256:" + strings.Repeat("0", 64)}}, func(api.ProgressResponse) error { return nil })
		if err == nil {
			t.Errorf("create from a missing blob succeeded")
		}
		if err := c.Create(ctx, &api.CreateRequest{Model: "tiny-copy", From: "tiny"}, func(api.ProgressResponse) error { return nil }); err != nil {
			t.Errorf("create from tiny: %v", err)
		}
	})
	t.Run("pull known streams progress, unknown is 404", func(t *testing.T) {
		var statuses []string
		err := c.Pull(ctx, &api.PullRequest{Model: "remote:1b"}, func(p api.ProgressResponse) error {
			statuses = append(statuses, p.Status)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(statuses) < 3 || statuses[0] != "pulling manifest" || statuses[len(statuses)-1] != "success" {
			t.Errorf("pull progress = %q, want pulling manifest … success", statuses)
		}
		if _, err := c.Show(ctx, &api.ShowRequest{Model: "remote:1b"}); err != nil {
			t.Errorf("pulled model not local: %v", err)
		}
		err = c.Pull(ctx, &api.PullRequest{Model: "nowhere:7b"}, func(api.ProgressResponse) error { return nil })
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
			t.Errorf("pull unknown err = %v, want StatusError 404", err)
		}
	})
	t.Run("unknown model is 404", func(t *testing.T) {
		err := c.Generate(ctx, generate("absent", "x", nil), func(api.GenerateResponse) error { return nil })
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound || !strings.Contains(se.ErrorMessage, "absent") {
			t.Errorf("generate(absent) err = %v, want StatusError 404 naming the model", err)
		}
	})
}

func TestFakeRecordsProtocolErrors(t *testing.T) {
	s := ollamatest.New(ollamatest.Options{})
	hc := ollamatest.PipeClient(t, s)
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/embed", ""},
		{"POST", "/api/generate", "{not json"},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), tc.method, ollamatest.PipeURL+tc.path, strings.NewReader(tc.body))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("%s %s = %d, want an error status", tc.method, tc.path, resp.StatusCode)
		}
	}
	if got := len(s.Errors()); got != 2 {
		t.Errorf("Errors() = %v, want 2 recorded", s.Errors())
	}
}

func TestFakeScriptIsExactUnderSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{tiny}})
		ctx := t.Context()

		cold := post(ctx, s, "/api/generate", generate("tiny", prompt80, nil))
		// Load 100 + prefill 20, then 10 ms apart; done one interval after the last.
		if diff := cmp.Diff(durations(120*ms, 130*ms, 140*ms, 150*ms, 160*ms), cold.content()); diff != "" {
			t.Errorf("cold chunk arrivals mismatch (-want +got):\n%s", diff)
		}
		if cold.firstByte != 120*ms {
			t.Errorf("first byte at %v, want 120ms (headers go with the first token)", cold.firstByte)
		}
		done, ok := cold.done()
		if !ok {
			t.Fatalf("cold: no done chunk in %+v", cold)
		}
		want := api.Metrics{TotalDuration: 170 * ms, LoadDuration: 100 * ms, PromptEvalCount: 20, PromptEvalDuration: 20 * ms, EvalCount: 5, EvalDuration: 50 * ms}
		if diff := cmp.Diff(want, done.Metrics); diff != "" {
			t.Errorf("cold metrics mismatch (-want +got):\n%s", diff)
		}
		if got := cold.at[len(cold.at)-1]; got != 170*ms {
			t.Errorf("done chunk at %v, want 170ms", got)
		}

		warm := post(ctx, s, "/api/generate", generate("tiny", prompt80, map[string]any{"num_predict": 3}))
		done, _ = warm.done()
		want = api.Metrics{TotalDuration: 50 * ms, PromptEvalCount: 20, PromptEvalDuration: 20 * ms, EvalCount: 3, EvalDuration: 30 * ms}
		if diff := cmp.Diff(want, done.Metrics); diff != "" {
			t.Errorf("warm num_predict=3 metrics mismatch (-want +got):\n%s", diff)
		}
		if done.DoneReason != "length" || warm.content()[0] != 20*ms {
			t.Errorf("warm: done_reason %q, first token %v; want length, 20ms", done.DoneReason, warm.content()[0])
		}
	})
}

func TestFakeQueuesFIFO(t *testing.T) {
	// Warm tiny: 20 ms prefill + 5 tokens = 70 ms of service per request.
	// Requests arrive at 0, 1 and 2 ms.
	for _, tc := range []struct {
		name      string
		parallel  int
		wantTTFT  []time.Duration // client, from each request's own start
		wantTotal []time.Duration // server total_duration
	}{
		{"one slot serialises in arrival order", 1,
			durations(20*ms, 89*ms, 158*ms), durations(70*ms, 139*ms, 208*ms)},
		{"two slots run two then queue the third", 2,
			durations(20*ms, 20*ms, 88*ms), durations(70*ms, 70*ms, 138*ms)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{tiny}, NumParallel: tc.parallel})
				ctx := t.Context()
				if r := post(ctx, s, "/api/generate", generate("tiny", "", nil)); r.status != 200 || r.lines[0].DoneReason != "load" {
					t.Fatalf("load request: %+v", r)
				}
				replies := make([]reply, 3)
				var wg sync.WaitGroup
				for i := range replies {
					wg.Go(func() {
						time.Sleep(time.Duration(i) * ms)
						replies[i] = post(ctx, s, "/api/generate", generate("tiny", prompt80, nil))
					})
				}
				wg.Wait()
				var ttft, total []time.Duration
				for i, r := range replies {
					done, ok := r.done()
					if !ok {
						t.Fatalf("request %d: no done chunk: %+v", i, r)
					}
					if done.EvalDuration != 50*ms || done.PromptEvalDuration != 20*ms || done.LoadDuration != 0 {
						t.Errorf("request %d: eval %v, prefill %v, load %v; want 50ms, 20ms, 0 (queueing only in total)", i, done.EvalDuration, done.PromptEvalDuration, done.LoadDuration)
					}
					ttft = append(ttft, r.content()[0])
					total = append(total, done.TotalDuration)
				}
				if diff := cmp.Diff(tc.wantTTFT, ttft); diff != "" {
					t.Errorf("TTFT mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.wantTotal, total); diff != "" {
					t.Errorf("total_duration mismatch (-want +got):\n%s", diff)
				}
				log := s.Requests()[1:] // after the load request
				for i := 1; i < len(log); i++ {
					if log[i].Started.Before(log[i-1].Started) {
						t.Errorf("request %d started before request %d: not FIFO", i, i-1)
					}
				}
			})
		})
	}
}

func TestFakeKeepAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{tiny}})
		ctx := t.Context()
		c := s.API()
		run := func(keepAlive *api.Duration, opts map[string]any) api.GenerateResponse {
			t.Helper()
			req := generate("tiny", "x", opts)
			req.KeepAlive = keepAlive
			var last api.GenerateResponse
			if err := c.Generate(ctx, req, func(r api.GenerateResponse) error { last = r; return nil }); err != nil {
				t.Fatal(err)
			}
			return last
		}
		running := func() []string {
			t.Helper()
			ps, err := c.ListRunning(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range ps.Models {
				names = append(names, m.Name)
			}
			return names
		}

		if got := run(&api.Duration{Duration: 0}, nil).LoadDuration; got != 100*ms {
			t.Errorf("first request load = %v, want 100ms", got)
		}
		if got := running(); len(got) != 0 {
			t.Errorf("after keep_alive 0, ps = %q, want empty at once", got)
		}
		if got := run(nil, nil).LoadDuration; got != 100*ms {
			t.Errorf("after unload, load = %v, want 100ms again", got)
		}
		if got := run(nil, nil).LoadDuration; got != 0 {
			t.Errorf("warm load = %v, want 0", got)
		}
		ps, _ := c.ListRunning(ctx)
		if len(ps.Models) != 1 || ps.Models[0].ExpiresAt.Sub(time.Now()) != ollamatest.DefaultKeepAlive {
			t.Errorf("ps = %+v, want tiny expiring in the default 5m", ps.Models)
		}
		time.Sleep(ollamatest.DefaultKeepAlive)
		if got := run(nil, nil).LoadDuration; got != 100*ms {
			t.Errorf("after the default keep-alive ran out, load = %v, want 100ms", got)
		}
		time.Sleep(ollamatest.DefaultKeepAlive)
		if got := running(); len(got) != 0 {
			t.Errorf("after the default keep-alive, ps = %q, want empty", got)
		}
		run(&api.Duration{Duration: -1}, nil)
		time.Sleep(24 * time.Hour)
		if got := running(); len(got) != 1 {
			t.Errorf("keep_alive -1 after a day: ps = %q, want tiny still loaded", got)
		}
		if got := run(nil, map[string]any{"num_ctx": 2048}).LoadDuration; got != 100*ms {
			t.Errorf("num_ctx change: load = %v, want a 100ms reload", got)
		}
		if ps, _ := c.ListRunning(ctx); len(ps.Models) != 1 || ps.Models[0].ContextLength != 2048 {
			t.Errorf("ps after num_ctx 2048 = %+v", ps.Models)
		}
		var unload api.GenerateResponse
		req := &api.GenerateRequest{Model: "tiny", KeepAlive: &api.Duration{Duration: 0}}
		if err := c.Generate(ctx, req, func(r api.GenerateResponse) error { unload = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if unload.DoneReason != "unload" || s.Loaded("tiny") {
			t.Errorf("empty prompt keep_alive 0: done_reason %q, loaded %v; want unload, false", unload.DoneReason, s.Loaded("tiny"))
		}
	})
}

func TestFakeFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault ollamatest.Fault
		check func(t *testing.T, r reply)
	}{
		{"status answers 500 with an error body", ollamatest.Fault{Kind: ollamatest.FaultStatus, Message: "boom"}, func(t *testing.T, r reply) {
			if r.status != 500 {
				t.Errorf("status = %d, want 500", r.status)
			}
			if r.firstByte != 0 {
				t.Errorf("error answered at %v, want at once", r.firstByte)
			}
		}},
		{"cut closes the connection after 2 chunks", ollamatest.Fault{Kind: ollamatest.FaultCut, After: 2}, func(t *testing.T, r reply) {
			if len(r.content()) != 2 || !errors.Is(r.bodyErr, io.ErrUnexpectedEOF) {
				t.Errorf("got %d chunks, body error %v; want 2 and unexpected EOF", len(r.content()), r.bodyErr)
			}
		}},
		{"no-done ends cleanly without done", ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 99}, func(t *testing.T, r reply) {
			_, done := r.done()
			if len(r.content()) != 5 || done || r.bodyErr != nil {
				t.Errorf("got %d chunks, done %v, body error %v; want all 5, no done, clean EOF", len(r.content()), done, r.bodyErr)
			}
		}},
		{"stall sends nothing after 1 chunk until the client gives up", ollamatest.Fault{Kind: ollamatest.FaultStall, After: 1}, func(t *testing.T, r reply) {
			if len(r.content()) != 1 || !errors.Is(r.bodyErr, context.DeadlineExceeded) {
				t.Errorf("got %d chunks, body error %v; want 1 and the client's deadline", len(r.content()), r.bodyErr)
			}
		}},
		{"bare answers done at once, without content or accounting", ollamatest.Fault{Kind: ollamatest.FaultBare}, func(t *testing.T, r reply) {
			done, ok := r.done()
			if !ok || len(r.lines) != 1 || r.firstByte != 0 || done.DoneReason != "stop" {
				t.Fatalf("%d lines at %v, done %v (%q); want one done line at once, reason stop", len(r.lines), r.firstByte, ok, done.DoneReason)
			}
			for _, key := range []string{"load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration", "total_duration"} {
				if v, has := r.raw[0][key]; has {
					t.Errorf("bare done line carries %s: %s", key, v)
				}
			}
		}},
		{"keep-alive sends an empty line every second after 2 chunks until the client gives up", ollamatest.Fault{Kind: ollamatest.FaultKeepAlive, After: 2, Delay: time.Second}, func(t *testing.T, r reply) {
			// tiny, warm: chunks at 20 and 30 ms, the fault at 40 ms, the
			// client's deadline at 10 s.
			want := []time.Duration{20 * ms, 30 * ms}
			for i := range 10 {
				want = append(want, 40*ms+time.Duration(i)*time.Second)
			}
			_, done := r.done()
			if diff := cmp.Diff(want, r.at); diff != "" || len(r.content()) != 2 || done || !errors.Is(r.bodyErr, context.DeadlineExceeded) {
				t.Errorf("%d content chunks, done %v, body error %v, lines at (-want +got):\n%s; want 2 chunks, then empty lines every second, no done, the client's deadline", len(r.content()), done, r.bodyErr, diff)
			}
		}},
		{"misreport rewrites the done line's accounting", ollamatest.Fault{Kind: ollamatest.FaultMisreport, Misreport: func(m *api.Metrics) { m.EvalCount, m.EvalDuration = -1, 0 }}, func(t *testing.T, r reply) {
			done, ok := r.done()
			if !ok || len(r.content()) != 5 || done.EvalCount != -1 {
				t.Fatalf("%d chunks, done %v, eval_count %d; want 5, done, the lie -1", len(r.content()), ok, done.EvalCount)
			}
			if v, has := r.raw[len(r.raw)-1]["eval_duration"]; has {
				t.Errorf("an eval_duration set to 0 is sent (%s), want it omitted as Ollama omits it", v)
			}
		}},
		{"slow start delays the first byte only", ollamatest.Fault{Kind: ollamatest.FaultSlowStart, Delay: 300 * ms}, func(t *testing.T, r reply) {
			done, ok := r.done()
			if !ok || r.firstByte != 320*ms || done.TotalDuration != 70*ms {
				t.Errorf("first byte %v, done %v total %v; want 320ms, done, 70ms", r.firstByte, ok, done.TotalDuration)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				warm := tiny
				warm.Load = 0
				s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{warm, {Name: "other"}}})
				tc.fault.Count = 1
				s.Inject("tiny", tc.fault)
				ctx := t.Context()
				if r := post(ctx, s, "/api/generate", generate("other", "x", nil)); r.status != 200 {
					t.Errorf("fault for tiny hit other: %+v", r)
				}
				faulted, cancel := context.WithTimeout(ctx, 10*time.Second)
				tc.check(t, post(faulted, s, "/api/generate", generate("tiny", prompt80, nil)))
				cancel()
				synctest.Wait() // the handler may outlive a client that gave up
				if got := s.Requests()[1].Fault; got != tc.fault.Kind {
					t.Errorf("log says fault %v, want %v", got, tc.fault.Kind)
				}
				if r := post(ctx, s, "/api/generate", generate("tiny", prompt80, nil)); r.status != 200 || len(r.content()) != 5 {
					t.Errorf("Count 1 fault hit the next request too: %+v", r)
				}
			})
		})
	}
}

func TestFakeColdLoadIsSharedByWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{tiny}})
		ctx := t.Context()
		first := make(chan reply)
		go func() { first <- post(ctx, s, "/api/generate", generate("tiny", prompt80, nil)) }()
		time.Sleep(50 * ms) // arrives mid-load
		second := post(ctx, s, "/api/generate", generate("tiny", prompt80, nil))
		a, _ := (<-first).done()
		b, ok := second.done()
		if !ok {
			t.Fatalf("second: no done chunk: %+v", second)
		}
		// One load (0→100 ms); the second waited 50 ms of it, then for the slot until 170 ms.
		got := []time.Duration{a.LoadDuration, b.LoadDuration, second.content()[0], b.TotalDuration}
		if diff := cmp.Diff(durations(100*ms, 50*ms, 140*ms, 190*ms), got); diff != "" {
			t.Errorf("[load A, load B, TTFT B, total B] mismatch (-want +got):\n%s", diff)
		}
	})
}

// Ollama's done line always carries load_duration and prompt_eval_duration
// (its are never 0); the fake's are 0 when warm and without prefill time,
// and must still be there, or a client would take them for unmeasured.
func TestFakeDoneLineCarriesZeroDurations(t *testing.T) {
	for _, stream := range []bool{true, false} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := ollamatest.NewInBubble(t, ollamatest.Options{Models: []ollamatest.Model{{Name: "instant", Tokens: 2}}})
				req := generate("instant", "x", nil)
				req.Stream = &stream
				r := post(t.Context(), s, "/api/generate", req)
				if _, ok := r.done(); !ok {
					t.Fatalf("no done line: %+v", r)
				}
				last := r.raw[len(r.raw)-1]
				for _, key := range []string{"load_duration", "prompt_eval_duration"} {
					if v := string(last[key]); v != "0" {
						t.Errorf("done line %s = %q, want an explicit 0", key, v)
					}
				}
			})
		})
	}
}
