package measure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// ProtocolOpenAI names the OpenAI chat-completions protocol in a run's
// provenance ("protocol: openai").
const ProtocolOpenAI = "openai"

// OpenAIEndpoint is Record.Endpoint of a call measured over the OpenAI
// protocol: a streamed chat completion.
const OpenAIEndpoint = "chat/completions"

// OpenAIKeyEnv names the environment variable whose value [NewOpenAIClient]'s
// callers send as the bearer token. Errors name the variable, never its value.
const OpenAIKeyEnv = "CHIMERA_OPENAI_KEY"

// Errors of the OpenAI protocol, for errors.Is.
var (
	// ErrUnauthorized: the server answered 401 or 403.
	ErrUnauthorized = errors.New("not authorised")
	// ErrUnknownModel: the server does not serve the model; the error lists
	// the models it does.
	ErrUnknownModel = errors.New("model not served")
	// ErrUnsupportedOption: an option has no OpenAI equivalent (num_ctx,
	// num_gpu, num_thread, …): the call is refused rather than sent without it.
	ErrUnsupportedOption = errors.New("option has no OpenAI equivalent")
)

// NewOpenAIClient returns a client whose [Measure] calls are OpenAI chat
// completions at base (the URL that /chat/completions and /models hang
// off, e.g. http://h:8000/v1), streamed with stream_options.include_usage.
// key, if not "", is sent as a bearer token on every request; it never
// appears in an error or a Record (a server's message that quotes it has it
// replaced by the variable's name). hc nil means http.DefaultClient.
//
// The embedded api.Client speaks Ollama's native API at base's root (base
// without a trailing /v1), for a server that is Ollama ([ServerInfo.Ollama]):
// the harness creates and unloads models there.
func NewOpenAIClient(base *url.URL, hc *http.Client, key string) *Client {
	c := NewClient(base, hc)
	c.Client = api.NewClient(openaiRoot(base), c.hc)
	c.openai, c.key = true, key
	return c
}

// OpenAI reports whether c speaks the OpenAI protocol ([NewOpenAIClient]).
func (c *Client) OpenAI() bool { return c.openai }

// openaiRoot is base without a trailing /v1: where a server's own
// endpoints (/props, /version, Ollama's /api) are.
func openaiRoot(base *url.URL) *url.URL {
	u := *base
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v1")
	u.RawPath = ""
	return &u
}

// openaiOptions are the options the protocol has, by their Ollama names.
var openaiOptions = []string{"temperature", "top_p", "num_predict", "seed"}

