package measure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http/httptrace"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ollama/ollama/api"
)

// DefaultStall is the stall limit of a [Call] that sets none, when
// CHIMERA_STALL is unset. The limit runs from the request's start until
// the first generated text, then from each generated text to the next, so
// it also bounds model loading and queueing before the first chunk: a cold
// load of a large model or a long queue behind other agents needs a larger
// one (CHIMERA_STALL=10m, or Call.Stall).
const DefaultStall = 2 * time.Minute

// MaxStall is the largest stall limit CHIMERA_STALL may set: a day. A
// larger one is a typo (5000h for 5000ms), and a hung server would then
// hold the run for longer than any benchmark means to run.
const MaxStall = 24 * time.Hour

// StallEnv names the environment variable that sets the stall limit of
// calls that set none: a Go duration, e.g. "5m".
const StallEnv = "CHIMERA_STALL"

// StallFromEnv returns the stall limit for a [Call] that sets none:
// CHIMERA_STALL, read now, or DefaultStall when it is unset or empty. A
// value that is not a positive Go duration of at most [MaxStall] is an
// error naming the variable.
func StallFromEnv() (time.Duration, error) {
	v := os.Getenv(StallEnv)
	if v == "" {
		return DefaultStall, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > MaxStall {
		return 0, fmt.Errorf("%s=%q: want a positive Go duration of at most %v, such as 5m", StallEnv, v, MaxStall)
	}
	return d, nil
}

// Errors of [Measure], for errors.Is. Each comes wrapped with the endpoint,
// model, URL, content chunks and bytes received, and the elapsed time.
var (
	// ErrNoDone: the stream ended without a done:true chunk (Ollama does
	// this after ~30 identical tokens in a row).
	ErrNoDone = errors.New("stream ended without done")
	// ErrStall: no generated text arrived for Call.Stall.
	ErrStall = errors.New("stream stalled")
	// ErrCut: the connection broke mid-stream. It also wraps the transport's
	// error (often io.ErrUnexpectedEOF).
	ErrCut = errors.New("connection cut mid-stream")
)

// A Call is one LLM request to measure.
type Call struct {
	Client    *Client
	URL       string // the instance's base URL, copied into the record
	Model     string
	Endpoint  string // "generate" (default) or "chat" (the prompt as one user message)
	Prompt    string
	Options   map[string]any // nil = no options: server defaults (the study's baseline)
	KeepAlive *api.Duration  // nil = server default
	// Stall is how long without generated text (content or thinking; or,
	// before the first, since the start) counts as a hung server, whatever
	// other lines arrive: a server that sends empty lines to keep the
	// connection open is still stalled. 0 = [StallFromEnv].
	Stall time.Duration

	// Identity copied into the record.
	Run, Config, Agent, Stage string
}

// Measure streams one call through c.Client and returns its Record.
//
// Times are offsets from the request's start on the monotonic clock:
// FirstByte when the response's first byte arrived (Ollama sends its
// headers with the first token), FirstContent and Chunks for every chunk
// with non-empty content (response for generate, message content for chat;
// thinking text is not content), and End for the done chunk. The server's
// durations, counts and done_reason are copied from the done chunk; a
// count or duration it does not carry stays nil in the Record. The done
// chunk's accounting is then checked ([Validate]): a call whose accounting
// fails is returned without error (its response is good), with
// Record.Invalid saying why.
//
// With a client from [NewOpenAIClient] the call is an OpenAI chat
// completion instead ([Client.streamOpenAI] says what is measured there).
//
// A call that fails returns an error and the partial Record with Err set
// and End at the moment the failure was seen; nothing is ever returned as a
// silently short sample. A malformed streamed line is an error naming its
// line number and quoting it. The error is, checked in this order: ctx's own
// error (cancelled or expired, with its cause), [ErrStall], an
// [api.StatusError] for an HTTP error status (use errors.As), [ErrCut],
// another request or decoding error, or [ErrNoDone].
func Measure(ctx context.Context, c Call) (Record, error) {
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "generate"
	}
	if c.Client != nil && c.Client.openai && (endpoint == "generate" || endpoint == "chat") {
		endpoint = OpenAIEndpoint // the prompt goes as one user message either way
	}
	r := Record{
		Run: c.Run, Config: c.Config, Agent: c.Agent, Stage: c.Stage,
		Model: c.Model, URL: c.URL, Endpoint: endpoint,
		Options: maps.Clone(c.Options), Prompt: len(c.Prompt),
	}
	stall := c.Stall
	if stall <= 0 {
		var err error
		if stall, err = StallFromEnv(); err != nil {
			r.Start = time.Now()
			err = fmt.Errorf("%s %s at %s: %w", endpoint, c.Model, c.URL, err)
			r.Err = err.Error()
			return r, err
		}
	}
	guess := chunkGuess(c.Options)
	r.Chunks = make([]time.Duration, 0, guess)
	var text strings.Builder
	text.Grow(guess * 6)

	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var firstByte atomic.Int64
	firstByte.Store(-1)
	start := time.Now()
	sctx = httptrace.WithClientTrace(sctx, &httptrace.ClientTrace{
		GotFirstResponseByte: func() { firstByte.Store(int64(time.Since(start))) },
	})
	r.Start = start
	timer := time.AfterFunc(stall, func() { cancel(ErrStall) })
	defer timer.Stop()

	m := &meter{r: &r, text: &text, start: start, timer: timer, stall: stall}
	var err error
	switch {
	case c.Client == nil:
		err = errors.New("no client")
	case endpoint == OpenAIEndpoint && c.Client.openai:
		err = c.Client.streamOpenAI(sctx, c, &sseMeter{meter: m})
	case endpoint == "generate":
		err = c.Client.stream(sctx, "/api/generate", &api.GenerateRequest{
			Model: c.Model, Prompt: c.Prompt, Options: c.Options, KeepAlive: c.KeepAlive,
		}, m.line)
	case endpoint == "chat":
		err = c.Client.stream(sctx, "/api/chat", &api.ChatRequest{
			Model: c.Model, Messages: []api.Message{{Role: "user", Content: c.Prompt}},
			Options: c.Options, KeepAlive: c.KeepAlive,
		}, m.line)
	default:
		err = fmt.Errorf("unknown endpoint %q (want generate or chat)", endpoint)
	}
	timer.Stop()
	if fb := firstByte.Load(); fb >= 0 {
		r.FirstByte = time.Duration(fb)
	}
	r.Response = text.String()
	r.ResponseChars = len(r.Response)
	if m.done && err == nil {
		r.Invalid = Validate(r)
		return r, nil
	}

	r.End = time.Since(start)
	var se api.StatusError
	switch {
	case ctx.Err() != nil:
		if cause := context.Cause(ctx); cause != ctx.Err() {
			err = fmt.Errorf("%w: %w", ctx.Err(), cause)
		} else {
			err = ctx.Err()
		}
	case errors.Is(context.Cause(sctx), ErrStall):
		err = fmt.Errorf("%w: no generated text for %v", ErrStall, stall)
	case errors.As(err, &se):
		// err as is: the status and server message
		r.Status = se.StatusCode
	case err != nil:
		// err as is
	default:
		err = ErrNoDone
	}
	err = fmt.Errorf("%s %s at %s: %d content chunks (%d bytes) in %v: %w",
		endpoint, c.Model, c.URL, len(r.Chunks), r.ResponseChars, r.End, err)
	r.Err = err.Error()
	return r, err
}

