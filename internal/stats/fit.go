package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// A PowerLaw is y = A·x^B fitted by ordinary least squares of log10 y on
// log10 x, as the study fitted latency against parameter count (TR121
// analyze_scaling.py) and ONNX Runtime's speed ratio against it (TR118's
// crossover; the base of the logarithm changes neither B nor A).
type PowerLaw struct {
	N int
	// A and B are the fitted law: A = 10^intercept, B the slope.
	A, B float64
	// R2 is the coefficient of determination on the log scale.
	R2 float64
	// BInterval is B's confidence interval from the t distribution with
	// N−2 degrees of freedom (B ± t·SE(B)); NaN bounds when N < 3 (two
	// points fit any line exactly and say nothing of its spread).
	BInterval Interval
}

// FitPowerLaw fits y = A·x^B to the points (xs[i], ys[i]), with B's
// interval at confidence conf (0.95). Every value must be positive. It
// returns NaN fields when the points cannot determine a line: fewer than
// two, lengths that differ, a value that is not positive, or every x the
// same.
func FitPowerLaw(xs, ys []float64, conf float64) PowerLaw {
	n := len(xs)
	nan := math.NaN()
	fit := PowerLaw{N: n, A: nan, B: nan, R2: nan, BInterval: Interval{Lo: nan, Hi: nan}}
	if n < 2 || len(ys) != n {
		return fit
	}
	lx, ly := make([]float64, n), make([]float64, n)
	for i := range xs {
		if !(xs[i] > 0) || !(ys[i] > 0) {
			return fit
		}
		lx[i], ly[i] = math.Log10(xs[i]), math.Log10(ys[i])
	}
	mx, my := Mean(lx), Mean(ly)
	var sxx, sxy, syy float64
	for i := range lx {
		dx, dy := lx[i]-mx, ly[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return fit
	}
	b := sxy / sxx
	a := my - b*mx
	var sse float64
	for i := range lx {
		r := ly[i] - (a + b*lx[i])
		sse += r * r
	}
	fit.A, fit.B = math.Pow(10, a), b
	fit.R2 = 1 - sse/syy
	if n >= 3 && conf > 0 && conf < 1 {
		se := math.Sqrt(sse / float64(n-2) / sxx)
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.Quantile((1 + conf) / 2)
		fit.BInterval = Interval{Lo: b - t*se, Hi: b + t*se}
	}
	return fit
}

// At is the fitted law's value at x.
func (p PowerLaw) At(x float64) float64 { return p.A * math.Pow(x, p.B) }

// Crossing is the x at which the law equals 1 (A·x^B = 1): where a fitted
// ratio of two backends' speeds says they are equally fast.
func (p PowerLaw) Crossing() float64 { return math.Pow(p.A, -1/p.B) }
