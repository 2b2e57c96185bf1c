package multiagent

import (
	"math"
	"runtime/metrics"
	"slices"
)

// schedMetric is the Go scheduler's latency: how long goroutines waited,
// runnable, before they ran. It is Go's analogue of the lag of an asyncio
// event loop, the quantity the study's TR117_multi_agent chased.
const schedMetric = "/sched/latencies:seconds"

// A SchedHist is the scheduler latency histogram of timed regions: the
// counts the runtime added to /sched/latencies:seconds between the start
// and the end of each region, summed. It covers every goroutine of the
// process (the agents' HTTP streams, the test's own), as the study's
// loop-lag monitor covered every task of its event loop. The zero value is
// empty and ready to use.
type SchedHist struct {
	// Buckets are the runtime's bucket boundaries in seconds, one more
	// than Counts: Counts[i] latencies fell in [Buckets[i], Buckets[i+1]).
	Buckets []float64
	Counts  []uint64
}

// A SchedRegion is one timed region of the scheduler latency histogram.
type SchedRegion struct{ before *metrics.Float64Histogram }

// StartSched starts a region.
func StartSched() SchedRegion { return SchedRegion{readSched()} }

// Stop returns the latencies recorded since StartSched: empty where the
// runtime does not provide the metric.
func (r SchedRegion) Stop() SchedHist {
	after := readSched()
	if r.before == nil || after == nil || len(r.before.Counts) != len(after.Counts) {
		return SchedHist{}
	}
	h := SchedHist{Buckets: slices.Clone(after.Buckets), Counts: make([]uint64, len(after.Counts))}
	for i := range h.Counts {
		h.Counts[i] = after.Counts[i] - r.before.Counts[i]
	}
	return h
}

// readSched is the histogram now, or nil where the runtime lacks it.
func readSched() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// Add adds o's counts to h's. Histograms of different layouts (never two
// regions of one process) leave h as it was.
func (h *SchedHist) Add(o SchedHist) {
	switch {
	case len(o.Counts) == 0:
	case len(h.Counts) == 0:
		h.Buckets, h.Counts = slices.Clone(o.Buckets), slices.Clone(o.Counts)
	case len(h.Counts) == len(o.Counts):
		for i, c := range o.Counts {
			h.Counts[i] += c
		}
	}
}

// N is the number of latencies recorded.
func (h SchedHist) N() uint64 {
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// Quantile is the p-quantile (0 ≤ p ≤ 1) of the recorded latencies in
// seconds, interpolated linearly inside its bucket; a bucket with an
// infinite bound gives its finite one. false when nothing was recorded.
func (h SchedHist) Quantile(p float64) (float64, bool) {
	n := h.N()
	if n == 0 || len(h.Buckets) != len(h.Counts)+1 {
		return 0, false
	}
	rank := p * float64(n)
	var below float64
	for i, c := range h.Counts {
		if c == 0 || below+float64(c) < rank {
			below += float64(c)
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		switch {
		case math.IsInf(hi, 1):
			return lo, true
		case math.IsInf(lo, -1):
			return hi, true
		}
		return lo + (hi-lo)*(rank-below)/float64(c), true
	}
	return 0, false // not reached: rank ≤ n
}

// Values returns sched-p50-ns and sched-p99-ns (internal/units), or
// nothing when no latency was recorded.
func (h SchedHist) Values() map[string]float64 {
	v := map[string]float64{}
	for unit, p := range map[string]float64{"sched-p50-ns": 0.50, "sched-p99-ns": 0.99} {
		if q, ok := h.Quantile(p); ok {
			v[unit] = q * 1e9
		}
	}
	return v
}
