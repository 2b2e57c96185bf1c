package ollamatest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/ollama/ollama/types/model"
)

// DefaultContextLength is reported by /api/ps for a runner loaded without num_ctx.
const DefaultContextLength = 4096

// runnerOptions are the options that, as in Ollama, need a runner reload
// when they change.
var runnerOptions = []string{"num_ctx", "num_batch", "num_gpu", "num_thread"}

func (s *Server) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleRoot)
	mux.HandleFunc("HEAD /{$}", s.handleRoot)
	mux.HandleFunc("GET /api/version", s.handleVersion)
	mux.HandleFunc("HEAD /api/version", s.handleVersion)
	mux.HandleFunc("GET /api/tags", s.handleTags)
	mux.HandleFunc("GET /api/ps", s.handlePs)
	mux.HandleFunc("POST /api/show", s.handleShow)
	mux.HandleFunc("POST /api/generate", s.handleGenerate)
	mux.HandleFunc("POST /api/chat", s.handleChat)
	mux.HandleFunc("POST /api/create", s.handleCreate)
	mux.HandleFunc("HEAD /api/blobs/{digest}", s.handleHeadBlob)
	mux.HandleFunc("POST /api/blobs/{digest}", s.handlePostBlob)
	mux.HandleFunc("POST /api/pull", s.handlePull)
	s.openaiRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.recordError(fmt.Errorf("%s %s: no such route in the fake", r.Method, r.URL.Path))
		http.NotFound(w, r)
	})
	s.mux = mux
}

// ServeHTTP implements [http.Handler].
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.notServed(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client is gone
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// decode reads a JSON request body; a malformed one is answered 400 and
// recorded as a protocol error.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		s.recordError(fmt.Errorf("%s %s: decode request: %w", r.Method, r.URL.Path, err))
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "Ollama is running")
}

func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": s.opts.Version})
}

func details() api.ModelDetails {
	return api.ModelDetails{Format: "gguf", Family: "llama", Families: []string{"llama"}, ParameterSize: "5M", QuantizationLevel: "F16"}
}

// sortedModels returns the local model states by name. s.mu must be held.
func (s *Server) sortedModels() []*modelState {
	out := make([]*modelState, 0, len(s.models))
	for _, ms := range s.models {
		out = append(out, ms)
	}
	slices.SortFunc(out, func(a, b *modelState) int { return strings.Compare(a.m.Name, b.m.Name) })
	return out
}

