package tr115

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// A Variant is one way of running the two agents in Go: the analogue of
// one of the study's Rust async runtimes, and named like one in the
// runtime= segment. The zero Variant (with a Runtime) is Go's default:
// GOMAXPROCS = NumCPU, one http.Transport shared by the agents, keep-alive
// on, and both agents' workflows running at once.
type Variant struct {
	Runtime string // "go-default", "go-mutex", …
	// Procs is GOMAXPROCS while the variant runs; 0 is runtime.NumCPU().
	Procs int
	// PerAgentTransport gives each agent its own http.Transport (its own
	// connection pool) instead of one shared by both.
	PerAgentTransport bool
	// NoKeepAlive closes every connection after its request, so each call
	// dials anew.
	NoKeepAlive bool
	// Mutex serialises the agents (multiagent.Serialised): the negative
	// control, as the study's async-std coordinator did.
	Mutex bool
}

// Variants returns the variants run on a machine with numCPU CPUs: Go's
// default, then one change at a time from it: GOMAXPROCS 1 and 2 (each
// left out where it equals numCPU, which the default already runs), one
// transport per agent, keep-alive off, and the serialising mutex.
func Variants(numCPU int) []Variant {
	vs := []Variant{{Runtime: "go-default"}}
	for _, p := range []int{1, 2} {
		if p != numCPU {
			vs = append(vs, Variant{Runtime: "go-procs" + strconv.Itoa(p), Procs: p})
		}
	}
	return append(vs,
		Variant{Runtime: "go-transport-per-agent", PerAgentTransport: true},
		Variant{Runtime: "go-no-keepalive", NoKeepAlive: true},
		Variant{Runtime: "go-mutex", Mutex: true},
	)
}

// GOMAXPROCS is what v runs with on a machine with numCPU CPUs.
func (v Variant) GOMAXPROCS(numCPU int) int {
	if v.Procs > 0 {
		return v.Procs
	}
	return numCPU
}

// Together is how v runs the agents' concurrent half.
func (v Variant) Together() multiagent.Together {
	if v.Mutex {
		return multiagent.Serialised
	}
	return multiagent.Run
}

// Endpoints returns the endpoints of n agents, agent i on urls[i mod
// len(urls)], with clients whose transports are clones of base (which
// dials the servers): one shared by every agent, or one per agent, with
// keep-alive off where v says. It also returns the transports, for the
// caller to close their idle connections.
func (v Variant) Endpoints(base *http.Transport, urls []string, n int) ([]multiagent.Endpoint, []*http.Transport, error) {
	var ends []multiagent.Endpoint
	var trs []*http.Transport
	for i := range n {
		if i == 0 || v.PerAgentTransport {
			tr := base.Clone()
			tr.DisableKeepAlives = v.NoKeepAlive
			trs = append(trs, tr)
		}
		raw := urls[i%len(urls)]
		u, err := url.Parse(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("tr115: instance URL %q: %w", raw, err)
		}
		// No overall timeout: streams run long.
		ends = append(ends, multiagent.Endpoint{URL: raw, Client: measure.NewClient(u, &http.Client{Transport: trs[len(trs)-1]})})
	}
	return ends, trs, nil
}
