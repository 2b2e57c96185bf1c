package ollamatest

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// A turn is one generate, chat or chat-completion request being served:
// its model and fault, its place on the script's timeline, and the log
// entry it fills in as it goes. Its steps are the same for every protocol;
// what a protocol writes, a [reply] says.
type turn struct {
	s   *Server
	ctx context.Context
	idx int        // its entry in s.log
	res RequestLog // the entry's fields the steps fill in

	ms      *modelState
	m       Model
	f       Fault
	prompt  int           // prompt tokens
	prefill time.Duration // prompt processing time
	n       int           // tokens to generate
	reason  string        // why generation stops after n: "stop" or "length"
	arrived time.Time     // when it began to queue (after a slow start)
}

// A reply writes one response in its protocol: Ollama's NDJSON
// ([nativeReply]) or an OpenAI shape's server-sent events ([openaiReply]).
type reply interface {
	// notFound is the error message for a model the fake does not have.
	notFound(name string) string
	// failure writes an error answer; typ is the OpenAI error type.
	failure(status int, msg, typ string)
	// bare writes FaultBare's answer.
	bare()
	// slot runs when the request has its slot, before prefill.
	slot() error
	// begin runs when prefill is over, before the first token is due.
	begin()
	// token writes (or keeps, for an answer in one object) token i.
	token(i int) error
	// noDone ends the response without its done line (FaultNoDone).
	noDone()
	// keepAlive serves FaultKeepAlive, reporting whether the response is
	// over; a protocol without keep-alive lines ignores it.
	keepAlive() bool
	// done writes the done line (or finish chunks) and the outcome.
	done() error
}

// start logs a request that has just arrived.
func (s *Server) start(r *http.Request, e RequestLog) *turn {
	return &turn{s: s, ctx: r.Context(), idx: s.logStart(e), prompt: e.PromptTokens}
}

// end completes the log entry when the handler returns.
func (t *turn) end() {
	t.s.logUpdate(t.idx, func(e *RequestLog) {
		e.Fault, e.Started, e.Load, e.Chunks, e.Status, e.Outcome = t.res.Fault, t.res.Started, t.res.Load, t.res.Chunks, t.res.Status, t.res.Outcome
		e.Finished = time.Now()
	})
}

func (t *turn) fail(p reply, status int, msg, typ string) {
	t.res.Status, t.res.Outcome = status, msg
	p.failure(status, msg, typ)
}

// gone records that the client left (or its connection failed).
func (t *turn) gone(err error) { t.res.Outcome = fmt.Sprintf("%v: %v", errClientGone, err) }

// admit finds the model and, if the request may be faulted, takes its
// fault and applies those that act before queueing: a slow start waits, a
// status or a bare done answers at once. It reports whether to go on.
func (t *turn) admit(p reply, name string, faultable bool) bool {
	if t.ms = t.s.lookup(name); t.ms == nil {
		t.fail(p, http.StatusNotFound, p.notFound(name), "not_found_error")
		return false
	}
	t.s.mu.Lock()
	t.m = t.ms.m
	t.s.mu.Unlock()
	t.prefill = t.m.Prefill + time.Duration(t.prompt)*t.m.PrefillPerToken
	if faultable {
		t.f = t.s.takeFault(t.m.Name)
		t.res.Fault = t.f.Kind
	}
	switch t.f.Kind {
	case FaultSlowStart:
		if err := sleep(t.ctx, t.f.Delay); err != nil {
			t.gone(err)
			return false
		}
	case FaultStatus:
		t.fail(p, t.f.Status, t.f.Message, "server_error")
		return false
	case FaultBare:
		t.res.Status, t.res.Outcome = http.StatusOK, "bare done"
		p.bare()
		return false
	}
	t.arrived = time.Now()
	return true
}

// generate serves a prompt: it queues for a slot on a runner with options
// key, prefills, decodes the tokens and writes the done line. The slot is
// given back with keepAlive.
func (t *turn) generate(p reply, key string, keepAlive time.Duration) {
	if !t.queue(key) {
		return
	}
	defer t.s.release(t.ms, keepAlive, true)
	if err := p.slot(); err != nil {
		t.gone(err)
		return
	}
	if !t.wait(0) { // prefill
		return
	}
	p.begin()
	if !t.decode(p) {
		return
	}
	if err := p.done(); err != nil {
		t.gone(err)
	}
}

// queue waits, in arrival order, for the model loaded with runner options
// key and a free slot, loading it if need be.
func (t *turn) queue(key string) bool {
	load, err := t.s.acquire(t.ctx, t.ms, key, t.arrived, true)
	if err != nil {
		t.gone(err)
		return false
	}
	t.res.Load, t.res.Started = load, time.Now()
	return true
}

// decode writes the tokens, each when it is due, applying the fault when
// it is due; it reports whether the response goes on to its done line.
func (t *turn) decode(p reply) bool {
	for i := range t.n {
		if i > 0 && !t.wait(i) {
			return false
		}
		if t.faulted(i, p) {
			return false
		}
		if err := p.token(i); err != nil {
			t.gone(err)
			return false
		}
	}
	return t.wait(t.n) && !t.faulted(t.n, p)
}

// at is when token i is due (i = n: the done line). The script runs on an
// absolute timeline from the slot's start: token i at prefill +
// i·InterToken. Sleeping interval after interval would add every timer's
// wake-up latency to the next token, so that a busy test process would see
// the fake slow down, not the client.
func (t *turn) at(i int) time.Time {
	return t.res.Started.Add(t.prefill + time.Duration(i)*t.m.InterToken)
}

// wait sleeps until token i is due; it reports whether the client is
// still there.
func (t *turn) wait(i int) bool {
	if err := sleep(t.ctx, time.Until(t.at(i))); err != nil {
		t.gone(err)
		return false
	}
	return true
}

// faulted applies the fault if it is due after i tokens; it reports
// whether the response is over.
func (t *turn) faulted(i int, p reply) bool {
	if i != min(t.f.After, t.n) {
		return false
	}
	switch t.f.Kind {
	case FaultCut:
		t.res.Outcome = "cut"
		panic(http.ErrAbortHandler) // closes the connection mid-body
	case FaultNoDone:
		t.res.Outcome = "ended without done"
		p.noDone()
		return true
	case FaultStall:
		t.res.Outcome = "stalled"
		<-t.ctx.Done()
		return true
	case FaultKeepAlive:
		return p.keepAlive()
	}
	return false
}
