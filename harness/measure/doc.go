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
// Environment (read at call time): CHIMERA_STALL, the stall limit of calls
// that set none (a Go duration; default [DefaultStall]).
package measure
