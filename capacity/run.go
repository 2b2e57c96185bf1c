package capacity

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// Arrival processes of the open loop.
const (
	Poisson  = "poisson"  // exponential gaps from a seeded generator
	Constant = "constant" // one call every 1/rate seconds
)

// A Call is one LLM call of a capacity run: its record, and when it was
// due. In the closed loop a call is due when its agent sends it; in the
// open loop, at its scheduled arrival, so that a client that falls behind
// (the cap on calls in flight, a slow dispatcher) cannot hide the wait
// from the latencies (coordinated omission).
type Call struct {
	measure.Record
	Due time.Time
}

// Lag is how long after it was due the call was sent: the dispatch lag.
func (c Call) Lag() time.Duration { return c.Start.Sub(c.Due) }

// Latency returns the call's value of an SLO metric, false when the call
// did not measure it: ttft and e2e count from when the call was due.
func (c Call) Latency(metric string) (float64, bool) {
	if !c.Valid() {
		return 0, false
	}
	switch metric {
	case MetricTTFT:
		t, ok := c.TTFT()
		return float64(c.Lag() + t), ok
	case MetricE2E:
		return float64(c.Lag() + c.E2E()), true
	case MetricQueue:
		q, ok := c.Queue()
		return float64(q), ok
	case MetricAgentTok:
		return c.DecodeRate()
	}
	return 0, false
}

// Queue is the time the call waited for a slot, as the server's durations
// tell it: the client's time to first token less the server's
// load_duration and prompt_eval_duration. The server starts its clock when
// the request arrives and accounts load and prompt evaluation but not the
// wait between them for a free slot (Ollama's scheduler and runner, and
// ollamatest), so what is left of the client's TTFT is that wait, plus the
// network and the first token's sampling. false when the call lacks
// either duration or a content chunk (a bare answer, an OpenAI-style
// server).
func (c Call) Queue() (time.Duration, bool) {
	t, ok := c.TTFT()
	if !ok || c.LoadDuration == nil || c.PromptEvalDuration == nil {
		return 0, false
	}
	return t - *c.LoadDuration - *c.PromptEvalDuration, true
}

// A Run is what one capacity run measured: its calls, in the order they
// were due, and its wall time.
type Run struct {
	Start time.Time
	Wall  time.Duration // start → the last call's end
	Calls []Call
	// Schedule is the open loop's arrival offsets; nil in a closed loop.
	Schedule []time.Duration
}

