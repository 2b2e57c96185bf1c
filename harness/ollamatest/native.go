package ollamatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// infer serves a generate or chat request: an empty one loads or unloads
// the model, any other generates.
func (s *Server) infer(w http.ResponseWriter, r *http.Request, q inference) {
	t := s.start(r, q.logEntry(r))
	defer t.end()
	p := &nativeReply{t: t, w: w, q: q, enc: json.NewEncoder(w)}
	if !t.admit(p, q.model, !q.empty) {
		return
	}
	keepAlive := s.opts.KeepAlive
	if q.keepAlive != nil {
		keepAlive = q.keepAlive.Duration
	}
	key := runnerKey(q.options)
	if q.empty {
		p.loadOrUnload(key, keepAlive)
		return
	}
	t.n, t.reason = t.m.Tokens, "stop"
	if np := numPredict(q.options); np > 0 {
		t.n, t.reason = np, "length"
	}
	t.generate(p, key, keepAlive)
}

// logEntry is the request as it arrives.
func (q inference) logEntry(r *http.Request) RequestLog {
	e := RequestLog{Method: r.Method, Path: r.URL.Path, Model: q.model, Options: q.options, Stream: q.stream, Arrived: time.Now()}
	if !q.empty {
		e.PromptTokens = PromptTokens(q.text)
	}
	if q.keepAlive != nil {
		d := q.keepAlive.Duration
		e.KeepAlive = &d
	}
	return e
}

// A nativeReply writes Ollama's generate or chat answer: NDJSON lines
// when streamed, else one object.
type nativeReply struct {
	t    *turn
	w    http.ResponseWriter
	q    inference
	enc  *json.Encoder
	text strings.Builder // the answer in one object
}

// loadOrUnload serves an empty request: it loads the model with runner
// options key, or with keep_alive 0 unloads it, and says which.
func (p *nativeReply) loadOrUnload(key string, keepAlive time.Duration) {
	t := p.t
	reason := "load"
	if p.q.keepAlive != nil && keepAlive == 0 {
		t.s.unload(t.ms)
		reason = "unload"
	} else {
		load, err := t.s.acquire(t.ctx, t.ms, key, t.arrived, false)
		if err != nil {
			t.gone(err)
			return
		}
		t.res.Load = load
		t.s.release(t.ms, keepAlive, false)
	}
	t.res.Status, t.res.Outcome = http.StatusOK, reason
	writeJSON(p.w, http.StatusOK, p.q.final("", true, reason, api.Metrics{}))
}

func (p *nativeReply) notFound(name string) string { return fmt.Sprintf("model '%s' not found", name) }

func (p *nativeReply) failure(status int, msg, _ string) { writeError(p.w, status, msg) }

func (p *nativeReply) bare() {
	if !p.q.stream {
		writeJSON(p.w, http.StatusOK, p.q.final("", true, "stop", api.Metrics{}))
		return
	}
	p.w.Header().Set("Content-Type", "application/x-ndjson")
	p.enc.Encode(p.q.final("", true, "stop", api.Metrics{}))
}

func (p *nativeReply) slot() error { return nil }

// begin sets the streamed content type: the headers go out with the first
// line, at the first token.
func (p *nativeReply) begin() {
	if p.q.stream {
		p.w.Header().Set("Content-Type", "application/x-ndjson")
	}
}

func (p *nativeReply) token(i int) error {
	word := p.t.m.Words[i%len(p.t.m.Words)]
	if !p.q.stream {
		p.text.WriteString(word)
		return nil
	}
	p.t.res.Status = http.StatusOK
	if err := p.enc.Encode(p.q.chunk(word)); err != nil {
		return err
	}
	flush(p.w)
	p.t.res.Chunks++
	return nil
}

// noDone ends a stream as it is; an answer in one object is sent without
// done.
func (p *nativeReply) noDone() {
	if !p.q.stream {
		p.t.res.Status = http.StatusOK
		p.enc.Encode(p.q.final(p.text.String(), false, "", api.Metrics{}))
	}
}

func (p *nativeReply) keepAlive() bool {
	p.t.res.Status, p.t.res.Outcome = http.StatusOK, "keep-alive lines only"
	p.emptyLines(p.t.f.Delay)
	return true
}

// done writes the done line with the script's accounting, as a fault may
// misreport it.
func (p *nativeReply) done() error {
	t := p.t
	metrics := api.Metrics{
		TotalDuration:      time.Since(t.arrived),
		LoadDuration:       t.res.Load,
		PromptEvalCount:    t.prompt,
		PromptEvalDuration: t.prefill,
		EvalCount:          t.n,
		EvalDuration:       time.Duration(t.n) * t.m.InterToken,
	}
	if t.f.Kind == FaultMisreport && t.f.Misreport != nil {
		t.f.Misreport(&metrics)
	}
	t.res.Status, t.res.Outcome = http.StatusOK, "done"
	if !p.q.stream {
		t.res.Chunks = t.n
		writeJSON(p.w, http.StatusOK, p.q.accounted(p.text.String(), t.reason, metrics))
		return nil
	}
	if err := p.enc.Encode(p.q.accounted("", t.reason, metrics)); err != nil {
		return err
	}
	flush(p.w)
	return nil
}

// flush sends what w holds now.
func flush(w http.ResponseWriter) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}
