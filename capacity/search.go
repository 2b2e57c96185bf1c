package capacity

import (
	"fmt"
	"math"
)

// A Step is one probe of a search: the load tried and what decided it.
type Step struct {
	Load  float64 // agents, or calls per second
	Calls int     // calls the verdict was decided from
	Verdict
}

// String is the step as a progress line says it.
func (s Step) String() string {
	if s.Met {
		return fmt.Sprintf("%g: met (%d calls)", s.Load, s.Calls)
	}
	return fmt.Sprintf("%g: missed (%d calls): %v", s.Load, s.Calls, s.Why)
}

// LargestAgents finds the largest agent count in [1, limit] whose probe
// meets the target, assuming that a count that meets it is met by every
// smaller one: it doubles from 1 until a probe misses or limit is reached,
// then bisects between the largest count met and the smallest missed. It
// returns 0 when one agent alone misses. Every probe is one Step, in order;
// a probe's error ends the search.
func LargestAgents(limit int, probe func(n int) (Step, error)) (int, []Step, error) {
	var steps []Step
	try := func(n int) (bool, error) {
		s, err := probe(n)
		s.Load = float64(n)
		steps = append(steps, s)
		return s.Met, err
	}
	lo, hi := 0, 0 // lo met (0: none yet), hi missed (0: none yet)
	for n := 1; ; n = min(2*n, limit) {
		ok, err := try(n)
		if err != nil {
			return 0, steps, err
		}
		if !ok {
			hi = n
			break
		}
		lo = n
		if n == limit {
			return lo, steps, nil
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := try(mid)
		if err != nil {
			return 0, steps, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, steps, nil
}

// RateTolerance is how close the rate search brackets the largest rate
// met: it stops when the smallest rate missed is within 10 % of the
// largest met, and returns the latter.
const RateTolerance = 0.10

// LargestRate finds the largest offered rate whose probe meets the target,
// assuming that a rate met is met by every lower one. From start it doubles
// until a probe misses (or limit is met), or, if start misses, halves until
// one is met (down to start/64: below that it returns 0), then bisects
// until the rates met and missed are within [RateTolerance].
func LargestRate(start, limit float64, probe func(rate float64) (Step, error)) (float64, []Step, error) {
	if !(start > 0) || !(limit >= start) || math.IsInf(limit, 0) {
		return 0, nil, fmt.Errorf("capacity: rate search from %v to %v: want 0 < start ≤ limit", start, limit)
	}
	var steps []Step
	try := func(r float64) (bool, error) {
		s, err := probe(r)
		s.Load = r
		steps = append(steps, s)
		return s.Met, err
	}
	ok, err := try(start)
	if err != nil {
		return 0, steps, err
	}
	lo, hi := 0.0, 0.0
	if ok {
		lo = start
		for hi == 0 {
			if lo >= limit {
				return lo, steps, nil
			}
			r := math.Min(2*lo, limit)
			ok, err := try(r)
			if err != nil {
				return 0, steps, err
			}
			if ok {
				lo = r
			} else {
				hi = r
			}
		}
	} else {
		hi = start
		for lo == 0 {
			r := hi / 2
			if r < start/64 {
				return 0, steps, nil
			}
			ok, err := try(r)
			if err != nil {
				return 0, steps, err
			}
			if ok {
				lo = r
			} else {
				hi = r
			}
		}
	}
	for hi > lo*(1+RateTolerance) {
		mid := (lo + hi) / 2
		ok, err := try(mid)
		if err != nil {
			return 0, steps, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, steps, nil
}

// StepCalls is the calls per agent of a search probe with n agents: the
// closed loop's calls, raised (to whole workflows) until the probe makes
// at least least calls in all, so that every step's percentiles rest on
// that many calls.
func StepCalls(n, calls, least int) int {
	c := max(calls, (least+n-1)/n)
	return c + c%2
}

// Knee is the smallest agent count whose aggregate throughput reaches 90 %
// of the largest measured: where adding agents stops adding throughput.
// ns and aggs are parallel, ns increasing; 0 when there is nothing.
func Knee(ns []int, aggs []float64) int {
	best := 0.0
	for _, a := range aggs {
		best = math.Max(best, a)
	}
	for i, a := range aggs {
		if best > 0 && a >= 0.9*best {
			return ns[i]
		}
	}
	return 0
}
