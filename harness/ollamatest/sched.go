package ollamatest

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// forever is the keep-alive at or beyond which a model never expires
// (api.Duration turns a negative keep_alive into MaxInt64).
const forever = 100 * 365 * 24 * time.Hour

// modelState is one local model and its runner. All fields are guarded by
// Server.mu.
type modelState struct {
	m        Model
	modified time.Time

	loaded   bool
	loading  bool
	key      string    // runner options of the loaded runner
	loadedAt time.Time // when the current load finished
	expires  time.Time // when an idle loaded runner unloads; zero = never
	busy     int       // slots in use
	queue    []*waiter // FIFO of requests waiting for the runner
	changed  chan struct{}
}

// A waiter is one request in a model's queue. It must not be zero-sized:
// pointers to distinct zero-sized values may compare equal.
type waiter struct{ arrived time.Time }

// broadcast wakes every waiter to re-examine the state.
func (ms *modelState) broadcast() {
	close(ms.changed)
	ms.changed = make(chan struct{})
}

// expire unloads an idle runner whose keep-alive has run out.
func (ms *modelState) expire(now time.Time) {
	if ms.loaded && !ms.loading && ms.busy == 0 && len(ms.queue) == 0 &&
		!ms.expires.IsZero() && !now.Before(ms.expires) {
		ms.loaded = false
	}
}

func (ms *modelState) dequeue(w *waiter) {
	if i := slices.Index(ms.queue, w); i >= 0 {
		ms.queue = slices.Delete(ms.queue, i, i+1)
	}
}

// acquire waits, in arrival order, until the model is loaded with runner
// options key (loading it if needed) and, if slot is set, a slot is free.
// It returns how long after arrived the load this request waited for
// finished (0 if the model was loaded already).
func (s *Server) acquire(ctx context.Context, ms *modelState, key string, arrived time.Time, slot bool) (time.Duration, error) {
	w := &waiter{arrived: arrived}
	s.mu.Lock()
	ms.expire(time.Now()) // a keep-alive that ran out before this arrival
	ms.queue = append(ms.queue, w)
	for {
		if ms.queue[0] == w {
			ready := ms.loaded && ms.key == key
			switch {
			case ready && (!slot || ms.busy < s.opts.NumParallel):
				ms.queue = ms.queue[1:]
				if slot {
					ms.busy++
				}
				ms.broadcast()
				var load time.Duration
				if ms.loadedAt.After(arrived) {
					load = ms.loadedAt.Sub(arrived)
				}
				s.mu.Unlock()
				return load, nil
			case !ready && ms.busy == 0 && !ms.loading:
				ms.loaded, ms.loading = false, true
				d := ms.m.Load
				s.mu.Unlock()
				err := sleep(ctx, d)
				s.mu.Lock()
				ms.loading = false
				if err == nil {
					ms.loaded, ms.key, ms.loadedAt, ms.expires = true, key, time.Now(), time.Time{}
				}
				ms.broadcast()
				if err != nil {
					ms.dequeue(w)
					s.mu.Unlock()
					return 0, fmt.Errorf("loading: %w", err)
				}
				continue
			}
		}
		ch := ms.changed
		s.mu.Unlock()
		select {
		case <-ch:
			s.mu.Lock()
		case <-ctx.Done():
			s.mu.Lock()
			ms.dequeue(w)
			ms.broadcast()
			s.mu.Unlock()
			return 0, fmt.Errorf("queued: %w", ctx.Err())
		}
	}
}

// release gives back a slot (if slot) and sets the runner's keep-alive.
func (s *Server) release(ms *modelState, keepAlive time.Duration, slot bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slot {
		ms.busy--
	}
	ms.setKeepAlive(keepAlive, time.Now())
	ms.broadcast()
}

func (ms *modelState) setKeepAlive(d time.Duration, now time.Time) {
	if d < 0 || d >= forever {
		ms.expires = time.Time{}
	} else {
		ms.expires = now.Add(d)
	}
	ms.expire(now)
}

// unload expires the runner now, or as soon as it is idle.
func (s *Server) unload(ms *modelState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms.setKeepAlive(0, time.Now())
	ms.broadcast()
}

// sleep waits d on a timer, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
