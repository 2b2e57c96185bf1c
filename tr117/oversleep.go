package tr117

import (
	"sync"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// OversleepPeriod is what each sleep of an oversleep region asks for. The
// study's loop-lag monitor slept 100 ms; a timer's oversleep on Linux does
// not depend on the period once it is past the netpoller's 1 ms
// resolution, and 10 ms gives ten times the samples of a region (some 60
// while one agent runs its two calls alone and together).
const OversleepPeriod = 10 * time.Millisecond

// An OversleepRegion is a goroutine that sleeps (time.Sleep) period after
// period and records by how much each sleep overshot what it asked for:
// Go's counterpart of the study's monitor, which slept asyncio.sleep(0.1)
// on its event loop and recorded the lag.
type OversleepRegion struct {
	stop chan struct{}
	done chan Oversleeps
	once sync.Once
	over Oversleeps
}

// Oversleeps are the oversleeps of a region's sleeps: actual − requested.
type Oversleeps []time.Duration

// StartOversleep starts a region whose sleeps ask for period each.
func StartOversleep(period time.Duration) *OversleepRegion {
	r := &OversleepRegion{stop: make(chan struct{}), done: make(chan Oversleeps, 1)}
	go func() {
		var over Oversleeps
		for {
			start := time.Now()
			time.Sleep(period)
			d := time.Since(start) - period
			select {
			case <-r.stop:
				r.done <- over
				return
			default:
				over = append(over, d)
			}
		}
	}()
	return r
}

// Stop ends the region and returns the oversleeps of the sleeps that ended
// before it: it waits out the sleep in progress (a period at most, plus
// its oversleep) and leaves that one out. Stopping again returns the same,
// so that a deferred Stop can end the goroutine of a benchmark that fails.
func (r *OversleepRegion) Stop() Oversleeps {
	r.once.Do(func() {
		close(r.stop)
		r.over = <-r.done
	})
	return r.over
}

// Values returns oversleep-p50-ns and oversleep-p99-ns (internal/units),
// numpy's linear percentiles of the oversleeps, or nothing when no sleep
// ended in the region.
func (o Oversleeps) Values() map[string]float64 {
	v := map[string]float64{}
	if len(o) == 0 {
		return v
	}
	ns := make([]float64, len(o))
	for i, d := range o {
		ns[i] = float64(d)
	}
	v["oversleep-p50-ns"] = stats.Percentile(ns, 50)
	v["oversleep-p99-ns"] = stats.Percentile(ns, 99)
	return v
}
