// Package tr114 reproduces TR114_v2: two agents (the study's Rust
// demo_multiagent v2, each running the 2-call analysis/report workflow)
// at once against two Ollama instances, in 27 tests of three scenarios
// (baseline_vs_chimera, chimera_hetero, chimera_homo), 5 runs each.
//
// # Names and metrics
//
// Sub-benchmarks are named BenchmarkTR114/scenario=<scenario>/test=<id>/instances=2,
// one result per concurrent run. testdata/baseline.bench holds the
// study's 135 runs under those names, with
//
//	eff-%             legacy efficiency (a+b)/wall/2×100, as the study stored it
//	legacy-speedup-x  legacy speedup (a+b)/wall
//	a-ns, b-ns        each agent's time measured inside the concurrent run
//	wall-ns           the concurrent run's wall time
//	agg-tok/s         both agents' tokens / wall
//	tok/s             Σ eval_count / Σ eval_duration over both agents' calls
//	balance-%         Σ t_i / (N · max t_i) × 100, the balance bound
//	overhead-ns       wall − max t_i
//
// The corrected speedup-x (Σ time alone / wall) is absent from the
// baseline: the study never ran an agent alone next to its concurrent
// runs. Because the agents start together, wall ≈ max t_i and the legacy
// efficiency equals the balance bound: it measures how evenly the two
// agents finished, not whether running them together helped. The report
// fragment sets it beside the combined throughput of the two agents and
// that of one agent alone (testdata/alone.bench: the study's TR111_v2
// single-agent calls, same day, machine and model).
//
// # Running
//
//	go test -run '^$' -bench . -count 10 ./tr114 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs tr114/testdata/baseline.bench new.txt
//
// An empty -table keeps the study's run and ours in one table although their
// config lines (gpu, ollama-version, model …) differ.
//
// # Report fragments
//
// testdata/report.md.golden, efficiency.svg.golden and throughput.svg.golden
// are rendered from the committed .bench files only; regenerate them, and
// the baselines from ../shared/chimeraforge, with
//
//	go test ./tr114 -update
package tr114
