package ollamatest

import (
	"context"
	"encoding/json"
	"time"
)

// emptyLines is FaultKeepAlive: a line with empty content and done false
// every interval (0 = 1 s) until the client goes away.
func (q inference) emptyLines(ctx context.Context, enc *json.Encoder, flush func(), every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	for {
		if err := enc.Encode(q.chunk("")); err != nil {
			return
		}
		flush()
		if sleep(ctx, every) != nil {
			return
		}
	}
}
