package stats

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Sum returns the sum of xs, or NaN if xs is empty (an empty sample has no
// measurement, so it must not read as a measured 0).
func Sum(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// Mean returns the arithmetic mean of xs, or NaN if xs is empty.
func Mean(xs []float64) float64 {
	return Sum(xs) / float64(len(xs))
}

// SD returns the sample standard deviation of xs (divisor n−1, like
// numpy.std(ddof=1) and Python's statistics.stdev), or NaN if len(xs) < 2.
func SD(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	m := Mean(xs)
	var ss float64
	for _, x := range xs {
		d := x - m
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

// CV returns the coefficient of variation SD/Mean×100, in percent, or NaN if
// len(xs) < 2. A zero mean gives ±Inf or NaN.
func CV(xs []float64) float64 {
	return SD(xs) / Mean(xs) * 100
}

// Min returns the smallest value of xs, or NaN if xs is empty or holds a NaN.
func Min(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Min(m, x)
	}
	return m
}

// Max returns the largest value of xs, or NaN if xs is empty or holds a NaN.
func Max(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}

// Median returns Percentile(xs, 50).
func Median(xs []float64) float64 {
	return Percentile(xs, 50)
}

// Percentile returns the p-th percentile of xs, p in [0, 100], computed as
// numpy.percentile's default "linear" method (R type 7): the value at the
// virtual index (n−1)·p/100 of the sorted data, interpolated linearly
// between its neighbours with numpy's two-sided lerp so results agree to the
// last bit. It returns NaN if xs is empty, holds a NaN, or p is outside
// [0, 100]. xs is not modified.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 || !(p >= 0 && p <= 100) || slices.ContainsFunc(xs, math.IsNaN) {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	h := float64(len(s)-1) * (p / 100)
	lo := math.Floor(h)
	i := int(lo)
	j := min(i+1, len(s)-1)
	return lerp(s[i], s[j], h-lo)
}

// lerp is numpy's _lerp: it interpolates from the nearer end so that t = 1
// returns b exactly.
func lerp(a, b, t float64) float64 {
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}

// Interval is a closed interval [Lo, Hi], typically a confidence interval.
type Interval struct{ Lo, Hi float64 }

// nanInterval is the undefined interval.
func nanInterval() Interval { return Interval{math.NaN(), math.NaN()} }

// TInterval returns the Student's t confidence interval for the mean of xs at
// confidence level conf (e.g. 0.95): mean ± t_{(1+conf)/2, n−1}·SD/√n, as
// scipy.stats.t.interval(conf, n−1, loc=mean, scale=SD/√n). It returns NaN
// bounds if len(xs) < 2 or conf is not in (0, 1).
func TInterval(xs []float64, conf float64) Interval {
	n := len(xs)
	if n < 2 || !(conf > 0 && conf < 1) {
		return nanInterval()
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + conf) / 2)
	m := Mean(xs)
	half := t * SD(xs) / math.Sqrt(float64(n))
	return Interval{Lo: m - half, Hi: m + half}
}

// BootstrapInterval returns the percentile-bootstrap confidence interval of
// stat over xs at confidence level conf: stat is evaluated on resamples
// samples drawn from xs with replacement, and the interval is the
// Percentile (numpy linear) of those values at 100·(1−conf)/2 and
// 100·(1+conf)/2.
//
// The draw is deterministic: a math/rand/v2 PCG seeded with (seed, seed), so
// the same inputs and seed always give the same interval. stat receives a
// scratch slice that it may reorder but must not retain. The bounds are NaN
// if xs is empty, resamples < 1, conf is not in (0, 1), or stat returns NaN
// for any resample.
func BootstrapInterval(xs []float64, stat func([]float64) float64, conf float64, resamples int, seed uint64) Interval {
	n := len(xs)
	if n == 0 || resamples < 1 || !(conf > 0 && conf < 1) {
		return nanInterval()
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	buf := make([]float64, n)
	vals := make([]float64, resamples)
	for r := range vals {
		for i := range buf {
			buf[i] = xs[rng.IntN(n)]
		}
		vals[r] = stat(buf)
	}
	return Interval{
		Lo: Percentile(vals, 100*(1-conf)/2),
		Hi: Percentile(vals, 100*(1+conf)/2),
	}
}

// Rate returns count/seconds with the study's Rust guard: the divisor is
// max(seconds, 1e-6), so a zero or negative duration (Ollama reporting
// eval_duration 0 for a cached or empty reply) gives a large finite rate
// instead of Inf, exactly as demo_rust_agent computed throughput_tok_s
// (`eval_count / max(eval_duration_ms/1000, 1e-6)`, chimeraforge README).
// NaN in either argument gives NaN.
func Rate(count, seconds float64) float64 {
	if math.IsNaN(seconds) {
		return math.NaN()
	}
	return count / math.Max(seconds, 1e-6)
}
