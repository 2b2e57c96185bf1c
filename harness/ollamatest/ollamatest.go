package ollamatest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// Defaults for the zero values of [Model] and [Options].
const (
	DefaultTokens    = 16
	DefaultKeepAlive = 5 * time.Minute
	DefaultVersion   = "0.17.4"
	DefaultSize      = 10 << 20
	// PipeURL is the base URL of a server reached through [PipeClient].
	PipeURL = "http://ollama.pipe"
)

// DefaultWords are the token texts of a model that names none.
var DefaultWords = []string{"the ", "agent ", "measured ", "tokens ", "per ", "second ", "and ", "latency. "}

// A Model is a model the fake knows, with its timing script.
type Model struct {
	// Name as clients send it; a name without a tag gets ":latest".
	Name string
	// Load is paid by a request that finds the model not loaded.
	Load time.Duration
	// PrefillPerToken is the prompt processing time per prompt token.
	PrefillPerToken time.Duration
	// Prefill is a fixed prompt processing time per request, added to
	// PrefillPerToken's: a time to first token that prompts of any length
	// share (capacity's closed forms need one service time for every call).
	Prefill time.Duration
	// InterToken separates successive tokens, and the last token from the
	// done chunk: eval_duration = tokens × InterToken.
	InterToken time.Duration
	// Tokens generated when the request sets no num_predict; 0 = DefaultTokens.
	Tokens int
	// Digest is the hex sha256 reported by tags/ps; "" = derived from Name.
	Digest string
	// Size in bytes, reported by tags and ps; 0 = DefaultSize.
	Size int64
	// Words are the token texts, cycled; nil = DefaultWords. Each must be non-empty.
	Words []string
	// Reasoning is how many of the first generated tokens are reasoning:
	// /v1/chat/completions sends them as reasoning deltas (OpenAIShape).
	Reasoning int
}

func (m Model) normalised() Model {
	m.Name = canonicalName(m.Name)
	if m.Tokens == 0 {
		m.Tokens = DefaultTokens
	}
	if m.Digest == "" {
		sum := sha256.Sum256([]byte(m.Name))
		m.Digest = hex.EncodeToString(sum[:])
	}
	if m.Size == 0 {
		m.Size = DefaultSize
	}
	if len(m.Words) == 0 {
		m.Words = DefaultWords
	}
	return m
}

// canonicalName adds Ollama's implicit ":latest" tag.
func canonicalName(name string) string {
	if name == "" || strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		return name
	}
	return name + ":latest"
}

// PromptTokens is the fake's tokenizer: ⌈len(text)/4⌉ tokens, at least 1.
func PromptTokens(text string) int {
	return max(1, (len(text)+3)/4)
}

// Options configure a [Server]. The zero value is a server with no models.
type Options struct {
	// Models present locally at start.
	Models []Model
	// Registry holds the models /api/pull can fetch.
	Registry []Model
	// NumParallel is the number of concurrent requests per model
	// (OLLAMA_NUM_PARALLEL); 0 = 1.
	NumParallel int
	// KeepAlive applies to requests that send none (OLLAMA_KEEP_ALIVE);
	// 0 = DefaultKeepAlive, negative = forever.
	KeepAlive time.Duration
	// Created is the script of models made by /api/create from files; its
	// Name is replaced. A model created "from" a known model copies that
	// model's script instead.
	Created Model
	// Version answered by /api/version; "" = DefaultVersion.
	Version string
	// OpenAI is the shape of /v1/chat/completions (openai.go); any shape
	// but ShapeOllama also turns the native API off.
	OpenAI OpenAIShape
	// APIKey, if set, is the bearer token /v1 requests must carry (else 401).
	APIKey string
}

// A Server is a fake Ollama. It is an [http.Handler]; its methods are safe
// for concurrent use.
type Server struct {
	// URL is the base URL clients use: the httptest URL for [Start], PipeURL
	// for [NewInBubble], "" for [New].
	URL string

	opts   Options
	mux    *http.ServeMux
	client *http.Client

	mu       sync.Mutex
	models   map[string]*modelState
	registry map[string]Model
	blobs    map[string]bool
	faults   []*armedFault
	log      []RequestLog
	errs     []error
}

