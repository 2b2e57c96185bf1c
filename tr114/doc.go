// Package tr114 reproduces TR114_v2: two agents (the study's Rust
// demo_multiagent v2, each running the 2-call analysis/report workflow)
// at once against two Ollama instances, in 27 tests of three scenarios
// (baseline_vs_chimera, chimera_hetero, chimera_homo), 5 runs each.
//
// # Names and metrics
//
// testdata/baseline.bench holds the study's 135 runs, one result per
// concurrent run, named BenchmarkTR114/scenario=<scenario>/test=<id>/instances=2,
// with
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
// that of one agent alone (tr111/testdata/baseline.bench: the study's TR111_v2
// single-agent calls, same day, machine and model).
//
// # The benchmark
//
// BenchmarkTR114 runs the same 27 tests on the harness's live setup, each
// in three setups of the two agents, named
//
//	BenchmarkTR114/scenario=<scenario>/test=<id>/instances=1/parallel=1  one instance, one slot (the study's TR113)
//	BenchmarkTR114/scenario=<scenario>/test=<id>/instances=2/parallel=1  one instance per agent (TR114; the baseline's name plus /parallel=1)
//	BenchmarkTR114/scenario=<scenario>/test=<id>/instances=1/parallel=2  one instance, OLLAMA_NUM_PARALLEL=2
//
// baseline_vs_chimera: agent A sends no options (server defaults), B the
// test's num_gpu, num_ctx and temperature; chimera_hetero: A config 1, B
// config 2; chimera_homo: both the same config (scenarios.go, checked
// against the data pack). Every agent also sends its instance's num_thread
// (one core left to the client, the rest shared by the instances: 1 on 2
// cores) and num_predict.
//
// One iteration is one interleaved sample (harness/multiagent.Interleave):
// agent A alone, agent B alone, then both together, so that the corrected
// speedup compares each concurrent run with the same workloads run alone
// on the same instances and configs, minutes apart at most. A warm-up
// sample, which loads the model with each agent's options, is excluded.
// Metrics, pooled over the samples:
//
//	eff-%, legacy-speedup-x, contention-%   the study's figures (times inside the concurrent run)
//	speedup-x, true-eff-%                   Σ time alone / wall together, and / 2 × 100
//	agg-tok/s, balance-%, overhead-ns, wall-ns
//	roofline-%     agg-tok/s × bytes per token / mem-bandwidth × 100 (synthetic models: 2 bytes
//	               per parameter; mem-bandwidth, measured once by a 256 MiB copy, is printed as a
//	               "# mem-bandwidth: …" comment: a config line would split benchstat tables between runs)
//	tok/s, ttft-ns, load-ns   the concurrent calls' decode rate, time to first token, load time
//	ns/op          one sample: both agents alone, then together
//
// Two agents whose runner options differ (num_ctx, num_gpu: every
// baseline_vs_chimera and chimera_hetero test) cannot share one instance's
// runner: it reloads the model whenever the other agent's call comes next,
// and waits for the running call first, so a second slot does not help
// them; load-ns shows it. Above 100 %, roofline-% says the weights were
// read from cache, not from the memory whose bandwidth was measured.
//
// # Running
//
// The three setups, the question of ollama#9054, side by side: T013, two
// agents with the same config, which one instance's second slot can serve
// without reloading the model (the README's main job runs the same). The
// pattern's empty element matches the scenario, so T013 is matched against
// the test: a bare -bench T013 matches no top-level benchmark and runs
// nothing.
//
//	go test -run '^$' -bench 'TR114//T013' -benchtime 1x -count 6 ./tr114 > new.txt
//	go tool benchstat -col /instances new.txt
//	go tool benchstat -col /parallel new.txt
//
// The whole matrix, and ours against the study's:
//
//	go test -run '^$' -bench . -count 10 ./tr114 > new.txt
//	go tool benchstat -table '' -filter /instances:2 -ignore /gomaxprocs,/parallel tr114/testdata/baseline.bench new.txt
//
// An empty -table keeps the study's run and ours in one table although their
// config lines (gpu, ollama-version, model …) differ.
//
// The setups that need servers the harness starts (instances=2 with fewer
// than two CHIMERA_OLLAMA_URLS; parallel=2 with any) are skipped with the
// reason when CHIMERA_OLLAMA_URLS is set.
//
// On OpenAI-compatible servers (CHIMERA_OPENAI_URLS, instance i is URL i)
// the agents' calls are OpenAI chat completions; parallel=2 is unavailable
// (the servers keep their own slots) and instances=2 needs two URLs. Every
// test of the study's matrix has an agent that sends num_gpu and num_ctx,
// which the protocol lacks, so each sub-benchmark skips with that reason
// rather than run with them dropped: the setup runs there, the matrix
// does not.
//
// Environment (read by the harness): CHIMERA_OLLAMA_URLS, CHIMERA_OPENAI_URLS,
// CHIMERA_OPENAI_KEY, CHIMERA_OLLAMA_BIN,
// CHIMERA_MODELS, CHIMERA_NUM_THREAD, CHIMERA_NUM_PREDICT, CHIMERA_CORPUS,
// CHIMERA_CACHE, CHIMERA_TRACE_DIR; CHIMERA_STUDY_DIR for the tests that
// read the data pack.
//
// # Report fragments
//
// The package declares the report once, as Report: its baselines (its
// own, embedded, and tr111.Baseline), BenchmarkTR114's matrix and body, and
// Render. testdata/report.md.golden, testdata/efficiency.svg and
// testdata/throughput.svg are Render's fragment of the baselines alone;
// regenerate them, and
// the baseline from the data pack (study/, or CHIMERA_STUDY_DIR), with
//
//	go test ./tr114 -update
package tr114
