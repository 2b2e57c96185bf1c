// Package measure measures one streamed LLM call into a [Record] and pools
// Records into benchfmt metrics ([CallMetrics]); a [Trace] keeps every
// Record as a JSON line. It links no testing and no gonum, so that the
// agent binary (cmd/chimera-agent) stays lean.
//
// A measurement that a call did not give is absent, never 0: a call with
// no content chunk has no TTFT, a count or duration the done chunk does not
// carry (load_duration, eval_count, …) is nil in the Record, and
// CallMetrics leaves them out of its means and counts the calls that
// lacked them (no-ttft-calls, no-load-calls, no-prefill-calls).
//
// A server's accounting is checked before it is used ([Validate]): a call
// whose numbers cannot be true is an invalid call, traced with its reason
// (Record.Invalid), counted (invalid-calls) and pooled into nothing, and
// [CallMetrics.Err] fails a benchmark whose calls were all invalid. The
// trace never tears: a short write is cut back to the last whole line, and
// [ReadTrace] returns every whole record of a torn file, naming the torn
// lines ([ErrTorn]).
//
// A [Client] from [NewOpenAIClient] measures the same Record over the
// OpenAI chat-completions protocol (openai.go): TTFT at the first content
// chunk, reasoning deltas apart, tokens from usage (else counted and
// marked), server phases only from llama.cpp's timings; options it lacks
// refuse the call. [Record.StreamSpan] gives stream-tok/s, a decode rate
// that needs no server timing.
//
// Environment (read at call time): CHIMERA_STALL, the stall limit of calls
// that set none: how long a stream may go without generated text, whatever
// other lines arrive (a Go duration; default [DefaultStall]).
package measure
