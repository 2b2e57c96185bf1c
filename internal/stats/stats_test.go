package stats

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// approx compares hand-worked values: equal to 1e-12 relative (or absolute
// near 0), NaN equal to NaN.
var approx = cmp.Options{cmpopts.EquateApprox(1e-12, 1e-12), cmpopts.EquateNaNs()}

var nan = math.NaN()

func TestDescriptive(t *testing.T) {
	tests := []struct {
		name string
		f    func([]float64) float64
		xs   []float64
		want float64
	}{
		{"Sum/adds_all_values", Sum, []float64{1, 2, 3.5}, 6.5},
		{"Sum/empty_is_NaN_not_zero", Sum, nil, nan},
		{"Sum/NaN_propagates", Sum, []float64{1, nan}, nan},
		{"Mean/of_1_to_4_is_2.5", Mean, []float64{1, 2, 3, 4}, 2.5},
		{"Mean/single_value_is_itself", Mean, []float64{7}, 7},
		{"Mean/empty_is_NaN", Mean, []float64{}, nan},
		// Σ(x−5)² = 32 over 8 values: sample variance 32/7, not population 32/8 = 4.
		{"SD/divides_by_n_minus_1", SD, []float64{2, 4, 4, 4, 5, 5, 7, 9}, math.Sqrt(32.0 / 7)},
		{"SD/constant_sample_is_0", SD, []float64{3, 3, 3}, 0},
		{"SD/one_value_is_NaN", SD, []float64{3}, nan},
		{"SD/empty_is_NaN", SD, nil, nan},
		{"CV/is_SD_over_mean_in_percent", CV, []float64{2, 4, 4, 4, 5, 5, 7, 9}, math.Sqrt(32.0/7) / 5 * 100},
		{"CV/one_value_is_NaN", CV, []float64{3}, nan},
		{"CV/empty_is_NaN", CV, nil, nan},
		{"Min/finds_negative_anywhere", Min, []float64{3, -2, 5, -1}, -2},
		{"Min/NaN_propagates", Min, []float64{1, nan, 0}, nan},
		{"Min/empty_is_NaN", Min, nil, nan},
		{"Max/finds_largest_anywhere", Max, []float64{3, -2, 5, -1}, 5},
		{"Max/NaN_propagates", Max, []float64{1, nan, 0}, nan},
		{"Max/empty_is_NaN", Max, nil, nan},
		{"Median/odd_count_is_middle_value", Median, []float64{3, 1, 2}, 2},
		{"Median/even_count_averages_middle_two", Median, []float64{4, 1, 3, 2}, 2.5},
		{"Median/empty_is_NaN", Median, nil, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.f(tt.xs), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPercentileMatchesNumpyLinear(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		// virtual index (n−1)·p/100 = 0.75 → 1 + 0.75·(2−1).
		{"p25_of_1_to_4_is_1.75", []float64{1, 2, 3, 4}, 25, 1.75},
		// virtual index 2.85 → 3 + 0.85·(4−3).
		{"p95_of_1_to_4_is_3.85", []float64{1, 2, 3, 4}, 95, 3.85},
		{"p25_sorts_unsorted_input", []float64{4, 1, 3, 2}, 25, 1.75},
		{"p0_is_min", []float64{4, 1, 3, 2}, 0, 1},
		{"p100_is_max", []float64{4, 1, 3, 2}, 100, 4},
		{"p50_is_median", []float64{4, 1, 3, 2}, 50, 2.5},
		// virtual index 0.9·4 = 3.6 between sorted[3] = 30 and sorted[4] = 100.
		{"p90_interpolates_into_outlier", []float64{100, 10, 20, 0, 30}, 90, 72},
		{"single_value_at_any_p", []float64{7}, 30, 7},
		{"empty_is_NaN", nil, 50, nan},
		{"p_below_0_is_NaN", []float64{1, 2}, -1, nan},
		{"p_above_100_is_NaN", []float64{1, 2}, 100.5, nan},
		{"p_NaN_is_NaN", []float64{1, 2}, nan, nan},
		{"NaN_in_data_is_NaN_like_numpy", []float64{1, nan, 3}, 50, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Percentile(tt.xs, tt.p), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The two-sided lerp returns the upper neighbour bit-exactly when the
// fraction is 1 − ε and the lower one when it is 0, as numpy's _lerp does.
func TestPercentileLerpEndpointsAreExact(t *testing.T) {
	xs := []float64{0.1, 0.7}
	if got := Percentile(xs, 0); got != 0.1 {
		t.Errorf("Percentile(%v, 0) = %v, want exactly 0.1", xs, got)
	}
	if got := Percentile(xs, 100); got != 0.7 {
		t.Errorf("Percentile(%v, 100) = %v, want exactly 0.7", xs, got)
	}
	if got, want := lerp(0.1, 0.7, 1), 0.7; got != want {
		t.Errorf("lerp(0.1, 0.7, 1) = %v, want exactly %v", got, want)
	}
}

func TestFunctionsDoNotModifyInput(t *testing.T) {
	funcs := map[string]func([]float64){
		"Percentile":        func(xs []float64) { Percentile(xs, 30) },
		"Median":            func(xs []float64) { Median(xs) },
		"TInterval":         func(xs []float64) { TInterval(xs, 0.95) },
		"BootstrapInterval": func(xs []float64) { BootstrapInterval(xs, Median, 0.9, 50, 1) },
		"BalanceBoundPct":   func(xs []float64) { BalanceBoundPct(xs) },
	}
	for name, f := range funcs {
		t.Run(name, func(t *testing.T) {
			xs := []float64{5, 1, 4, 2, 3}
			orig := slices.Clone(xs)
			f(xs)
			if diff := cmp.Diff(orig, xs); diff != "" {
				t.Errorf("input modified (-before +after):\n%s", diff)
			}
		})
	}
}

func TestTInterval(t *testing.T) {
	// Hand values of Student's t quantiles (tables / scipy.stats.t.ppf).
	const (
		t975df4 = 2.776445105 // t_{0.975, 4}
		t95df1  = 6.313751515 // t_{0.95, 1}
	)
	tests := []struct {
		name string
		xs   []float64
		conf float64
		want Interval
	}{
		// mean 3, SD √2.5, SD/√5 = √0.5.
		{"n5_95pct_uses_t_0.975_4", []float64{1, 2, 3, 4, 5}, 0.95,
			Interval{3 - t975df4*math.Sqrt(0.5), 3 + t975df4*math.Sqrt(0.5)}},
		// mean 1, SD √2, SD/√2 = 1.
		{"n2_90pct_uses_t_0.95_1", []float64{0, 2}, 0.90, Interval{1 - t95df1, 1 + t95df1}},
		{"constant_sample_collapses_to_mean", []float64{3, 3, 3}, 0.95, Interval{3, 3}},
		{"one_value_is_NaN", []float64{3}, 0.95, Interval{nan, nan}},
		{"empty_is_NaN", nil, 0.95, Interval{nan, nan}},
		{"conf_1_is_NaN", []float64{1, 2}, 1, Interval{nan, nan}},
		{"conf_0_is_NaN", []float64{1, 2}, 0, Interval{nan, nan}},
	}
	// The quantile constants above have 10 significant digits.
	opts := cmp.Options{cmpopts.EquateApprox(1e-9, 1e-9), cmpopts.EquateNaNs()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TInterval(tt.xs, tt.conf), opts); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBootstrapIntervalIsDeterministic(t *testing.T) {
	xs := []float64{3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9, 4.0, 5.2}
	a := BootstrapInterval(xs, Mean, 0.95, 1000, 42)
	b := BootstrapInterval(xs, Mean, 0.95, 1000, 42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different interval (-first +second):\n%s", diff)
	}
	if c := BootstrapInterval(xs, Mean, 0.95, 1000, 43); c == a {
		t.Errorf("seeds 42 and 43 gave the same interval %+v: the seed is not used", a)
	}
}

func TestBootstrapInterval(t *testing.T) {
	oneToTwenty := make([]float64, 20)
	for i := range oneToTwenty {
		oneToTwenty[i] = float64(i + 1)
	}
	tests := []struct {
		name      string
		xs        []float64
		resamples int
		conf      float64
		check     func(Interval) bool
		want      string
	}{
		{"contains_the_mean_of_1_to_20", oneToTwenty, 2000, 0.95,
			func(iv Interval) bool { return iv.Lo < 10.5 && 10.5 < iv.Hi && iv.Lo > 1 && iv.Hi < 20 },
			"1 < Lo < 10.5 < Hi < 20"},
		// Resample means of {0, 1} are 0 (p = 1/4), 0.5 or 1 (p = 1/4): the
		// 2.5th and 97.5th percentiles of 2000 of them are 0 and 1.
		{"two_points_span_both_ends", []float64{0, 1}, 2000, 0.95,
			func(iv Interval) bool { return iv == Interval{0, 1} }, "[0, 1]"},
		{"constant_sample_collapses", []float64{4, 4, 4}, 100, 0.95,
			func(iv Interval) bool { return iv == Interval{4, 4} }, "[4, 4]"},
		{"empty_is_NaN", nil, 100, 0.95,
			func(iv Interval) bool { return math.IsNaN(iv.Lo) && math.IsNaN(iv.Hi) }, "NaN bounds"},
		{"zero_resamples_is_NaN", []float64{1, 2}, 0, 0.95,
			func(iv Interval) bool { return math.IsNaN(iv.Lo) && math.IsNaN(iv.Hi) }, "NaN bounds"},
		{"conf_out_of_range_is_NaN", []float64{1, 2}, 100, 1.5,
			func(iv Interval) bool { return math.IsNaN(iv.Lo) && math.IsNaN(iv.Hi) }, "NaN bounds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BootstrapInterval(tt.xs, Mean, tt.conf, tt.resamples, 7)
			if !tt.check(got) {
				t.Errorf("BootstrapInterval = %+v, want %s", got, tt.want)
			}
		})
	}
}

// TestLegacyVersusCorrected works DESIGN.md's point: the legacy efficiency
// measures balance, so a serialised run can score 50 % or 75 % depending on
// where the agents' clocks start, and a contended run slower than running the
// agents one after the other can score 100 %; the corrected speedup is 1.0
// for the serialised run and below 1 for the slow one.
func TestLegacyVersusCorrected(t *testing.T) {
	tests := []struct {
		name          string
		alone, inRun  []float64
		wall          float64
		wantLegacy    Legacy
		wantCorrected Corrected
	}{
		{"perfectly_parallel_scores_100_both_ways",
			[]float64{10, 10}, []float64{10, 10}, 10,
			Legacy{2, 100, false}, Corrected{2, 100}},
		// B's clock starts at launch and includes the 10 s it waits for A:
		// Σ in-run = 30 over a 20 s wall. 75 % is not < 75 %, so not contended.
		{"serialised_with_clocks_from_launch_scores_75_legacy_speedup_1",
			[]float64{10, 10}, []float64{10, 20}, 20,
			Legacy{1.5, 75, false}, Corrected{1, 50}},
		// TR115: each agent's clock starts when it actually runs.
		{"serialised_with_clocks_from_own_start_scores_50_legacy_speedup_1",
			[]float64{10, 10}, []float64{10, 10}, 20,
			Legacy{1, 50, true}, Corrected{1, 50}},
		// Contention stretches both agents to 25 s: slower than 20 s serial.
		{"contended_slower_than_serial_scores_100_legacy_40_corrected",
			[]float64{10, 10}, []float64{25, 25}, 25,
			Legacy{2, 100, false}, Corrected{0.8, 40}},
		{"speedup_just_under_1.5_is_contended",
			[]float64{10, 19.9}, []float64{10, 19.9}, 20,
			Legacy{1.495, 74.75, true}, Corrected{1.495, 74.75}},
		{"three_agents_divide_by_3",
			[]float64{6, 6, 6}, []float64{9, 9, 9}, 10,
			Legacy{2.7, 90, false}, Corrected{1.8, 60}},
		{"three_agents_contended_below_2.25",
			[]float64{7, 7, 7}, []float64{7, 7, 7}, 10,
			Legacy{2.1, 70, true}, Corrected{2.1, 70}},
		{"no_agents_is_NaN_and_not_contended",
			nil, nil, 10,
			Legacy{nan, nan, false}, Corrected{nan, nan}},
		{"zero_wall_is_NaN",
			[]float64{1, 1}, []float64{1, 1}, 0,
			Legacy{nan, nan, false}, Corrected{nan, nan}},
		{"negative_wall_is_NaN",
			[]float64{1, 1}, []float64{1, 1}, -3,
			Legacy{nan, nan, false}, Corrected{nan, nan}},
		{"NaN_time_is_NaN_and_not_contended",
			[]float64{1, nan}, []float64{1, nan}, 2,
			Legacy{nan, nan, false}, Corrected{nan, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.wantLegacy, LegacyEfficiency(tt.inRun, tt.wall), approx); diff != "" {
				t.Errorf("LegacyEfficiency mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCorrected, CorrectedEfficiency(tt.alone, tt.wall), approx); diff != "" {
				t.Errorf("CorrectedEfficiency mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// At N = 2 Contended must equal the study's own test, speedup < 1.5, even at
// the boundary where speedup/2*100 < 75 could round differently.
func TestLegacyContendedIsStudysSpeedupRule(t *testing.T) {
	for _, s := range []float64{1.5, math.Nextafter(1.5, 0), math.Nextafter(1.5, 2), 1.2, 1.9} {
		got := LegacyEfficiency([]float64{s, 0}, 1).Contended
		if want := s < 1.5; got != want {
			t.Errorf("speedup %v: Contended = %v, want %v", s, got, want)
		}
	}
}

func TestBalanceBoundPct(t *testing.T) {
	tests := []struct {
		name  string
		inRun []float64
		want  float64
	}{
		{"equal_agents_are_100", []float64{10, 10}, 100},
		{"one_agent_twice_as_long_is_75", []float64{10, 20}, 75},
		{"three_agents", []float64{1, 2, 3}, 6.0 / 9 * 100},
		{"single_agent_is_100", []float64{5}, 100},
		{"all_zero_is_NaN", []float64{0, 0}, nan},
		{"empty_is_NaN", nil, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, BalanceBoundPct(tt.inRun), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCoordinationOverhead(t *testing.T) {
	tests := []struct {
		name  string
		inRun []float64
		wall  float64
		want  float64
	}{
		{"wall_beyond_slowest_agent", []float64{10, 20}, 20.5, 0.5},
		{"wall_equal_to_slowest_is_0", []float64{12, 8}, 12, 0},
		{"empty_is_NaN", nil, 3, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, CoordinationOverhead(tt.inRun, tt.wall), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestThroughputImprovementPct(t *testing.T) {
	tests := []struct {
		name                string
		baseline, candidate float64
		want                float64
	}{
		{"ten_percent_faster", 100, 110, 10},
		{"ten_percent_slower_is_negative", 100, 90, -10},
		{"equal_is_0", 114.54, 114.54, 0},
		{"zero_baseline_is_Inf", 0, 5, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ThroughputImprovementPct(tt.baseline, tt.candidate), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name           string
		count, seconds float64
		want           float64
	}{
		{"tokens_per_second", 1004, 8.5351908, 1004 / 8.5351908},
		{"zero_duration_is_guarded_to_1us", 5, 0, 5e6},
		{"negative_duration_is_guarded_to_1us", 5, -1, 5e6},
		{"duration_below_1us_is_guarded", 5, 1e-9, 5e6},
		{"NaN_duration_is_NaN", 5, nan, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Rate(tt.count, tt.seconds), approx); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
