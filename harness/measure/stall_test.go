package measure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// TestStallIsTimeWithoutGeneratedText serves, after one content chunk, a
// line every second for ten seconds, then the last content chunk and the
// done line, with a 2 s stall limit. Lines with thinking text are progress
// (a thinking model is not hung); empty lines are not, whatever they are
// (main restarted the timer on every line, so an empty line every second
// kept a dead stream alive forever).
func TestStallIsTimeWithoutGeneratedText(t *testing.T) {
	for _, tc := range []struct {
		name     string
		line     string // sent every second
		wantErr  error
		wantEnd  time.Duration
		wantText string
	}{
		{"generate thinking is progress", `{"thinking":"hmm","done":false}`, nil, 11 * time.Second, "ab"},
		{"chat thinking is progress", `{"message":{"role":"assistant","content":"","thinking":"hmm"},"done":false}`, nil, 11 * time.Second, "ab"},
		{"empty response is no progress", `{"response":"","done":false}`, ErrStall, 2 * time.Second, "a"},
		{"empty chat message is no progress", `{"message":{"role":"assistant","content":""},"done":false}`, ErrStall, 2 * time.Second, "a"},
		{"a bare object is no progress", `{}`, ErrStall, 2 * time.Second, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/x-ndjson")
					send := func(line string) {
						fmt.Fprintln(w, line)
						w.(http.Flusher).Flush()
					}
					send(`{"response":"a","done":false}`)
					for range 10 {
						select {
						case <-time.After(time.Second):
						case <-r.Context().Done():
							return
						}
						send(tc.line)
					}
					time.Sleep(time.Second)
					send(`{"response":"b","done":false}`)
					send(`{"response":"","done":true,"eval_count":2,"eval_duration":1000000}`)
				})
				u, err := url.Parse(ollamatest.PipeURL)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				r, err := Measure(ctx, Call{Client: NewClient(u, ollamatest.PipeClient(t, h)), Model: "m", Prompt: "p", Stall: 2 * time.Second})
				if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if r.End != tc.wantEnd || r.Response != tc.wantText {
					t.Errorf("ended at %v with %q, want %v with %q", r.End, r.Response, tc.wantEnd, tc.wantText)
				}
			})
		})
	}
}
