package multiagent

import (
	"context"
	"sync"

	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// Together runs agents as one concurrent run: [Run] is the study's
// try_join!, [Serialised] its async-std coordinator.
type Together func(ctx context.Context, run string, agents ...*agent.Agent) (Concurrent, error)

// Serialised starts every agent at once, as [Run] does, but each holds one
// shared mutex for its whole workflow, so they run strictly one after the
// other, in whichever order they take it. It is the negative control of
// TR115: the study's async-std coordinator was such a mutex. Each agent's
// time is measured from when it holds the lock, as there, so the legacy
// efficiency reads ≈ 50 % (Σ t_i ≈ wall) however much running together
// would have gained, and the corrected speedup reads ≈ 1.
func Serialised(ctx context.Context, run string, agents ...*agent.Agent) (Concurrent, error) {
	return start(ctx, run, make(chanMutex, 1), agents)
}

// A chanMutex is a mutex made of a one-slot channel. A goroutine waiting
// for it is durably blocked in a testing/synctest bubble, where one waiting
// on a sync.Mutex is not, and the bubble's clock would stop.
type chanMutex chan struct{}

var _ sync.Locker = chanMutex(nil)

func (m chanMutex) Lock()   { m <- struct{}{} }
func (m chanMutex) Unlock() { <-m }
