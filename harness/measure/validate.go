package measure

import (
	"fmt"
	"strings"
	"time"
)

// Slack is how far a server's accounting may exceed what the client saw of
// the same call, wall being the call's client time (request start → done
// line): 10 ms plus a tenth of wall. A server's durations are intervals
// inside the client's (the request was sent before the server started
// timing, and the done line left after it stopped), so any excess is a
// wrong number; the slack only absorbs clock-rate differences and the
// client's read jitter (a goroutine woken late on a busy machine). The
// checks exist to refuse nonsense, not to audit a server to the
// millisecond.
func Slack(wall time.Duration) time.Duration { return 10*time.Millisecond + wall/10 }

// MaxDecodeSpeedup bounds how much shorter a server's eval_duration may be
// than the time its content chunks took to arrive ([Validate]).
const MaxDecodeSpeedup = 100

// Validate checks the server's accounting of a successful call against
// itself and against what the client measured, and returns why it is
// invalid ("" when it is valid). Measure calls it on every done line and
// stores the reason in Record.Invalid. The rules, each stated with the
// reason it gives:
//
//   - No count or duration is negative.
//   - Tokens need decode time: an eval_count above 1 with eval_duration
//     absent or 0 is refused (it would count tokens at an infinite rate:
//     Σ eval_count / Σ eval_duration then overstates every other call).
//     One token without decode time is Ollama's honest answer to
//     num_predict 1: eval_count counts the first token, but its time is
//     in prompt_eval_duration (runner/ollamarunner). It gives no decode
//     rate. Over the OpenAI protocol no decode time exists (only
//     llama.cpp's timings give one): there tokens without it are valid,
//     and give no tok/s.
//   - eval_count is at least the number of content chunks received. Every
//     content chunk carries the text of at least one generated token (a
//     server may merge tokens into one chunk, held back for a stop sequence
//     or an unfinished UTF-8 sequence, and a token may show no content,
//     such as thinking text or a special token, so fewer chunks than tokens
//     is normal); more chunks than tokens is not. A missing eval_count
//     means none was reported (Ollama omits a 0): after content chunks
//     it is refused, and it is never read as 0.
//   - No server duration, nor load + prompt eval + eval (three phases one
//     after the other), is longer than the call's wall time plus [Slack].
//   - eval_duration is at least 1/[MaxDecodeSpeedup] of the time over
//     which the content chunks after the first arrived, less [Slack]:
//     those tokens were decoded while the client watched them arrive.
//     Ollama's eval_duration leaves out the time spent sampling and
//     sending each token (runner/ollamarunner, runner/llamarunner), so it
//     may be well below that span, but a server that claims a decode 100
//     times faster than its tokens arrived (50 tokens in 1 ns) reports a
//     rate it did not reach.
//
// A call that fails a check is still a successful call: the agent uses
// its response, the trace keeps it with the reason, and metrics count it
// (invalid-calls) but pool none of its numbers, client times included, so
// that every per-call mean is over the same calls.
func Validate(r Record) string {
	var why []string
	bad := func(format string, a ...any) { why = append(why, fmt.Sprintf(format, a...)) }

	for _, f := range []struct {
		name string
		v    *int
	}{{"prompt_eval_count", r.PromptEvalCount}, {"eval_count", r.EvalCount}} {
		if f.v != nil && *f.v < 0 {
			bad("negative %s %d", f.name, *f.v)
		}
	}
	durations := []struct {
		name string
		v    *time.Duration
	}{
		{"load_duration", r.LoadDuration},
		{"prompt_eval_duration", r.PromptEvalDuration},
		{"eval_duration", r.EvalDuration},
		{"total_duration", r.TotalDuration},
	}
	for _, f := range durations {
		if f.v != nil && *f.v < 0 {
			bad("negative %s %v", f.name, *f.v)
		}
	}
	if len(why) > 0 {
		return strings.Join(why, "; ")
	}

	chunks := len(r.Chunks)
	switch {
	case r.EvalCount == nil && chunks > 0:
		bad("no eval_count after %d content chunks", chunks)
	case r.EvalCount != nil && *r.EvalCount < chunks:
		bad("eval_count %d below the %d content chunks received", *r.EvalCount, chunks)
	}
	if r.EvalCount != nil && *r.EvalCount > 1 && (r.EvalDuration == nil || *r.EvalDuration == 0) && r.Endpoint != OpenAIEndpoint {
		bad("%d tokens with no eval_duration", *r.EvalCount)
	}

	wall := r.End
	limit := wall + Slack(wall)
	sum := 0.0 // float64: three durations near MaxInt64 must not wrap
	for _, f := range durations {
		if f.v == nil {
			continue
		}
		if *f.v > limit {
			bad("%s %v longer than the call's %v (+%v slack)", f.name, *f.v, wall, Slack(wall))
		}
		if f.name != "total_duration" {
			sum += float64(*f.v)
		}
	}
	if len(why) == 0 && sum > float64(limit) {
		bad("load, prompt eval and eval durations sum to %v, longer than the call's %v (+%v slack)", time.Duration(sum), wall, Slack(wall))
	}

	if chunks >= 2 && r.EvalDuration != nil {
		span := r.Chunks[chunks-1] - r.Chunks[0]
		if float64(*r.EvalDuration)*MaxDecodeSpeedup+float64(Slack(wall)) < float64(span) {
			bad("eval_duration %v is under 1/%d of the %v over which content chunks 2–%d arrived (-%v slack)",
				*r.EvalDuration, MaxDecodeSpeedup, span, chunks, Slack(wall))
		}
	}
	return strings.Join(why, "; ")
}
