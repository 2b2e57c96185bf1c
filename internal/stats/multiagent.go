package stats

import "math"

// Legacy is the study's multi-agent efficiency (Rust summarize_run, TR110
// Python data), kept under its own name so golden baselines match the
// published tables. Because the agents start together, wall ≈ max t_i, so
// for two agents EfficiencyPct ≈ 50·(1 + t_min/t_max): it measures how
// balanced the agents were, not whether running them together helped.
type Legacy struct {
	Speedup       float64 // Σ inRun / wall
	EfficiencyPct float64 // Speedup / N × 100
	Contended     bool    // EfficiencyPct < 75, i.e. the study's speedup < 1.5 at N = 2
}

// LegacyEfficiency computes Legacy from inRun, each agent's time measured
// inside the concurrent run, and wall, the concurrent run's wall time (same
// unit). N is len(inRun). Speedup and EfficiencyPct are NaN, and Contended
// false, if inRun is empty, holds a NaN, or wall is not > 0.
func LegacyEfficiency(inRun []float64, wall float64) Legacy {
	n := len(inRun)
	if n == 0 || !(wall > 0) {
		return Legacy{Speedup: math.NaN(), EfficiencyPct: math.NaN()}
	}
	s := Sum(inRun) / wall
	// Speedup < 0.75·N is exactly the study's `speedup < 1.5` at N = 2;
	// comparing the derived percentage could differ from it by one ulp.
	return Legacy{Speedup: s, EfficiencyPct: s / float64(n) * 100, Contended: s < 0.75*float64(n)}
}

// Corrected is the multi-agent speedup against the agents' isolated run
// times: 1 means running together was no faster than running one after the
// other, N means perfect parallelism.
type Corrected struct {
	Speedup       float64 // Σ alone / wall
	EfficiencyPct float64 // Speedup / N × 100
}

// CorrectedEfficiency computes Corrected from alone, each agent's workload
// run alone on the same instance and config, and wall, the concurrent run's
// wall time (same unit). N is len(alone). Both fields are NaN if alone is
// empty, holds a NaN, or wall is not > 0.
func CorrectedEfficiency(alone []float64, wall float64) Corrected {
	n := len(alone)
	if n == 0 || !(wall > 0) {
		return Corrected{Speedup: math.NaN(), EfficiencyPct: math.NaN()}
	}
	s := Sum(alone) / wall
	return Corrected{Speedup: s, EfficiencyPct: s / float64(n) * 100}
}

// BalanceBoundPct returns Σ t_i / (N · max t_i) × 100 over the agents'
// in-run times: the legacy efficiency a run would score with wall = max t_i,
// i.e. the part of the legacy number explained by balance alone. NaN if
// inRun is empty or holds a NaN; 0/0 (all times zero) is NaN too.
func BalanceBoundPct(inRun []float64) float64 {
	return Sum(inRun) / (float64(len(inRun)) * Max(inRun)) * 100
}

// CoordinationOverhead returns wall − max t_i: the time the concurrent run
// spent beyond its slowest agent (start-up, joins, reporting). NaN if inRun
// is empty or holds a NaN.
func CoordinationOverhead(inRun []float64, wall float64) float64 {
	return wall - Max(inRun)
}

// ThroughputImprovementPct returns (candidate − baseline)/baseline × 100, the
// study's "throughput improvement" of a candidate over a baseline. A zero
// baseline gives ±Inf or NaN.
func ThroughputImprovementPct(baseline, candidate float64) float64 {
	return (candidate - baseline) / baseline * 100
}