func (s *Server) handleTags(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	resp := api.ListResponse{Models: []api.ListModelResponse{}}
	for _, ms := range s.sortedModels() {
		resp.Models = append(resp.Models, api.ListModelResponse{
			Name: ms.m.Name, Model: ms.m.Name, ModifiedAt: ms.modified,
			Size: ms.m.Size, Digest: ms.m.Digest, Details: details(),
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handlePs(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	s.mu.Lock()
	resp := api.ProcessResponse{Models: []api.ProcessModelResponse{}}
	for _, ms := range s.sortedModels() {
		ms.expire(now)
		if !ms.loaded {
			continue
		}
		exp := ms.expires
		if exp.IsZero() {
			exp = now.Add(forever)
		}
		resp.Models = append(resp.Models, api.ProcessModelResponse{
			Name: ms.m.Name, Model: ms.m.Name, Size: ms.m.Size, SizeVRAM: ms.m.Size,
			Digest: ms.m.Digest, Details: details(), ExpiresAt: exp,
			ContextLength: contextLength(ms.key),
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) lookup(name string) *modelState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.models[canonicalName(name)]
}

func (s *Server) handleShow(w http.ResponseWriter, r *http.Request) {
	var req api.ShowRequest
	if !s.decode(w, r, &req) {
		return
	}
	name := cmp.Or(req.Model, req.Name)
	ms := s.lookup(name)
	if ms == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model '%s' not found", name))
		return
	}
	s.mu.Lock()
	m, modified := ms.m, ms.modified
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, api.ShowResponse{
		Modelfile: "FROM " + m.Name + "\n",
		Template:  "{{ .Prompt }}",
		Details:   details(),
		ModelInfo: map[string]any{
			"general.architecture":    "llama",
			"general.parameter_count": 5_000_000,
			"llama.context_length":    DefaultContextLength,
		},
		Capabilities: []model.Capability{model.CapabilityCompletion},
		ModifiedAt:   modified,
	})
}

// An inference is a decoded generate or chat request.
type inference struct {
	chat      bool
	model     string // as sent
	text      string // what the prompt token count is taken from
	empty     bool   // no prompt / no messages: a load or unload request
	stream    bool
	options   map[string]any
	keepAlive *api.Duration
}

func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request) {
	var req api.GenerateRequest
	if !s.decode(w, r, &req) {
		return
	}
	s.infer(w, r, inference{
		model: req.Model, text: req.System + req.Prompt, empty: req.Prompt == "",
		stream: req.Stream == nil || *req.Stream, options: req.Options, keepAlive: req.KeepAlive,
	})
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req api.ChatRequest
	if !s.decode(w, r, &req) {
		return
	}
	var text strings.Builder
	for _, m := range req.Messages {
		text.WriteString(m.Content)
	}
	s.infer(w, r, inference{
		chat: true, model: req.Model, text: text.String(), empty: len(req.Messages) == 0,
		stream: req.Stream == nil || *req.Stream, options: req.Options, keepAlive: req.KeepAlive,
	})
}

// runnerKey names the runner options a request asks for.
func runnerKey(opts map[string]any) string {
	var b strings.Builder
	for _, k := range runnerOptions {
		if v, ok := opts[k]; ok {
			fmt.Fprintf(&b, "%s=%v,", k, v)
		}
	}
	return b.String()
}

func contextLength(key string) int {
	for f := range strings.SplitSeq(key, ",") {
		var n int
		if _, err := fmt.Sscanf(f, "num_ctx=%d", &n); err == nil {
			return n
		}
	}
	return DefaultContextLength
}

func numPredict(opts map[string]any) int {
	switch v := opts["num_predict"].(type) {
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}

// chunk is one line of a generate or chat response.
func (q inference) chunk(content string) any {
	if q.chat {
		return api.ChatResponse{Model: q.model, CreatedAt: time.Now().UTC(), Message: api.Message{Role: "assistant", Content: content}}
	}
	return api.GenerateResponse{Model: q.model, CreatedAt: time.Now().UTC(), Response: content}
}

// final is the done line (or, with done false, a line without done).
// Encoded with the api types, a zero duration is omitted.
func (q inference) final(content string, done bool, reason string, m api.Metrics) any {
	if q.chat {
		return api.ChatResponse{Model: q.model, CreatedAt: time.Now().UTC(), Message: api.Message{Role: "assistant", Content: content}, Done: done, DoneReason: reason, Metrics: m}
	}
	return api.GenerateResponse{Model: q.model, CreatedAt: time.Now().UTC(), Response: content, Done: done, DoneReason: reason, Metrics: m}
}

// accounted is the done line of a served prompt. Ollama's own always
// carries load_duration and prompt_eval_duration (they are never exactly
// 0 there); the script's are 0 for a loaded model or a model without
// prefill time, which the api types would omit, so they are written
// explicitly, shadowing the embedded response's fields.
func (q inference) accounted(content, reason string, m api.Metrics) any {
	type explicit struct {
		LoadDuration       time.Duration `json:"load_duration"`
		PromptEvalDuration time.Duration `json:"prompt_eval_duration"`
	}
	ex := explicit{m.LoadDuration, m.PromptEvalDuration}
	if q.chat {
		return struct {
			api.ChatResponse
			explicit
		}{q.final(content, true, reason, m).(api.ChatResponse), ex}
	}
	return struct {
		api.GenerateResponse
		explicit
	}{q.final(content, true, reason, m).(api.GenerateResponse), ex}
}

// errClientGone marks a request the client abandoned.
var errClientGone = errors.New("client gone")

// blobDigest parses "sha256:<hex>" (or Ollama's file form "sha256-<hex>").
func blobDigest(d string) (string, bool) {
	hexpart, ok := strings.CutPrefix(d, "sha256:")
	if !ok {
		hexpart, ok = strings.CutPrefix(d, "sha256-")
	}
	if !ok || len(hexpart) != 64 {
		return "", false
	}
	if _, err := hex.DecodeString(hexpart); err != nil {
		return "", false
	}
	return "sha256:" + hexpart, true
}

func (s *Server) handleHeadBlob(w http.ResponseWriter, r *http.Request) {
	d, ok := blobDigest(r.PathValue("digest"))
	s.mu.Lock()
	have := ok && s.blobs[d]
	s.mu.Unlock()
	if !have {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handlePostBlob(w http.ResponseWriter, r *http.Request) {
	d, ok := blobDigest(r.PathValue("digest"))
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid digest %q", r.PathValue("digest")))
		return
	}
	h := sha256.New()
	if _, err := io.Copy(h, r.Body); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	got := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if got != d {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("digest mismatch, expected %q, got %q", d, got))
		return
	}
	s.mu.Lock()
	s.blobs[d] = true
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// progress writes one progress line of a streaming response, or nothing
// when the client asked for a single object.
type progress struct {
	w      http.ResponseWriter
	stream bool
}

func (p progress) send(r api.ProgressResponse) {
	if !p.stream {
		return
	}
	p.w.Header().Set("Content-Type", "application/x-ndjson")
	json.NewEncoder(p.w).Encode(r)
	flush(p.w)
}

func (p progress) success() {
	if p.stream {
		p.send(api.ProgressResponse{Status: "success"})
		return
	}
	writeJSON(p.w, http.StatusOK, api.ProgressResponse{Status: "success"})
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	var req api.CreateRequest
	if !s.decode(w, r, &req) {
		return
	}
	name := canonicalName(cmp.Or(req.Model, req.Name))
	if name == "" {
		writeError(w, http.StatusBadRequest, "model name is required")
		return
	}
	var m Model
	switch {
	case req.From != "":
		from := s.lookup(req.From)
		if from == nil {
			writeError(w, http.StatusNotFound, fmt.Sprintf("model '%s' not found", req.From))
			return
		}
		s.mu.Lock()
		m = from.m
		s.mu.Unlock()
		m.Digest = ""
	case len(req.Files) > 0:
		m = s.opts.Created
		s.mu.Lock()
		for file, d := range req.Files {
			if dd, ok := blobDigest(d); !ok || !s.blobs[dd] {
				s.mu.Unlock()
				writeError(w, http.StatusBadRequest, fmt.Sprintf("file %s: blob %s not found", file, d))
				return
			}
		}
		s.mu.Unlock()
	default:
		writeError(w, http.StatusBadRequest, "neither 'from' or 'files' was specified")
		return
	}
	files := make([]string, 0, len(req.Files))
	for _, d := range req.Files {
		files = append(files, d)
	}
	slices.Sort(files)
	sum := sha256.Sum256([]byte(name + "\n" + req.From + "\n" + strings.Join(files, "\n")))
	m.Name, m.Digest = name, hex.EncodeToString(sum[:])

	p := progress{w: w, stream: req.Stream == nil || *req.Stream}
	if len(files) > 0 {
		p.send(api.ProgressResponse{Status: "parsing GGUF"})
	}
	for _, d := range files {
		p.send(api.ProgressResponse{Status: "using existing layer " + d})
	}
	p.send(api.ProgressResponse{Status: "writing manifest"})
	m = m.normalised()
	s.mu.Lock()
	s.addModelLocked(m, time.Now())
	s.mu.Unlock()
	p.success()
}

func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) {
	var req api.PullRequest
	if !s.decode(w, r, &req) {
		return
	}
	name := canonicalName(cmp.Or(req.Model, req.Name))
	s.mu.Lock()
	m, published := s.registry[name]
	local := s.models[name]
	if !published && local != nil {
		m = local.m
	}
	s.mu.Unlock()
	if !published && local == nil {
		// Ollama streams this error after "pulling manifest" with status 200;
		// the fake answers 404 so clients see a StatusError.
		writeError(w, http.StatusNotFound, "pull model manifest: file does not exist")
		return
	}
	p := progress{w: w, stream: req.Stream == nil || *req.Stream}
	p.send(api.ProgressResponse{Status: "pulling manifest"})
	layer := "sha256:" + m.Digest
	for _, done := range []int64{0, m.Size / 2, m.Size} {
		p.send(api.ProgressResponse{Status: "pulling " + m.Digest[:12], Digest: layer, Total: m.Size, Completed: done})
	}
	p.send(api.ProgressResponse{Status: "verifying sha256 digest"})
	p.send(api.ProgressResponse{Status: "writing manifest"})
	if published {
		s.mu.Lock()
		s.addModelLocked(m, time.Now())
		s.mu.Unlock()
	}
	p.success()
}
