package measure

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// lineGap is how long the fuzzed server takes for each line it sends.
const lineGap = time.Millisecond

// slowBody serves a response body one line per Read, each after lineGap
// (virtual time, in a synctest bubble), so that a fuzzed stream has a wall
// time its accounting can contradict.
type slowBody struct{ rest []byte }

func (b *slowBody) Read(p []byte) (int, error) {
	if len(b.rest) == 0 {
		return 0, io.EOF
	}
	time.Sleep(lineGap)
	n := bytes.IndexByte(b.rest, '\n') + 1
	if n == 0 {
		n = len(b.rest)
	}
	n = copy(p, b.rest[:n])
	b.rest = b.rest[n:]
	return n, nil
}

func (b *slowBody) Close() error { return nil }

// bodyTransport answers every request with a 200 and the body.
type bodyTransport []byte

func (t bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{},
		Body: &slowBody{rest: bytes.Clone(t)}, Request: req}, nil
}

// FuzzStreamToMetrics is the whole path from a server's bytes to the
// reported metrics: a stream, whatever it holds, is measured (twice: one
// call alone, and with an honest call beside it), pooled by CallMetrics,
// and summed by TokenCount. No reported metric may be negative, NaN or
// infinite, or beyond what the calls' own wall time allows: no -ns metric
// longer than the longest call plus Slack, and no tok/s so low that its
// tokens would have taken longer than the calls' wall time.
func FuzzStreamToMetrics(f *testing.F) {
	done := func(s string) string { return `{"response":"","done":true` + s + "}\n" }
	chunks := strings.Repeat(`{"response":"a","done":false}`+"\n", 5)
	for _, seed := range []string{
		chunks + done(`,"load_duration":1000,"prompt_eval_count":3,"prompt_eval_duration":2000,"eval_count":5,"eval_duration":4000000,"total_duration":6000000`),
		chunks + done(`,"eval_count":5`),                                           // tokens, no decode time
		chunks + done(`,"eval_count":-1,"eval_duration":4000000`),                  // negative count
		chunks + done(`,"load_duration":-1000000,"prompt_eval_duration":-5000000`), // negative durations
		chunks + done(`,"load_duration":1000000000000000000,"eval_count":5,"eval_duration":4000000`),
		chunks + done(`,"eval_count":5,"eval_duration":1`), // an absurd rate
		chunks + done(``), // no eval_count after content
		chunks + done(`,"eval_count":2,"eval_duration":4000000`),
		done(`,"eval_count":0,"prompt_eval_count":9223372036854775807`),
		`{"response":"a","done":false}` + "\n" + `{"response":"","done":false}` + "\n" + done(`,"eval_count":1,"eval_duration":9223372036854775807`),
	} {
		f.Add([]byte(seed))
	}
	honest := []byte(chunks + done(`,"load_duration":0,"prompt_eval_count":3,"prompt_eval_duration":1000,"eval_count":5,"eval_duration":4000000,"total_duration":6000000`))
	f.Fuzz(func(t *testing.T, body []byte) {
		synctest.Test(t, func(t *testing.T) {
			u := &url.URL{Scheme: "http", Host: "fuzz"}
			measure := func(b []byte) Record {
				r, _ := Measure(t.Context(), Call{Client: NewClient(u, &http.Client{Transport: bodyTransport(b)}), Model: "m", Prompt: "p", Stall: time.Hour})
				return r
			}
			fuzzed, good := measure(body), measure(honest)
			if !good.Valid() {
				t.Fatalf("the honest call is not valid: %s %s", good.Err, good.Invalid)
			}
			for _, recs := range [][]Record{{fuzzed}, {fuzzed, good}} {
				var m CallMetrics
				m.Add(recs...)
				var wall time.Duration
				for _, r := range recs {
					wall = max(wall, r.End)
				}
				calls := float64(len(recs))
				v := m.Values()
				for u, x := range v {
					switch {
					case x < 0 || math.IsNaN(x) || math.IsInf(x, 0):
						t.Errorf("%s = %v from %q", u, x, body)
					case strings.HasSuffix(u, "-ns") && x > float64(wall+Slack(wall)):
						t.Errorf("%s = %v, beyond the calls' %v (+slack) from %q", u, x, wall, body)
					case strings.HasSuffix(u, "-calls") && x > calls:
						t.Errorf("%s = %v of %v calls from %q", u, x, calls, body)
					}
				}
				if rate, ok := v["tok/s"]; ok {
					var tokens int
					for _, r := range recs {
						if n, ok := r.Tokens(); ok {
							tokens += n
						}
					}
					if limit := wall + Slack(wall); tokens > 0 && float64(tokens)/rate > calls*float64(limit) {
						t.Errorf("tok/s %v: %d tokens would take %v, beyond the calls' %v (+slack) from %q",
							rate, tokens, time.Duration(float64(tokens)/rate*1e9), limit, body)
					}
				}
				if err := m.Err(); (err != nil) != (len(recs) == 1 && fuzzed.OK() && !fuzzed.Valid()) {
					t.Errorf("Err() = %v for a stream that is OK %v, valid %v", err, fuzzed.OK(), fuzzed.Valid())
				}
				var tc TokenCount
				tc.Add(recs...)
				if n, ok := tc.Sum(); n < 0 || (!ok && n != 0) {
					t.Errorf("token sum %d, %v from %q", n, ok, body)
				}
			}
		})
	})
}
