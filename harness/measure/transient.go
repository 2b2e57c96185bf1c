package measure

import (
	"errors"
	"net/http"

	"github.com/ollama/ollama/api"
)

// Transient reports whether err is a failure of one call that says
// nothing about the calls after it: the server was busy (429 Too Many
// Requests, 503 Service Unavailable) or the connection was cut mid-stream
// ([ErrCut]). A benchmark counts such a call (failed-calls) and goes on,
// where the server itself is still up.
func Transient(err error) bool {
	var se api.StatusError
	if errors.As(err, &se) {
		return se.StatusCode == http.StatusTooManyRequests || se.StatusCode == http.StatusServiceUnavailable
	}
	return errors.Is(err, ErrCut)
}