// Closed runs the agents closed-loop: all start together, and each runs
// its workflow back to back until it made calls calls (calls/2 workflows;
// calls must be even). run labels the records ("1", "warmup"). On error,
// the Run holds what was measured and the first error is returned once
// every agent has stopped.
func Closed(ctx context.Context, run string, calls int, agents []*agent.Agent) (Run, error) {
	if calls <= 0 || calls%2 != 0 {
		return Run{}, fmt.Errorf("capacity: %d calls per agent: want a positive even number", calls)
	}
	per := make([][]measure.Record, len(agents))
	errs := make([]error, len(agents))
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i, a := range agents {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			for w := range calls / 2 {
				wf, err := a.Run(ctx, run+"/"+strconv.Itoa(w))
				per[i] = append(per[i], wf.Calls...)
				if err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	ready.Wait()
	r := Run{Start: time.Now()}
	close(gate)
	done.Wait()
	r.Wall = time.Since(r.Start)
	for _, recs := range per {
		for _, rec := range recs {
			r.Calls = append(r.Calls, Call{Record: rec, Due: rec.Start})
		}
	}
	slices.SortStableFunc(r.Calls, func(a, b Call) int { return a.Due.Compare(b.Due) })
	for _, err := range errs {
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// Schedule returns n arrival offsets at rate calls per second: the first
// at 0, then constant gaps of 1/rate, or exponential gaps of mean 1/rate
// drawn from a PCG generator seeded with seed (the same seed, the same
// schedule).
func Schedule(arrival string, rate float64, n int, seed uint64) ([]time.Duration, error) {
	if !(rate > 0) || math.IsInf(rate, 0) || n <= 0 {
		return nil, fmt.Errorf("capacity: schedule of %d calls at %v/s: want a positive count and rate", n, rate)
	}
	rng := rand.New(rand.NewPCG(seed, 0x636170616369747)) // "capacit"
	out := make([]time.Duration, n)
	t := 0.0
	for k := 1; k < n; k++ {
		switch arrival {
		case Constant:
			t = float64(k) / rate
		case Poisson:
			t += rng.ExpFloat64() / rate
		default:
			return nil, fmt.Errorf("capacity: arrival %q: want %s or %s", arrival, Poisson, Constant)
		}
		out[k] = time.Duration(t * 1e9)
	}
	return out, nil
}

// A Sender makes open-loop call k (which instance, which prompt is its
// business) and returns its record.
type Sender func(ctx context.Context, k int) (measure.Record, error)

// Open sends one call at each offset of schedule from now, never more
// than inFlight at once: an arrival that finds inFlight calls running
// waits for one to end, and that wait counts in its latency, which runs
// from the scheduled time. On error the Run holds what was measured and
// the first error is returned once every call has ended.
func Open(ctx context.Context, schedule []time.Duration, inFlight int, send Sender) (Run, error) {
	if inFlight <= 0 {
		return Run{}, fmt.Errorf("capacity: %d calls in flight: want a positive cap", inFlight)
	}
	r := Run{Schedule: schedule, Calls: make([]Call, len(schedule))}
	errs := make([]error, len(schedule))
	slots := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	r.Start = time.Now()
	for k, at := range schedule {
		due := r.Start.Add(at)
		if d := time.Until(due); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			errs[k] = err
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			rec, err := send(ctx, k)
			r.Calls[k], errs[k] = Call{Record: rec, Due: due}, err
		}()
	}
	wg.Wait()
	r.Wall = time.Since(r.Start)
	r.Calls = slices.DeleteFunc(r.Calls, func(c Call) bool { return c.Due.IsZero() })
	for _, err := range errs {
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// Tokens is Σ eval_count over the run's valid calls that reported one.
func (r Run) Tokens() int {
	n := 0
	for _, c := range r.Calls {
		if t, ok := c.Record.Tokens(); ok {
			n += t
		}
	}
	return n
}

// values returns the metric of every call that measured it.
func (r Run) values(metric string) []float64 {
	var xs []float64
	for _, c := range r.Calls {
		if x, ok := c.Latency(metric); ok {
			xs = append(xs, x)
		}
	}
	return xs
}

// Percentile is the pct-th percentile (numpy's linear rule) of metric over
// the calls that measured it; false when none did.
func (r Run) Percentile(metric string, pct float64) (float64, bool) {
	xs := r.values(metric)
	if len(xs) == 0 {
		return 0, false
	}
	return stats.Percentile(xs, pct), true
}

// Goodput is the share of calls, in %, whose own values meet every term of
// slo, over the calls that measured every term's metric; false when none
// did.
func (r Run) Goodput(slo SLO) (float64, bool) {
	n, good := 0, 0
calls:
	for _, c := range r.Calls {
		met := true
		for _, t := range slo.Terms {
			x, ok := c.Latency(t.Metric)
			if !ok {
				continue calls
			}
			met = met && t.holds(x)
		}
		n++
		if met {
			good++
		}
	}
	if n == 0 {
		return 0, false
	}
	return 100 * float64(good) / float64(n), true
}

// Values returns the run's metrics by unit (internal/units), each only
// when something measured it:
//
//	agg-tok/s                Σ eval_count / wall (when the server counted tokens and the wall is not 0)
//	agent-tok/s              the calls' mean decode rate, eval_count / eval_duration
//	ttft-p50/p95/p99-ns      from when each call was due
//	queue-ns, queue-p95-ns   the wait for a slot ([Call.Queue]), mean and 95th percentile
//	goodput-%                calls meeting every term of slo ([Run.Goodput])
//
// and, closed loop, e2e-p95-ns; open loop, sched-e2e-p95-ns (from the
// scheduled time), offered-rps, achieved-rps, dispatch-lag-ns and
// dispatch-lag-p99-ns.
func (r Run) Values(slo SLO) map[string]float64 {
	v := map[string]float64{}
	if tok := r.Tokens(); tok > 0 && r.Wall > 0 {
		v["agg-tok/s"] = float64(tok) / r.Wall.Seconds()
	}
	if xs := r.values(MetricAgentTok); len(xs) > 0 {
		v["agent-tok/s"] = stats.Mean(xs)
	}
	for _, p := range []struct {
		unit string
		pct  float64
	}{{"ttft-p50-ns", 50}, {"ttft-p95-ns", 95}, {"ttft-p99-ns", 99}} {
		if x, ok := r.Percentile(MetricTTFT, p.pct); ok {
			v[p.unit] = x
		}
	}
	e2e := "e2e-p95-ns"
	if r.Schedule != nil {
		e2e = "sched-e2e-p95-ns"
	}
	if x, ok := r.Percentile(MetricE2E, 95); ok {
		v[e2e] = x
	}
	if xs := r.values(MetricQueue); len(xs) > 0 {
		v["queue-ns"] = stats.Mean(xs)
		v["queue-p95-ns"] = stats.Percentile(xs, 95)
	}
	if g, ok := r.Goodput(slo); ok {
		v["goodput-%"] = g
	}
	if r.Schedule != nil {
		maps.Copy(v, r.openValues())
	}
	return v
}

// openValues are the open loop's rates and dispatch lag. The rates count
// between the first and the last event, so that a run that keeps up
// achieves exactly what it was offered: offered-rps (n−1) / (last − first
// scheduled arrival), achieved-rps (n−1) / (last − first end) over the
// successful calls.
func (r Run) openValues() map[string]float64 {
	v := map[string]float64{}
	if n := len(r.Schedule); n > 1 && r.Schedule[n-1] > r.Schedule[0] {
		v["offered-rps"] = float64(n-1) / (r.Schedule[n-1] - r.Schedule[0]).Seconds()
	}
	var ends []time.Time
	var lags []float64
	for _, c := range r.Calls {
		if !c.Valid() {
			continue
		}
		ends = append(ends, c.Start.Add(c.End))
		lags = append(lags, float64(c.Lag()))
	}
	if len(ends) > 1 {
		first, last := slices.MinFunc(ends, time.Time.Compare), slices.MaxFunc(ends, time.Time.Compare)
		if span := last.Sub(first); span > 0 {
			v["achieved-rps"] = float64(len(ends)-1) / span.Seconds()
		}
	}
	if len(lags) > 0 {
		v["dispatch-lag-ns"] = stats.Mean(lags)
		v["dispatch-lag-p99-ns"] = stats.Percentile(lags, 99)
	}
	return v
}

// PoolValues is [Run.Values] over runs pooled: percentiles, means and
// goodput over all their calls, agg-tok/s as Σ tokens / Σ wall, and an
// open loop's offered-rps and achieved-rps the mean of each run's.
func PoolValues(slo SLO, runs []Run) map[string]float64 {
	v := Pool(runs).Values(slo)
	for _, unit := range []string{"offered-rps", "achieved-rps"} {
		delete(v, unit)
		var xs []float64
		for _, r := range runs {
			if x, ok := r.openValues()[unit]; ok && r.Schedule != nil {
				xs = append(xs, x)
			}
		}
		if len(xs) == len(runs) && len(xs) > 0 {
			v[unit] = stats.Mean(xs)
		}
	}
	return v
}

// Pool merges runs into one: their calls, the sum of their wall times,
// and the first run's schedule.
func Pool(runs []Run) Run {
	var p Run
	for i, r := range runs {
		if i == 0 {
			p.Start, p.Schedule = r.Start, r.Schedule
		}
		p.Wall += r.Wall
		p.Calls = append(p.Calls, r.Calls...)
	}
	return p
}

// MeanWall is the runs' mean wall time; 0 for none.
func MeanWall(runs []Run) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	var s time.Duration
	for _, r := range runs {
		s += r.Wall
	}
	return s / time.Duration(len(runs))
}
