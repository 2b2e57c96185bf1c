package ollamatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// An OpenAIShape is how the fake's OpenAI-compatible endpoints look: the
// quirks of one real server's /v1/chat/completions stream (Options.OpenAI).
// Every shape streams server-sent events ("data: {chunk}", a blank line,
// and "data: [DONE]" last) on the same timeline as Ollama's native API:
//
//	arrival ─ load ─ queue ─ [role-only chunk] ─ prefill ─ token 1 … token n, InterToken apart ─
//	InterToken ─ finish chunk ─ [usage chunk] ─ [DONE]
//
// The first Model.Reasoning tokens are reasoning deltas, the rest content.
// n is max_tokens (or max_completion_tokens) when positive, finish_reason
// "length", else Model.Tokens, "stop".
type OpenAIShape int

const (
	// ShapeOllama is Ollama's own /v1, and the fake stays an Ollama (the
	// native API answers too): every chunk carries role and content, the
	// first at the first token (with the response headers), reasoning as
	// "reasoning"; the finish chunk has empty content; with
	// stream_options.include_usage a last chunk with empty choices carries
	// usage. No server timings.
	ShapeOllama OpenAIShape = iota
	// ShapeVLLM is vLLM: a role-only first chunk (content "") as soon as
	// the request has its slot, before prefill; reasoning as
	// "reasoning_content"; usage in a final chunk with no choices; /version
	// answers; the native API does not.
	ShapeVLLM
	// ShapeLlamaCpp is llama.cpp's llama-server: a role-only first chunk
	// (content null) at the slot's start; reasoning as "reasoning_content";
	// the finish chunk carries usage and timings (prompt_n, prompt_ms,
	// predicted_n, predicted_ms: the script's prefill and n × InterToken);
	// /props answers with build_info; the native API does not.
	ShapeLlamaCpp
	// ShapeNoUsage is a server that reports nothing: content chunks, a
	// finish chunk and [DONE], no usage even when asked, no timings; the
	// native API does not answer.
	ShapeNoUsage
)

func (s OpenAIShape) String() string {
	switch s {
	case ShapeOllama:
		return "ollama"
	case ShapeVLLM:
		return "vllm"
	case ShapeLlamaCpp:
		return "llama.cpp"
	case ShapeNoUsage:
		return "no-usage"
	}
	return "OpenAIShape(?)"
}

// Version strings the non-Ollama shapes report.
const (
	VLLMVersion     = "0.0.0-fake"  // GET /version of ShapeVLLM
	LlamaCppBuild   = "b0000-fake"  // build_info of ShapeLlamaCpp's /props
	NoUsageServer   = "fake-openai" // Server header of ShapeNoUsage
	openaiCreatedAt = 1_700_000_000 // "created" of every chunk and model
)

func (s *Server) openaiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/chat/completions", s.handleChatCompletions)
	mux.HandleFunc("GET /v1/models", s.handleOpenAIModels)
	mux.HandleFunc("GET /props", s.handleProps)
	mux.HandleFunc("GET /version", s.handleVLLMVersion)
}

// notServed answers 404 for what the shape's real server does not serve:
// Ollama's native API on the other shapes, and one shape's own endpoints
// on the others. Clients probe these to learn which server they talk to,
// so they are not protocol errors.
func (s *Server) notServed(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	shape := s.opts.OpenAI
	native := p == "/" || strings.HasPrefix(p, "/api/")
	if (native && shape != ShapeOllama) || (p == "/props" && shape != ShapeLlamaCpp) || (p == "/version" && shape != ShapeVLLM) {
		http.NotFound(w, r)
		return true
	}
	return false
}

// authorised answers 401 unless the request carries Options.APIKey as its
// bearer token (when one is set).
func (s *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.APIKey == "" || r.Header.Get("Authorization") == "Bearer "+s.opts.APIKey {
		return true
	}
	writeOpenAIError(w, http.StatusUnauthorized, "Incorrect API key provided", "invalid_request_error")
	return false
}

func writeOpenAIError(w http.ResponseWriter, status int, msg, typ string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": status}})
}

func (s *Server) serverHeader(w http.ResponseWriter) {
	switch s.opts.OpenAI {
	case ShapeVLLM:
		w.Header().Set("Server", "uvicorn")
	case ShapeLlamaCpp:
		w.Header().Set("Server", "llama.cpp")
	case ShapeNoUsage:
		w.Header().Set("Server", NoUsageServer)
	}
}

