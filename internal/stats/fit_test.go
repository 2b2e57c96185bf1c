package stats

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFitPowerLaw(t *testing.T) {
	nan := math.NaN()
	noCI := Interval{Lo: nan, Hi: nan}
	pow10 := func(es ...float64) []float64 {
		var xs []float64
		for _, e := range es {
			xs = append(xs, math.Pow(10, e))
		}
		return xs
	}
	// Worked by hand: log x = 0..3, log y = 0, 1.1, 1.9, 3.0: Sxx 5,
	// Sxy 4.9, slope 0.98, intercept 0.03, SSE 0.018, SST 4.82,
	// SE(B) = √(0.018/2/5), t(0.975, 2 df) = 4.302652729911275 (4.303 in any table;
	// gonum's quantile agrees to 1e-11).
	half := 4.302652729911275 * math.Sqrt(0.018/2/5)
	cases := []struct {
		name   string
		xs, ys []float64
		want   PowerLaw
	}{
		{"an exact law is found exactly, with no spread",
			[]float64{1, 4, 16, 64}, []float64{3, 6, 12, 24},
			PowerLaw{N: 4, A: 3, B: 0.5, R2: 1, BInterval: Interval{Lo: 0.5, Hi: 0.5}}},
		{"scattered points: slope, R² and the t interval of the slope",
			pow10(0, 1, 2, 3), pow10(0, 1.1, 1.9, 3.0),
			PowerLaw{N: 4, A: math.Pow(10, 0.03), B: 0.98, R2: 1 - 0.018/4.82, BInterval: Interval{Lo: 0.98 - half, Hi: 0.98 + half}}},
		{"two points fit exactly and have no interval",
			[]float64{10, 1000}, []float64{2, 20},
			PowerLaw{N: 2, A: 1 / math.Sqrt(10) * 2, B: 0.5, R2: 1, BInterval: noCI}},
		{"one point determines nothing", []float64{10}, []float64{2},
			PowerLaw{N: 1, A: nan, B: nan, R2: nan, BInterval: noCI}},
		{"a value that is not positive has no logarithm", []float64{1, 2, 3}, []float64{1, 0, 3},
			PowerLaw{N: 3, A: nan, B: nan, R2: nan, BInterval: noCI}},
		{"one x for every point has no slope", []float64{5, 5, 5}, []float64{1, 2, 3},
			PowerLaw{N: 3, A: nan, B: nan, R2: nan, BInterval: noCI}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FitPowerLaw(c.xs, c.ys, 0.95)
			if diff := cmp.Diff(c.want, got, cmpopts.EquateApprox(1e-9, 1e-12), cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("fit mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// A fitted ratio crosses 1 where A·x^B = 1, and At evaluates the law.
func TestPowerLawCrossingAndAt(t *testing.T) {
	p := PowerLaw{A: 9700.2, B: -0.506}
	x := p.Crossing()
	if math.Abs(p.At(x)-1) > 1e-12 {
		t.Errorf("At(Crossing()) = %v, want 1", p.At(x))
	}
	// TR118's published fit (PUBLISHED.md #213–#215) crosses at ~76M.
	if x < 75e6 || x > 77e6 {
		t.Errorf("crossing at %v, want ~76M", x)
	}
}