// OpenAIUnsupported returns, sorted, the options of opts that the OpenAI
// protocol lacks (anything but temperature, top_p, num_predict as
// max_tokens, and seed): a configuration that sets them cannot run there.
func OpenAIUnsupported(opts map[string]any) []string {
	var out []string
	for k := range opts {
		if !slices.Contains(openaiOptions, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// openaiRequest is a streamed chat completion request. Unset options are
// not sent, so the server's defaults apply, as with Ollama's options.
type openaiRequest struct {
	Model         string          `json:"model"`
	Messages      []openaiMessage `json:"messages"`
	Stream        bool            `json:"stream"`
	StreamOptions struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   *int     `json:"max_tokens,omitempty"`
	Seed        *int     `json:"seed,omitempty"`
}

type openaiMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// newOpenAIRequest maps a call onto the protocol; an option it lacks is
// an error wrapping ErrUnsupportedOption, never dropped.
func newOpenAIRequest(c Call) (*openaiRequest, error) {
	unsupported := OpenAIUnsupported(c.Options)
	if c.KeepAlive != nil {
		unsupported = append(unsupported, "keep_alive")
	}
	if len(unsupported) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedOption, strings.Join(unsupported, ", "))
	}
	req := &openaiRequest{Model: c.Model, Messages: []openaiMessage{{Role: "user", Content: c.Prompt}}, Stream: true}
	req.StreamOptions.IncludeUsage = true
	for k, v := range c.Options {
		f, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("option %s=%v: not a number", k, v)
		}
		switch k {
		case "temperature":
			req.Temperature = &f
		case "top_p":
			req.TopP = &f
		case "num_predict":
			if f > 0 { // Ollama's -1 (no limit) is the protocol's default
				req.MaxTokens = Ptr(int(f))
			}
		case "seed":
			req.Seed = Ptr(int(f))
		}
	}
	return req, nil
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// streamOpenAI sends c as a streamed chat completion and feeds each line
// of the event stream to m. What it measures:
//
//   - FirstContent and Chunks: every chunk whose delta carries content. A
//     role-only chunk, an empty or null content and a chunk without choices
//     (vLLM's usage chunk) are not content.
//   - Reasoning: every chunk whose delta carries reasoning_content (vLLM,
//     llama.cpp) or reasoning (Ollama): a token of its own, timed apart and
//     never part of the content or its TTFT.
//   - EvalCount and PromptEvalCount from usage; without usage, llama.cpp's
//     timings' predicted_n and prompt_n; without either, EvalCount is the
//     number of content and reasoning chunks and TokensCounted says so.
//   - PromptEvalDuration and EvalDuration from llama.cpp's timings
//     (prompt_ms, predicted_ms) where the server sends them; else nil and 0,
//     so that prefill-ns and tok/s are omitted, never 0. The protocol has no
//     load time: LoadDuration stays nil.
//   - End at the data: [DONE] line; a stream that ends without it is
//     ErrNoDone, one that breaks is ErrCut.
//
// 401 and 403 wrap ErrUnauthorized and name OpenAIKeyEnv; 404 for a model
// the server does not list wraps ErrUnknownModel and lists what it serves;
// every HTTP error is an api.StatusError. A line that is not server-sent
// events, or data that is not a JSON chunk, is an error naming its line
// number and quoting it (cut to 200 bytes).
func (c *Client) streamOpenAI(ctx context.Context, call Call, m *sseMeter) error {
	req, err := newOpenAIRequest(call)
	if err != nil {
		return err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	resp, err := c.openaiDo(ctx, http.MethodPost, c.base.JoinPath("chat/completions").String(), body, "text/event-stream")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= http.StatusBadRequest {
		return c.openaiStatus(ctx, resp, call.Model)
	}
	m.key = c.key
	return readStream(resp.Body, m.line)
}

// openaiDo sends one request with the bearer token, if any.
func (c *Client) openaiDo(ctx context.Context, method, u string, body []byte, accept string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	hreq.Header.Set("Accept", accept)
	if c.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, c.redactErr(err)
	}
	return resp, nil
}

// openaiStatus turns an HTTP error answer into an api.StatusError with the
// server's message, wrapped in ErrUnauthorized or ErrUnknownModel where
// the status says so.
func (c *Client) openaiStatus(ctx context.Context, resp *http.Response, model string) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	se := api.StatusError{StatusCode: resp.StatusCode, Status: resp.Status, ErrorMessage: errorMessage([]byte(c.redact(string(b))))} // redacted before it is cut
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		how := "set " + OpenAIKeyEnv + " to the server's API key"
		if c.key != "" {
			how = "the key in " + OpenAIKeyEnv + " was refused"
		}
		return fmt.Errorf("%w at %s (%s): %w", ErrUnauthorized, c.base, how, se)
	case http.StatusNotFound:
		ids, err := c.openaiModelIDs(ctx)
		if err == nil && !slices.Contains(ids, model) {
			return fmt.Errorf("%w: %s does not serve %q; it serves: %s: %w", ErrUnknownModel, c.base, model, strings.Join(ids, ", "), se)
		}
	}
	return se
}

// errorMessage is the message of an error body: OpenAI's
// {"error": {"message": …}}, {"error": "…"}, {"message": …}, or the text.
func errorMessage(b []byte) string {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil {
		var obj struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(e.Error, &obj) == nil && obj.Message != "":
			return obj.Message
		case json.Unmarshal(e.Error, &s) == nil && s != "":
			return s
		case e.Message != "":
			return e.Message
		}
	}
	b = bytes.TrimSpace(b)
	if len(b) > maxQuotedLine {
		b = b[:maxQuotedLine]
	}
	return string(b)
}

// redact replaces the key wherever a server quoted it.
func (c *Client) redact(s string) string {
	if c.key == "" {
		return s
	}
	return strings.ReplaceAll(s, c.key, "["+OpenAIKeyEnv+"]")
}

func (c *Client) redactErr(err error) error {
	if c.key == "" || !strings.Contains(err.Error(), c.key) {
		return err
	}
	return errors.New(c.redact(err.Error()))
}

