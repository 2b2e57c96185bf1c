package tr115

import (
	"math"
	"runtime/metrics"
)

// schedMetric is the Go scheduler's latency: how long goroutines waited,
// runnable, before they ran. It is the analogue of the event-loop lag of
// the study's async runtimes.
const schedMetric = "/sched/latencies:seconds"

// schedLatencies accumulates the scheduler latency histogram over timed
// regions: the difference of its cumulative counts across each region.
// The zero value is ready to use.
type schedLatencies struct {
	buckets []float64
	counts  []uint64
}

// readSched returns the scheduler latency histogram now, or nil where the
// runtime does not provide it.
func readSched() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// add accumulates the region between the readings before and after.
func (l *schedLatencies) add(before, after *metrics.Float64Histogram) {
	if before == nil || after == nil || len(before.Counts) != len(after.Counts) {
		return
	}
	if l.counts == nil {
		l.buckets = after.Buckets
		l.counts = make([]uint64, len(after.Counts))
	}
	for i := range l.counts {
		l.counts[i] += after.Counts[i] - before.Counts[i]
	}
}

// quantileNs is the p-quantile (0 < p < 1) of the accumulated latencies,
// in nanoseconds; false when nothing was recorded.
func (l *schedLatencies) quantileNs(p float64) (float64, bool) {
	s, ok := histQuantile(l.buckets, l.counts, p)
	return s * 1e9, ok
}

// histQuantile is the p-quantile of a histogram with counts[i] values in
// [buckets[i], buckets[i+1]) (runtime/metrics' layout), interpolated
// linearly inside its bucket; an infinite bound gives the finite one.
// false when the histogram is empty.
func histQuantile(buckets []float64, counts []uint64, p float64) (float64, bool) {
	var total uint64
	for _, c := range counts {
		total += c
	}
	if total == 0 || len(buckets) != len(counts)+1 {
		return 0, false
	}
	rank := p * float64(total)
	var below float64
	for i, c := range counts {
		if c == 0 || below+float64(c) < rank {
			below += float64(c)
			continue
		}
		lo, hi := buckets[i], buckets[i+1]
		switch {
		case math.IsInf(hi, 1):
			return lo, true
		case math.IsInf(lo, -1):
			return hi, true
		}
		return lo + (hi-lo)*(rank-below)/float64(c), true
	}
	return buckets[len(buckets)-1], true // not reached: rank ≤ total
}
