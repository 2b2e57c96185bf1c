package measure

import "time"

// tokenChunks returns when the first and the last token chunk arrived:
// content chunks and reasoning deltas together (a reasoning token is a
// generated token). n is how many there were.
func (r Record) tokenChunks() (first, last time.Duration, n int) {
	n = len(r.Chunks) + len(r.Reasoning)
	if n == 0 {
		return 0, 0, 0
	}
	first, last = time.Duration(1<<63-1), time.Duration(-1<<63)
	for _, ts := range [][]time.Duration{r.Chunks, r.Reasoning} {
		if len(ts) > 0 {
			first, last = min(first, ts[0]), max(last, ts[len(ts)-1])
		}
	}
	return first, last, n
}

// StreamSpan is what the client saw of decoding: the generated tokens
// after the first (EvalCount − 1) and the time from the first token chunk
// to the last. ok is false with fewer than two token chunks or tokens, or
// no time between them. It needs no server timing, so it measures decoding
// on servers that report none (the OpenAI protocol); the rate is
// tokens / span.
func (r Record) StreamSpan() (tokens int, span time.Duration, ok bool) {
	first, last, n := r.tokenChunks()
	if n < 2 || r.EvalCount == nil || *r.EvalCount < 2 || last <= first {
		return 0, 0, false
	}
	return *r.EvalCount - 1, last - first, true
}

// ReasoningTTFT is the client's time to the first reasoning delta: request
// start → first reasoning_content or reasoning chunk. ok is false for a
// call without reasoning.
func (r Record) ReasoningTTFT() (time.Duration, bool) {
	if len(r.Reasoning) == 0 {
		return 0, false
	}
	return r.Reasoning[0], true
}

// ReasoningCount is the call's reasoning tokens: the server's usage
// details where reported, else the number of reasoning deltas. ok is false
// for a call without reasoning.
func (r Record) ReasoningCount() (int, bool) {
	switch {
	case r.ReasoningTokens != nil:
		return *r.ReasoningTokens, true
	case len(r.Reasoning) > 0:
		return len(r.Reasoning), true
	}
	return 0, false
}
