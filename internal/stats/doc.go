// Package stats is the pure maths of Chimeraforge: descriptive statistics,
// confidence intervals and the multi-agent efficiency formulas, legacy and
// corrected.
//
// It does no I/O, uses no cgo and holds no package-level state; every
// function works on float64 slices and never modifies the caller's slice.
//
// Undefined results are NaN, never a panic or an error: an empty slice gives
// NaN from every function, and so does a slice too short for the statistic
// (SD, CV and TInterval need at least two values). A NaN anywhere in the
// input gives NaN, as in numpy.
//
// Conventions follow the study's Python and Rust code so that recomputed
// values match the published ones: SD is the sample standard deviation
// (n−1), Percentile is numpy's default "linear" method (R type 7),
// TInterval is scipy.stats.t.interval around the mean, and
// LegacyEfficiency is the Rust summarize_run formula. CorrectedEfficiency,
// BalanceBoundPct and CoordinationOverhead are the quantities DESIGN.md
// reports next to the legacy ones, because the legacy efficiency measures
// how balanced the agents were rather than whether running them together
// helped.
package stats
