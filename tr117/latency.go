package tr117

import "github.com/chimeraforge/chimeraforge/internal/stats"

// Latency is the study's summary of a backend's latencies: mean, median
// and 95th percentile, each with a 95 % confidence interval.
type Latency struct {
	N                       int
	Mean, Median, P95       float64
	MeanCI, MedianCI, P95CI stats.Interval
}

// Bootstrap settings of the median's and p95's intervals: fixed, so that a
// fragment is the same on every render.
const (
	bootstrapResamples = 2000
	bootstrapSeed      = 117
)

// LatencyStats summarises xs: the mean with its Student's t interval, the
// median and p95 (numpy's linear percentiles, as the study computed them)
// with percentile-bootstrap intervals. With few samples the p95's interval
// is narrow and under-covers: it can reach no higher than the largest
// sample. Undefined quantities are NaN.
func LatencyStats(xs []float64) Latency {
	p95 := func(v []float64) float64 { return stats.Percentile(v, 95) }
	return Latency{
		N:        len(xs),
		Mean:     stats.Mean(xs),
		Median:   stats.Median(xs),
		P95:      p95(xs),
		MeanCI:   stats.TInterval(xs, 0.95),
		MedianCI: stats.BootstrapInterval(xs, stats.Median, 0.95, bootstrapResamples, bootstrapSeed),
		P95CI:    stats.BootstrapInterval(xs, p95, 0.95, bootstrapResamples, bootstrapSeed),
	}
}

// TailValues returns e2e-p95-ns and e2e-max-ns (internal/units) of the
// end-to-end latencies ns of a benchmark's calls: the p95 as LatencyStats
// computes it, and the slowest call. Nothing when there was no call.
func TailValues(ns []float64) map[string]float64 {
	v := map[string]float64{}
	if len(ns) == 0 {
		return v
	}
	v["e2e-p95-ns"] = stats.Percentile(ns, 95)
	v["e2e-max-ns"] = stats.Max(ns)
	return v
}
