package measure

import (
	"time"
)

// A Record is one LLM call as measured by the client, together with the
// server's own accounting of it. Every metric the suite reports is computed
// from Records; nothing is measured twice.
//
// Client times are offsets from Start on the monotonic clock. A Record with
// Err set is a failed call: it is written to the trace so that nothing is
// lost, but it is never pooled into a metric. A Record with Invalid set is
// an invalid call: it succeeded, but the server's accounting of it failed a
// check ([Validate]); it is traced with its reason, counted (invalid-calls),
// and pooled into nothing.
type Record struct {
	// Identity.
	Run      string         `json:"run,omitempty"`     // benchmark or run label
	Config   string         `json:"config,omitempty"`  // key=value config name
	Agent    string         `json:"agent,omitempty"`   // agent name within a multi-agent run
	Stage    string         `json:"stage,omitempty"`   // analysis | report | persona | warmup
	Model    string         `json:"model"`             // model tag as sent
	URL      string         `json:"url"`               // instance base URL
	Endpoint string         `json:"endpoint"`          // generate | chat | chat/completions (the OpenAI protocol)
	Options  map[string]any `json:"options,omitempty"` // options as sent; nil = server defaults
	Prompt   int            `json:"prompt_chars"`      // length of the prompt sent, in bytes

	// Client clock.
	Start        time.Time       `json:"start"`         // wall-clock time the request was sent
	FirstByte    time.Duration   `json:"first_byte_ns"` // first response byte
	FirstContent time.Duration   `json:"first_content_ns"`
	Chunks       []time.Duration `json:"chunks_ns,omitempty"` // arrival of each non-empty content chunk
	End          time.Duration   `json:"end_ns"`              // last chunk (the done chunk)

	// Server accounting, from the final (done) chunk. A nil field is one
	// the done chunk did not carry: not a measurement, and never pooled as
	// 0. (Ollama omits a zero value, so its absence also covers a server
	// that reported 0; Ollama's own load and prompt eval times are never 0.)
	LoadDuration       *time.Duration `json:"load_duration_ns,omitempty"`
	PromptEvalCount    *int           `json:"prompt_eval_count,omitempty"`
	PromptEvalDuration *time.Duration `json:"prompt_eval_duration_ns,omitempty"`
	EvalCount          *int           `json:"eval_count,omitempty"`
	EvalDuration       *time.Duration `json:"eval_duration_ns,omitempty"`
	TotalDuration      *time.Duration `json:"total_duration_ns,omitempty"`
	DoneReason         string         `json:"done_reason,omitempty"`

	// OpenAI protocol (openai.go): reasoning deltas are timed apart from
	// content, and what the server did not report is marked, not guessed.
	Reasoning       []time.Duration `json:"reasoning_ns,omitempty"`     // arrival of each reasoning delta (reasoning_content or reasoning)
	ReasoningTokens *int            `json:"reasoning_tokens,omitempty"` // usage.completion_tokens_details.reasoning_tokens, when reported
	TokensCounted   bool            `json:"tokens_counted,omitempty"`   // EvalCount is the count of token chunks: the server sent no usage
	// Status is the HTTP status of a call that failed with one (429, 503, …).
	Status int `json:"status,omitempty"`
	// Invalid is why the server's accounting was rejected ([Validate]);
	// "" for a valid call.
	Invalid string `json:"invalid,omitempty"`

	// Response is the concatenated content; the agent parses it.
	Response string `json:"-"`
	// ResponseChars is len(Response), kept in the trace instead of the text.
	ResponseChars int `json:"response_chars"`

	// Err is the failure, if any, with what was measured before it.
	Err string `json:"err,omitempty"`
}

// OK reports whether the call succeeded: it ended with a done chunk and no
// error. Its response is usable; it is pooled into metrics only if it is
// also [Record.Valid].
func (r Record) OK() bool { return r.Err == "" }

// Valid reports whether the call succeeded and its accounting passed
// [Validate]: only valid records are pooled into metrics.
func (r Record) Valid() bool { return r.Err == "" && r.Invalid == "" }

// Tokens is the server's eval_count. ok is false for a call that is not
// [Record.Valid] or whose done chunk carried no eval_count: a count that
// was not reported is unknown, never 0.
func (r Record) Tokens() (n int, ok bool) {
	if !r.Valid() || r.EvalCount == nil {
		return 0, false
	}
	return *r.EvalCount, true
}

// TTFT is the client's time to first token: request start → first
// non-empty content chunk (the Rust harness's definition). ok is false for
// a record without content chunks (a bare done answer): nothing to measure.
func (r Record) TTFT() (ttft time.Duration, ok bool) {
	if len(r.Chunks) == 0 {
		return 0, false
	}
	return r.FirstContent, true
}

// E2E is the client's end-to-end latency: request start → done chunk.
func (r Record) E2E() time.Duration { return r.End }

// ITL is the mean gap between content chunks after the first. ok is false
// when there are fewer than two content chunks (nothing to measure).
func (r Record) ITL() (itl time.Duration, ok bool) {
	n := len(r.Chunks)
	if n < 2 {
		return 0, false
	}
	return (r.Chunks[n-1] - r.Chunks[0]) / time.Duration(n-1), true
}

// StudyTTFT is the study's time to first token: the server's
// load_duration + prompt_eval_duration. ok is false unless the done chunk
// carried both.
func (r Record) StudyTTFT() (ttft time.Duration, ok bool) {
	if r.LoadDuration == nil || r.PromptEvalDuration == nil {
		return 0, false
	}
	return *r.LoadDuration + *r.PromptEvalDuration, true
}

// DecodeRate is the server's decode throughput, eval_count / eval_duration
// in tokens per second. ok is false for a call that is not
// [Record.Valid], or that did not report both, or whose eval_duration is 0.
func (r Record) DecodeRate() (tokPerSec float64, ok bool) {
	n, ok := r.Tokens()
	if !ok || r.EvalDuration == nil || *r.EvalDuration <= 0 {
		return 0, false
	}
	return float64(n) / r.EvalDuration.Seconds(), true
}
