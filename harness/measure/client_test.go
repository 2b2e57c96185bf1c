package measure

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
)

// TestClientStreamSpeaksOllamasProtocol checks the measured calls' own
// stream loop against the cases api.Client handles.
func TestClientStreamSpeaksOllamasProtocol(t *testing.T) {
	long := strings.Repeat("x", 3*firstLineBuffer) // a line past the first buffer
	done := `{"model":"m","response":"","done":true,"done_reason":"stop","eval_count":1,"eval_duration":1000}` + "\n"
	tests := []struct {
		name   string
		status int
		body   string
		check  func(*testing.T, Record, error)
	}{
		{
			name: "a line longer than the first buffer is read whole",
			body: `{"model":"m","response":"` + long + `","done":false}` + "\n" + done,
			check: func(t *testing.T, r Record, err error) {
				if err != nil || r.ResponseChars != len(long) {
					t.Errorf("err %v, %d response bytes; want nil, %d", err, r.ResponseChars, len(long))
				}
			},
		},
		{
			name:   "an HTTP error status is an api.StatusError with the server's message",
			status: http.StatusNotFound,
			body:   `{"error":"model \"m\" not found, try pulling it first"}` + "\n",
			check: func(t *testing.T, r Record, err error) {
				var se api.StatusError
				if !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(se.ErrorMessage, "try pulling") {
					t.Errorf("err = %#v, want a 404 StatusError carrying the message", err)
				}
			},
		},
		{
			name: "an error line mid-stream ends the call with that error",
			body: `{"model":"m","response":"a","done":false}` + "\n" + `{"error":"runner crashed"}` + "\n",
			check: func(t *testing.T, r Record, err error) {
				if err == nil || !strings.Contains(err.Error(), "stream line 2: runner crashed") || len(r.Chunks) != 1 {
					t.Errorf("err = %v after %d chunks; want runner crashed after 1", err, len(r.Chunks))
				}
			},
		},
		{
			name: "a malformed line is named by number and quoted, cut to 200 bytes",
			body: `{"model":"m","response":"a","done":false}` + "\n" + `{"response":` + strings.Repeat("y", 300) + "\n" + done,
			check: func(t *testing.T, r Record, err error) {
				quoted := `"{\"response\":` + strings.Repeat("y", 200-len(`{"response":`)) + `"`
				if err == nil || !strings.Contains(err.Error(), "stream line 2: malformed line "+quoted+": invalid character") || len(r.Chunks) != 1 {
					t.Errorf("err = %v after %d chunks; want stream line 2 quoting its first 200 bytes, after 1 chunk", err, len(r.Chunks))
				}
			},
		},
		{
			name: "a line after the done line is an error, not a chunk after the end",
			body: done + `{"model":"m","response":"late","done":false}` + "\n",
			check: func(t *testing.T, r Record, err error) {
				if err == nil || !strings.Contains(err.Error(), "stream line 2: a line after the done line") || len(r.Chunks) != 0 {
					t.Errorf("err = %v with %d chunks; want the line after done named, no chunk", err, len(r.Chunks))
				}
			},
		},
		{
			name: "a stream with no done line is ErrNoDone",
			body: `{"model":"m","response":"a","done":false}` + "\n",
			check: func(t *testing.T, r Record, err error) {
				if !errors.Is(err, ErrNoDone) {
					t.Errorf("err = %v, want ErrNoDone", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/generate" || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
					http.Error(w, "unexpected request", http.StatusTeapot)
					return
				}
				w.Header().Set("Content-Type", "application/x-ndjson")
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			r, err := Measure(t.Context(), Call{Client: NewClient(u, srv.Client()), URL: srv.URL, Model: "m", Prompt: "p"})
			tt.check(t, r, err)
		})
	}
}
