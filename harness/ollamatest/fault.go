package ollamatest

import (
	"net/http"
	"time"

	"github.com/ollama/ollama/api"
)

// A FaultKind is a way for a generate or chat request to go wrong.
type FaultKind int

const (
	// FaultNone is no fault.
	FaultNone FaultKind = iota
	// FaultStatus answers at once with Fault.Status (default 500) and the
	// body {"error": Fault.Message}, before queueing or loading.
	FaultStatus
	// FaultCut closes the connection after Fault.After content chunks: no
	// done chunk and no end of the chunked body.
	FaultCut
	// FaultNoDone ends the response cleanly after Fault.After content chunks
	// (or after all of them) without the done chunk, as Ollama does after
	// ~30 identical tokens in a row.
	FaultNoDone
	// FaultStall sends nothing more after Fault.After content chunks until
	// the client gives up (the request's context ends). With After 0 no
	// response header is sent either.
	FaultStall
	// FaultSlowStart waits Fault.Delay before handling the request, then
	// serves it normally; the delay is not in the server's durations.
	FaultSlowStart
	// FaultBare answers at once, before queueing or loading, with a bare
	// done line: done:true and done_reason "stop", but no content before
	// it and none of the server's counts and durations (no load_duration,
	// prompt_eval_*, eval_*, total_duration), as a server that does no
	// accounting would.
	FaultBare
	// FaultKeepAlive sends, after Fault.After content chunks, a line with
	// empty content and done false every Fault.Delay (default 1 s) until
	// the client gives up: a server that keeps the connection busy while
	// generating nothing.
	FaultKeepAlive
	// FaultMisreport serves the request normally, but Fault.Misreport
	// rewrites the done line's accounting first: a server whose counts and
	// durations are wrong.
	FaultMisreport
)

func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "none"
	case FaultStatus:
		return "status"
	case FaultCut:
		return "cut"
	case FaultNoDone:
		return "no-done"
	case FaultStall:
		return "stall"
	case FaultSlowStart:
		return "slow-start"
	case FaultBare:
		return "bare"
	case FaultKeepAlive:
		return "keep-alive"
	case FaultMisreport:
		return "misreport"
	}
	return "FaultKind(?)"
}

// A Fault is injected into generate/chat requests that carry a prompt
// (empty-prompt load and unload requests are never faulted).
type Fault struct {
	Kind FaultKind
	// After is the number of content chunks sent before a Cut, NoDone or
	// Stall. For NoDone, After ≥ the token count sends every token.
	After int
	// Status for FaultStatus; 0 = 500.
	Status int
	// Message for FaultStatus; "" = "ollamatest: injected fault".
	Message string
	// Delay for FaultSlowStart; for FaultKeepAlive, the interval between
	// empty lines (0 = 1 s).
	Delay time.Duration
	// Misreport, for FaultMisreport, edits the done line's accounting. A
	// count or duration left 0 is omitted from the line, as Ollama omits
	// it, except load_duration and prompt_eval_duration, which the fake
	// always writes. It runs on the handler's goroutine.
	Misreport func(m *api.Metrics)
	// Count is the number of requests the fault applies to; 0 = all.
	Count int
}

type armedFault struct {
	model string // canonical; "" = any
	f     Fault
	left  int // remaining uses; <0 = unlimited
}

// Inject arms f for requests to model ("" = any model). Faults apply in the
// order they were injected; the first armed one that matches a request is
// used (and one of its Count spent).
func (s *Server) Inject(model string, f Fault) {
	if f.Kind == FaultStatus && f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Message == "" {
		f.Message = "ollamatest: injected fault"
	}
	left := f.Count
	if left == 0 {
		left = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &armedFault{model: canonicalName(model), f: f, left: left})
}

// ClearFaults disarms every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault spends the first armed fault matching model.
func (s *Server) takeFault(model string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.faults {
		if a.model != "" && a.model != model {
			continue
		}
		if a.left > 0 {
			a.left--
			if a.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return a.f
	}
	return Fault{}
}
