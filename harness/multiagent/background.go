package multiagent

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// A Background keeps agents busy while something else is measured: each
// agent runs its workflow again and again, all of them at once, until
// Stop. TR117's loop-lag monitor slept on the event loop while the agents
// streamed; tr117 times Go's timers the same way.
type Background struct {
	stop chan struct{}
	done sync.WaitGroup
	mu   sync.Mutex
	ws   []agent.Workflow
	errs []error
}

// StartBackground starts the agents. Workflow k of agent i is labelled
// run+"/"+k; every agent starts its first one at once.
func StartBackground(ctx context.Context, run string, agents ...*agent.Agent) *Background {
	bg := &Background{stop: make(chan struct{})}
	for _, a := range agents {
		bg.done.Add(1)
		go func() {
			defer bg.done.Done()
			for k := 1; ; k++ {
				select {
				case <-bg.stop:
					return
				default:
				}
				w, err := a.Run(ctx, run+"/"+strconv.Itoa(k))
				bg.mu.Lock()
				bg.ws = append(bg.ws, w)
				bg.errs = append(bg.errs, err)
				bg.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	return bg
}

// Stop lets each agent finish the workflow it is in, waits for them, and
// returns every workflow run, in the order they ended, and their errors
// joined.
func (bg *Background) Stop() ([]agent.Workflow, error) {
	close(bg.stop)
	bg.done.Wait()
	return bg.ws, errors.Join(bg.errs...)
}
