package ollamatest

import "time"

// emptyLines is FaultKeepAlive: a line with empty content and done false
// every interval (0 = 1 s) until the client goes away.
func (p *nativeReply) emptyLines(every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	for {
		if err := p.enc.Encode(p.q.chunk("")); err != nil {
			return
		}
		flush(p.w)
		if sleep(p.t.ctx, every) != nil {
			return
		}
	}
}