// An OpenAIModel is one entry of a server's /models list. Root and
// MaxModelLen are vLLM's (the weights it loaded, the context it serves).
type OpenAIModel struct {
	ID          string `json:"id"`
	OwnedBy     string `json:"owned_by,omitempty"`
	Root        string `json:"root,omitempty"`
	MaxModelLen int    `json:"max_model_len,omitempty"`
}

// OpenAIModels lists the models the server serves (GET /models). 401 and
// 403 wrap ErrUnauthorized and name OpenAIKeyEnv.
func (c *Client) OpenAIModels(ctx context.Context) ([]OpenAIModel, error) {
	resp, err := c.openaiDo(ctx, http.MethodGet, c.base.JoinPath("models").String(), nil, "application/json")
	if err != nil {
		return nil, fmt.Errorf("list models at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= http.StatusBadRequest {
		err := c.openaiStatus(ctx, resp, "")
		return nil, fmt.Errorf("list models at %s: %w", c.base, err)
	}
	var list struct {
		Data []OpenAIModel `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("list models at %s: %w", c.base, err)
	}
	return list.Data, nil
}

func (c *Client) openaiModelIDs(ctx context.Context) ([]string, error) {
	ms, err := c.OpenAIModels(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	slices.Sort(ids)
	return ids, nil
}

// ServerInfo is what an OpenAI-compatible server says of itself.
type ServerInfo struct {
	Name    string // "ollama", "llama.cpp", "vllm", else the Server header, else "unknown"
	Version string // "" where the server does not say
	// Ollama reports a server that also answers Ollama's native API at the
	// root (its /v1 is Ollama's own): models can be created and unloaded there.
	Ollama bool
}

// OpenAIServer asks the server at c's root who it is: Ollama's
// /api/version, llama.cpp's /props (build_info), vLLM's /version, in that
// order, else the Server header of /models. It never fails: what is not
// told is "unknown".
func (c *Client) OpenAIServer(ctx context.Context) ServerInfo {
	root := openaiRoot(c.base)
	get := func(path string, v any) bool {
		resp, err := c.openaiDo(ctx, http.MethodGet, root.JoinPath(path).String(), nil, "application/json")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK && json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v) == nil
	}
	var version struct {
		Version string `json:"version"`
	}
	if get("api/version", &version) && version.Version != "" {
		return ServerInfo{Name: "ollama", Version: version.Version, Ollama: true}
	}
	var props struct {
		BuildInfo  string `json:"build_info"`
		TotalSlots *int   `json:"total_slots"`
		DefaultGen any    `json:"default_generation_settings"`
	}
	if get("props", &props) && (props.TotalSlots != nil || props.DefaultGen != nil) {
		return ServerInfo{Name: "llama.cpp", Version: props.BuildInfo}
	}
	version.Version = ""
	if get("version", &version) && version.Version != "" {
		return ServerInfo{Name: "vllm", Version: version.Version}
	}
	if resp, err := c.openaiDo(ctx, http.MethodGet, c.base.JoinPath("models").String(), nil, "application/json"); err == nil {
		resp.Body.Close()
		if s := resp.Header.Get("Server"); s != "" {
			return ServerInfo{Name: strings.ReplaceAll(s, " ", "_")}
		}
	}
	return ServerInfo{Name: "unknown"}
}

// sseMeter times the chunks of one OpenAI call (see [Client.streamOpenAI]).
type sseMeter struct {
	*meter
	key     string // redacted from a quoted line or a streamed error
	reason  string
	usage   *openaiUsage
	timings *llamaTimings
}

type openaiUsage struct {
	PromptTokens            int `json:"prompt_tokens"`
	CompletionTokens        int `json:"completion_tokens"`
	CompletionTokensDetails *struct {
		ReasoningTokens *int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

// llamaTimings is llama.cpp's per-request accounting.
type llamaTimings struct {
	PromptN     *int     `json:"prompt_n"`
	PromptMS    *float64 `json:"prompt_ms"`
	PredictedN  *int     `json:"predicted_n"`
	PredictedMS *float64 `json:"predicted_ms"`
}

// openaiChunk is what is read of one chat.completion.chunk.
type openaiChunk struct {
	Choices []struct {
		Delta struct {
			Content          *string `json:"content"`
			ReasoningContent *string `json:"reasoning_content"`
			Reasoning        *string `json:"reasoning"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage   *openaiUsage    `json:"usage"`
	Timings *llamaTimings   `json:"timings"`
	Error   json.RawMessage `json:"error"`
}

// errMalformedSSE marks a line that is not server-sent events or data
// that is not a chunk.
var errMalformedSSE = errors.New("malformed event stream")

func (m *sseMeter) malformed(b []byte, why error) error {
	q := m.redactBytes(b)
	if len(q) > maxQuotedLine {
		q = q[:maxQuotedLine]
	}
	return fmt.Errorf("%w: %q: %w", errMalformedSSE, q, why)
}

func (m *sseMeter) redactBytes(b []byte) []byte {
	if m.key == "" {
		return b
	}
	return bytes.ReplaceAll(b, []byte(m.key), []byte("["+OpenAIKeyEnv+"]"))
}

// line reads one line of the event stream: data lines carry the chunks,
// blank lines end events, comments (":") and event/id/retry fields are
// skipped.
func (m *sseMeter) line(b []byte) error {
	if len(b) == 0 || b[0] == ':' {
		return nil
	}
	field, value, _ := bytes.Cut(b, []byte(":"))
	value = bytes.TrimPrefix(value, []byte(" "))
	switch string(field) {
	case "data":
	case "event", "id", "retry":
		return nil
	default:
		return m.malformed(b, errors.New("not a server-sent event field"))
	}
	if m.done {
		return errAfterDone
	}
	if string(value) == "[DONE]" {
		m.finish()
		return nil
	}
	var ch openaiChunk
	if err := json.Unmarshal(value, &ch); err != nil {
		return m.malformed(b, err)
	}
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		return fmt.Errorf("server error in stream: %s", errorMessage(m.redactBytes(value)))
	}
	m.chunk(&ch)
	return nil
}

func (m *sseMeter) chunk(ch *openaiChunk) {
	now := time.Since(m.start)
	r := m.r
	for _, c := range ch.Choices {
		d := c.Delta
		if d.Content != nil && *d.Content != "" {
			if len(r.Chunks) == 0 {
				r.FirstContent = now
			}
			r.Chunks = append(r.Chunks, now)
			m.text.WriteString(*d.Content)
		}
		reasoning := d.ReasoningContent
		if reasoning == nil || *reasoning == "" {
			reasoning = d.Reasoning
		}
		if reasoning != nil && *reasoning != "" {
			r.Reasoning = append(r.Reasoning, now)
		}
		if c.FinishReason != nil && *c.FinishReason != "" {
			m.reason = *c.FinishReason
		}
	}
	if ch.Usage != nil {
		m.usage = ch.Usage
	}
	if ch.Timings != nil {
		m.timings = ch.Timings
	}
	m.timer.Reset(m.stall)
}

// finish applies the server's accounting at the [DONE] line.
func (m *sseMeter) finish() {
	now := time.Since(m.start)
	m.timer.Stop()
	m.done = true
	r := m.r
	r.End = now
	r.DoneReason = m.reason
	t := m.timings
	switch {
	case m.usage != nil:
		r.EvalCount = Ptr(m.usage.CompletionTokens)
		r.PromptEvalCount = Ptr(m.usage.PromptTokens)
		if d := m.usage.CompletionTokensDetails; d != nil && d.ReasoningTokens != nil {
			r.ReasoningTokens = Ptr(*d.ReasoningTokens)
		}
	case t != nil && t.PredictedN != nil:
		r.EvalCount = Ptr(*t.PredictedN)
		if t.PromptN != nil {
			r.PromptEvalCount = Ptr(*t.PromptN)
		}
	default:
		r.EvalCount = Ptr(len(r.Chunks) + len(r.Reasoning))
		r.TokensCounted = true
	}
	if t != nil {
		if t.PromptMS != nil {
			r.PromptEvalDuration = Ptr(millis(*t.PromptMS))
		}
		if t.PredictedMS != nil {
			r.EvalDuration = Ptr(millis(*t.PredictedMS))
		}
	}
}

// millis converts llama.cpp's float milliseconds, to the nanosecond.
func millis(ms float64) time.Duration { return time.Duration(math.Round(ms * 1e6)) }
