package measure

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/ollama/ollama/api"
)

// A Client talks to one Ollama instance. It is the api package's client,
// for every request but the measured ones; [Measure] streams through
// Client.stream instead, which speaks the same protocol with the api
// package's own request and response types, because api.Client allocates
// an 8 MiB line buffer for every streamed request after the first byte
// arrives: with 32 agents starting together, zeroing those buffers delayed
// the first chunk by up to ~14 ms and cost several points of efficiency in
// BenchmarkAgents. It also sees the error that ended a cut stream, which
// api.Client drops.
type Client struct {
	*api.Client
	base *url.URL
	hc   *http.Client
	// openai is set by [NewOpenAIClient]: Measure speaks the OpenAI
	// protocol to base, sending key (if any) as a bearer token.
	openai bool
	key    string
}

// NewClient returns a client for the instance at base; hc nil means
// http.DefaultClient. It must have no overall timeout: streams run long.
func NewClient(base *url.URL, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{Client: api.NewClient(base, hc), base: base, hc: hc}
}

const (
	firstLineBuffer = 64 << 10 // grows as needed…
	maxLineBuffer   = 8 << 20  // …to the api package's limit
)

// stream POSTs req as JSON to path and calls fn with each NDJSON line of the
// response, as api.Client does: an HTTP error status becomes an
// api.StatusError, a line carrying "error" ends the stream with that error.
// A read error that is not a clean EOF (a connection cut mid-stream) is
// returned wrapped in ErrCut. Errors from fn or from reading a line name the
// line (see [readStream]).
func (c *Client) stream(ctx context.Context, path string, req any, fn func(line []byte) error) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.JoinPath(path).String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/x-ndjson")
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode >= http.StatusBadRequest {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, firstLineBuffer), maxLineBuffer)
		var e struct {
			Error string `json:"error"`
		}
		if sc.Scan() {
			if line := sc.Bytes(); json.Unmarshal(line, &e) != nil || e.Error == "" {
				e.Error = string(line)
			}
		}
		return api.StatusError{StatusCode: resp.StatusCode, Status: resp.Status, ErrorMessage: e.Error}
	}
	return readStream(resp.Body, fn)
}

// readStream calls fn with each line of the NDJSON stream r, numbered from
// 1. An error from fn, a line over maxLineBuffer bytes and a read error
// each come back naming the line ("stream line 3: …"); a read error that
// is not a clean EOF is also wrapped in ErrCut.
func readStream(r io.Reader, fn func(line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, firstLineBuffer), maxLineBuffer)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("stream line %d: %w", n, err)
		}
	}
	switch err := sc.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, bufio.ErrTooLong):
		return fmt.Errorf("stream line %d: longer than %d bytes: %w", n+1, maxLineBuffer, err)
	default:
		return fmt.Errorf("stream line %d: %w: %w", n+1, ErrCut, err)
	}
}

// streamError is the "error" field Ollama puts in a streamed line when a
// request fails after the response has started.
type streamError struct {
	Error string `json:"error,omitempty"`
}

func (e streamError) err() error {
	if e.Error == "" {
		return nil
	}
	return errors.New(e.Error)
}
