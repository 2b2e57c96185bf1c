// Package measure measures one streamed LLM call into a [Record] and pools
// Records into benchfmt metrics ([CallMetrics]); a [Trace] keeps every
// Record as a JSON line. It links no testing and no gonum, so that the
// agent binary (cmd/chimera-agent) stays lean.
//
// A measurement that a call did not give is absent, never 0: a call with
// no content chunk has no TTFT, a done chunk without load_duration or
// prompt_eval_duration leaves those nil in the Record, and CallMetrics
// leaves them out of its means and counts them (no-ttft-calls,
// no-load-calls, no-prefill-calls).
//
// A [Client] from [NewOpenAIClient] measures the same Record over the
// OpenAI chat-completions protocol (openai.go): TTFT at the first content
// chunk, reasoning deltas apart, tokens from usage (else counted and
// marked), server phases only from llama.cpp's timings; options it lacks
// refuse the call. [Record.StreamSpan] gives stream-tok/s, a decode rate
// that needs no server timing.
//
// Environment (read at call time): CHIMERA_STALL, the stall limit of calls
// that set none (a Go duration; default [DefaultStall]).
package measure