// New returns a fake with no listener: serve it with httptest, net.Pipe
// ([PipeClient]) or any http.Server.
func New(opts Options) *Server {
	if opts.NumParallel <= 0 {
		opts.NumParallel = 1
	}
	if opts.KeepAlive == 0 {
		opts.KeepAlive = DefaultKeepAlive
	}
	if opts.Version == "" {
		opts.Version = DefaultVersion
	}
	s := &Server{
		opts:     opts,
		models:   map[string]*modelState{},
		registry: map[string]Model{},
		blobs:    map[string]bool{},
	}
	for _, m := range opts.Models {
		s.AddModel(m)
	}
	for _, m := range opts.Registry {
		s.Publish(m)
	}
	s.routes()
	return s
}

// Start serves a new fake on a 127.0.0.1 httptest listener, closed in
// tb.Cleanup, which also reports any protocol error the fake recorded.
// Use it for real-time tests; inside a synctest bubble use [NewInBubble].
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	s.URL = ts.URL
	s.client = ts.Client()
	tb.Cleanup(func() {
		ts.CloseClientConnections() // ends stalled handlers
		ts.Close()
		s.reportErrors(tb)
	})
	return s
}

// NewInBubble returns a fake served over net.Pipe, for tests inside a
// testing/synctest bubble (it must be called there): its [Server.Client]
// dials the handler in memory, so the bubble's clock runs the script
// exactly. s.URL is PipeURL. It is closed in tb.Cleanup, which also reports
// any protocol error the fake recorded.
func NewInBubble(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	s.URL = PipeURL
	tb.Cleanup(func() { s.reportErrors(tb) }) // runs after the pipe is closed
	s.client = PipeClient(tb, s)
	return s
}

func (s *Server) reportErrors(tb testing.TB) {
	for _, err := range s.Errors() {
		tb.Errorf("ollamatest: %v", err)
	}
}

// Client returns the HTTP client that reaches s at s.URL (nil for [New]).
func (s *Server) Client() *http.Client { return s.client }

// API returns an Ollama API client for s.URL through [Server.Client].
func (s *Server) API() *api.Client {
	u, err := url.Parse(s.URL)
	if err != nil {
		panic(fmt.Sprintf("ollamatest: bad URL %q: %v", s.URL, err))
	}
	return api.NewClient(u, s.client)
}

// AddModel adds m to the local models, replacing the script of a model of
// the same name (a loaded one stays loaded, as in Ollama).
func (s *Server) AddModel(m Model) {
	m = m.normalised()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addModelLocked(m, time.Now())
}

func (s *Server) addModelLocked(m Model, now time.Time) {
	if ms, ok := s.models[m.Name]; ok {
		ms.m = m
		ms.modified = now
		return
	}
	s.models[m.Name] = &modelState{m: m, modified: now, changed: make(chan struct{})}
}

// Publish makes m available to /api/pull.
func (s *Server) Publish(m Model) {
	m = m.normalised()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registry[m.Name] = m
}

// Loaded reports whether the named model is loaded now.
func (s *Server) Loaded(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms, ok := s.models[canonicalName(name)]
	if !ok {
		return false
	}
	ms.expire(time.Now())
	return ms.loaded
}

// A RequestLog is what the fake saw of one request.
type RequestLog struct {
	Method, Path string
	Model        string         // as sent
	PromptTokens int            // generate/chat only
	Options      map[string]any // as sent
	KeepAlive    *time.Duration // as sent; nil = absent
	Stream       bool
	Fault        FaultKind // the fault applied, if any
	Arrived      time.Time // handler entered
	Started      time.Time // slot acquired (zero if never)
	Finished     time.Time // handler returned
	Load         time.Duration
	Chunks       int    // content chunks written
	Status       int    // HTTP status sent (0 if none was)
	Outcome      string // "done", "load", "unload", or why it ended early
}

// Requests returns the log of requests so far, in arrival order.
func (s *Server) Requests() []RequestLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.log)
	for i := range out {
		if out[i].Finished.IsZero() {
			out[i].Outcome = "in flight"
		}
	}
	return out
}

// Errors returns the protocol problems the fake saw: malformed requests,
// unknown paths or methods. A test that expects none asserts it is empty.
func (s *Server) Errors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.errs)
}

func (s *Server) recordError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, err)
}

// logStart appends a log entry and returns its index.
func (s *Server) logStart(e RequestLog) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, e)
	return len(s.log) - 1
}

func (s *Server) logUpdate(i int, f func(*RequestLog)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.log[i])
}