// streamLine is what Measure reads of a streamed line of /api/generate
// (response) or /api/chat (message.content): the api package's response
// types carry more (model, created_at, …) that would cost a decode and
// allocations per chunk for nothing. The counts and durations are
// pointers, so that a key absent from the done line stays nil rather than
// reading as 0 (api.Metrics cannot tell); only the done line carries them,
// so the chunks before it allocate nothing for them. Thinking text is
// read only to keep the stall timer from firing while a model thinks.
type streamLine struct {
	Response string `json:"response"`
	Thinking string `json:"thinking"`
	Message  struct {
		Content  string `json:"content"`
		Thinking string `json:"thinking"`
	} `json:"message"`
	Done               bool           `json:"done"`
	DoneReason         string         `json:"done_reason"`
	TotalDuration      *time.Duration `json:"total_duration"`
	LoadDuration       *time.Duration `json:"load_duration"`
	PromptEvalCount    *int           `json:"prompt_eval_count"`
	PromptEvalDuration *time.Duration `json:"prompt_eval_duration"`
	EvalCount          *int           `json:"eval_count"`
	EvalDuration       *time.Duration `json:"eval_duration"`
	streamError
}

// maxQuotedLine bounds how much of a malformed line an error quotes.
const maxQuotedLine = 200

// errAfterDone: the done line must be the last; content after it would
// be timed after the call's end.
var errAfterDone = errors.New("a line after the done line")

// line decodes one streamed line and times it. A line that does not
// decode is an error quoting it (cut to maxQuotedLine bytes).
func (m *meter) line(b []byte) error {
	if m.done {
		return errAfterDone
	}
	var l streamLine
	if err := json.Unmarshal(b, &l); err != nil {
		q := b
		if len(q) > maxQuotedLine {
			q = q[:maxQuotedLine]
		}
		return fmt.Errorf("malformed line %q: %w", q, err)
	}
	if err := l.err(); err != nil {
		return err
	}
	m.chunk(&l)
	return nil
}

// A meter times the chunks of one call.
type meter struct {
	r     *Record
	text  *strings.Builder
	start time.Time
	timer *time.Timer
	stall time.Duration
	done  bool
}

// chunk runs once per streamed line; it must stay allocation-free beyond
// the amortised growth of r.Chunks and text. Only a line with generated
// text (content, or thinking) restarts the stall timer: a stall is time
// without progress, and an empty line is not progress.
func (m *meter) chunk(l *streamLine) {
	now := time.Since(m.start)
	r := m.r
	if n := len(l.Response) + len(l.Message.Content); n > 0 {
		if len(r.Chunks) == 0 {
			r.FirstContent = now
		}
		r.Chunks = append(r.Chunks, now)
		m.text.WriteString(l.Response)
		m.text.WriteString(l.Message.Content)
		m.timer.Reset(m.stall)
	} else if len(l.Thinking)+len(l.Message.Thinking) > 0 {
		m.timer.Reset(m.stall)
	}
	if !l.Done {
		return
	}
	m.timer.Stop()
	m.done = true
	r.End = now
	r.DoneReason = l.DoneReason
	r.LoadDuration = l.LoadDuration
	r.PromptEvalCount = l.PromptEvalCount
	r.PromptEvalDuration = l.PromptEvalDuration
	r.EvalCount = l.EvalCount
	r.EvalDuration = l.EvalDuration
	r.TotalDuration = l.TotalDuration
}

// chunkGuess sizes Record.Chunks from num_predict (one chunk per token,
// plus slack), else for a typical reply.
func chunkGuess(opts map[string]any) int {
	var n int
	switch v := opts["num_predict"].(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case float64:
		n = int(v)
	}
	if n <= 0 || n > 1<<16 {
		return 256
	}
	return n + 1
}
