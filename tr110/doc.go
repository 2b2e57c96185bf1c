// Package tr110 reproduces TR110: two of the study's Python agents (each
// an analysis call and a report call) started together, each on its own
// Ollama instance, in 30 tests of three scenarios (baseline_vs_chimera,
// chimera_hetero, chimera_homo), 5 runs each. TR110's Python harness is
// lost; its per-run results survive, its per-call data and its model name
// do not.
//
// # Baseline
//
// testdata/baseline.bench holds the study's 150 runs, converted from the
// data pack (study/tr110/runs.csv) by
// internal/studydata.TR110, one result per concurrent run named
//
//	BenchmarkTR110/scenario=<scenario>/test=<id>/instances=2/config=<config>
//
// config is the test's configuration (gpu60_ctx512_temp0.8: the chimera
// agent's, both agents' in chimera_homo; gpu60-80_ctx512-1024_temp0.8-0.6:
// agent A's and B's in chimera_hetero). Metrics:
//
//	eff-%             legacy efficiency (a+b)/wall/2×100, computed: the study never stored it
//	legacy-speedup-x  legacy speedup (a+b)/wall, as stored
//	contention-%      the stored contention flag: 100 flagged, 0 not
//	agg-tok/s         both agents' tokens / wall
//	balance-%         Σ t_i / (N · max t_i) × 100, the balance bound
//	study-ttft-ns     the slower agent's mean TTFT, as the lost harness recorded it
//	a-ns, b-ns        each agent's time measured inside the concurrent run
//	wall-ns           the concurrent run's wall time
//	overhead-ns       wall − max t_i
//
// There is no tok/s (no per-call decode times were saved) and no corrected
// speedup-x: no agent ran alone next to these runs.
//
// # Report fragment
//
// The package declares the report once, as Report: its baseline
// (embedded), BenchmarkTR110's matrix and body, Render and the claims.
// testdata/report.md.golden, Render's fragment, recomputes every TR110
// row of the data pack's PUBLISHED.md (#40–#79) from the baseline with the
// study's legacy definition and sets each beside the published number: the per-test
// table follows, the "95.8 %" mean quoted by later reports does not (the
// 150 runs give 93.21 %), and the contention flag is speedup < 1.5, not
// Appendix B's TTFT rule. testdata/efficiency.svg charts the legacy
// efficiency and the balance bound by scenario. Both are rendered from the
// committed baseline only; regenerate them, and the baseline from the data
// pack (study/, or CHIMERA_STUDY_DIR), with
//
//	go test ./tr110 -update
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go test -run '^$' -bench . -count 10 ./tr110 > new.txt
//
// # The benchmark
//
// BenchmarkTR110 runs all 30 tests with Go agents on the live setup, one
// instance per agent, named exactly like the baseline
// (BenchmarkTR110/scenario=…/test=T0xx/instances=2/config=…), with TR110's
// configs: agent B at temperature 0.6 in chimera_hetero, and T101, T102,
// T105, which TR114 lacks. The agents are the Go 2-call workflow with the
// Rust prompts (the Python prompts are lost). One iteration is one
// interleaved sample (harness/multiagent.Interleave: each agent alone,
// then both together); metrics are tr114's (legacy eff-%,
// legacy-speedup-x, contention-%; corrected speedup-x, true-eff-%;
// agg-tok/s, balance-%, overhead-ns, wall-ns) plus a-ns, b-ns and
// study-ttft-ns (per run, the slower agent's mean load + prefill, as the
// lost harness recorded it). Run it and set it beside the study's Python:
//
//	go test -run '^$' -bench 'TR110//test=T0(01|11|13)/' -count 6 ./tr110 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs,/config tr110/testdata/baseline.bench new.txt
package tr110