func (s *Server) handleOpenAIModels(w http.ResponseWriter, r *http.Request) {
	if !s.authorised(w, r) {
		return
	}
	s.serverHeader(w)
	type entry struct {
		ID          string `json:"id"`
		Object      string `json:"object"`
		Created     int64  `json:"created"`
		OwnedBy     string `json:"owned_by"`
		Root        string `json:"root,omitempty"`
		MaxModelLen int    `json:"max_model_len,omitempty"`
	}
	data := []entry{}
	s.mu.Lock()
	for _, ms := range s.sortedModels() {
		e := entry{ID: ms.m.Name, Object: "model", Created: openaiCreatedAt, OwnedBy: "library"}
		if s.opts.OpenAI == ShapeVLLM {
			e.OwnedBy, e.Root, e.MaxModelLen = "vllm", ms.m.Name, DefaultContextLength
		}
		data = append(data, e)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func (s *Server) handleProps(w http.ResponseWriter, r *http.Request) {
	s.serverHeader(w)
	writeJSON(w, http.StatusOK, map[string]any{
		"build_info":                  LlamaCppBuild,
		"total_slots":                 s.opts.NumParallel,
		"default_generation_settings": map[string]any{"n_ctx": DefaultContextLength},
	})
}

func (s *Server) handleVLLMVersion(w http.ResponseWriter, r *http.Request) {
	s.serverHeader(w)
	writeJSON(w, http.StatusOK, map[string]string{"version": VLLMVersion})
}

// chatCompletionRequest is what the fake reads of a request.
type chatCompletionRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Content string `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	Temperature         *float64 `json:"temperature"`
	TopP                *float64 `json:"top_p"`
	Seed                *int     `json:"seed"`
}

// options is the request's sampling options as sent, for the log.
func (q chatCompletionRequest) options() map[string]any {
	m := map[string]any{}
	put := func(k string, v any, set bool) {
		if set {
			m[k] = v
		}
	}
	put("max_tokens", deref(q.MaxTokens), q.MaxTokens != nil)
	put("max_completion_tokens", deref(q.MaxCompletionTokens), q.MaxCompletionTokens != nil)
	put("temperature", deref(q.Temperature), q.Temperature != nil)
	put("top_p", deref(q.TopP), q.TopP != nil)
	put("seed", deref(q.Seed), q.Seed != nil)
	if len(m) == 0 {
		return nil
	}
	return m
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *Server) handleChatCompletions(w http.ResponseWriter, r *http.Request) {
	if !s.authorised(w, r) {
		return
	}
	s.serverHeader(w)
	var req chatCompletionRequest
	if !s.decode(w, r, &req) {
		return
	}
	var text strings.Builder
	for _, m := range req.Messages {
		text.WriteString(m.Content)
	}
	if !req.Stream {
		s.recordError(fmt.Errorf("POST /v1/chat/completions: only streamed requests are served by the fake"))
		writeOpenAIError(w, http.StatusBadRequest, "stream must be true", "invalid_request_error")
		return
	}
	s.complete(w, r, req, text.String())
}

// complete serves one streamed chat completion on the script's timeline.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, req chatCompletionRequest, prompt string) {
	t := s.start(r, RequestLog{Method: r.Method, Path: r.URL.Path, Model: req.Model, PromptTokens: PromptTokens(prompt),
		Options: req.options(), Stream: true, Arrived: time.Now()})
	defer t.end()
	p := &openaiReply{t: t, e: &sseWriter{w: w, shape: s.opts.OpenAI, model: req.Model},
		includeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	if !t.admit(p, req.Model, true) {
		return
	}
	t.n, t.reason = t.m.Tokens, "stop"
	for _, mt := range []*int{req.MaxTokens, req.MaxCompletionTokens} {
		if mt != nil && *mt > 0 {
			t.n, t.reason = *mt, "length"
		}
	}
	t.generate(p, "", s.opts.KeepAlive)
}

// An openaiReply writes a chat completion's server-sent events in the
// fake's shape. The shapes have no keep-alive lines: FaultKeepAlive and
// FaultMisreport leave the stream as it is.
type openaiReply struct {
	t            *turn
	e            *sseWriter
	includeUsage bool
}

func (p *openaiReply) notFound(name string) string { return fmt.Sprintf("model %q not found", name) }

func (p *openaiReply) failure(status int, msg, typ string) { writeOpenAIError(p.e.w, status, msg, typ) }

func (p *openaiReply) bare() { p.e.done() }

// slot sends vLLM's and llama.cpp's role-only chunk: they answer as soon
// as the request has its slot, before prefill.
func (p *openaiReply) slot() error {
	p.t.res.Status = http.StatusOK
	if p.e.shape == ShapeVLLM || p.e.shape == ShapeLlamaCpp {
		return p.e.roleOnly()
	}
	return nil
}

func (p *openaiReply) begin() {}

func (p *openaiReply) token(i int) error {
	m := p.t.m
	if err := p.e.token(m.Words[i%len(m.Words)], i < m.Reasoning); err != nil {
		return err
	}
	p.t.res.Chunks++
	return nil
}

func (p *openaiReply) noDone() {}

func (p *openaiReply) keepAlive() bool { return false }

// done writes the finish chunk, the usage where the shape has it, and
// [DONE].
func (p *openaiReply) done() error {
	t := p.t
	u := &chunkUsage{PromptTokens: t.prompt, CompletionTokens: t.n, TotalTokens: t.prompt + t.n}
	if err := p.e.finish(t.reason, u, p.includeUsage, t.prefill, time.Duration(t.n)*t.m.InterToken); err != nil {
		return err
	}
	t.res.Outcome = "done"
	p.e.done()
	return nil
}

type chunkUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// sseWriter writes one response's chunks in its shape.
type sseWriter struct {
	w     http.ResponseWriter
	shape OpenAIShape
	model string
	begun bool
}

type chunkChoice struct {
	Index        int            `json:"index"`
	Delta        map[string]any `json:"delta"`
	FinishReason *string        `json:"finish_reason"`
}

func (e *sseWriter) event(data []byte) error {
	if !e.begun {
		e.w.Header().Set("Content-Type", "text/event-stream")
		e.w.Header().Set("Cache-Control", "no-cache")
		e.begun = true
	}
	if _, err := fmt.Fprintf(e.w, "data: %s\n\n", data); err != nil {
		return err
	}
	flush(e.w)
	return nil
}

// chunk writes one chat.completion.chunk; extra adds top-level fields.
func (e *sseWriter) chunk(choices []chunkChoice, extra map[string]any) error {
	c := map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": openaiCreatedAt,
		"model": e.model, "choices": choices,
	}
	if e.shape == ShapeOllama {
		c["system_fingerprint"] = "fp_ollama"
	}
	for k, v := range extra {
		c[k] = v
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return e.event(b)
}

func (e *sseWriter) roleOnly() error {
	var content any = "" // vLLM
	if e.shape == ShapeLlamaCpp {
		content = nil
	}
	return e.chunk([]chunkChoice{{Delta: map[string]any{"role": "assistant", "content": content}}}, nil)
}

func (e *sseWriter) token(word string, reasoning bool) error {
	d := map[string]any{}
	switch {
	case reasoning && e.shape == ShapeOllama:
		d["reasoning"] = word
		d["content"] = ""
	case reasoning:
		d["reasoning_content"] = word
	default:
		d["content"] = word
	}
	if e.shape == ShapeOllama || e.shape == ShapeNoUsage && !reasoning {
		d["role"] = "assistant"
	}
	return e.chunk([]chunkChoice{{Delta: d}}, nil)
}

// finish writes the finish chunk and, where the shape has one, the usage
// chunk.
func (e *sseWriter) finish(reason string, u *chunkUsage, includeUsage bool, prefill, decode time.Duration) error {
	delta := map[string]any{}
	switch e.shape {
	case ShapeOllama:
		delta = map[string]any{"role": "assistant", "content": ""}
	case ShapeVLLM:
		delta = map[string]any{"content": ""}
	}
	choices := []chunkChoice{{Delta: delta, FinishReason: &reason}}
	switch e.shape {
	case ShapeLlamaCpp:
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		return e.chunk(choices, map[string]any{"usage": u, "timings": map[string]any{
			"prompt_n": u.PromptTokens, "prompt_ms": ms(prefill),
			"predicted_n": u.CompletionTokens, "predicted_ms": ms(decode),
		}})
	case ShapeNoUsage:
		return e.chunk(choices, nil)
	}
	if err := e.chunk(choices, nil); err != nil {
		return err
	}
	if !includeUsage {
		return nil
	}
	return e.chunk([]chunkChoice{}, map[string]any{"usage": u})
}

func (e *sseWriter) done() { e.event([]byte("[DONE]")) }
