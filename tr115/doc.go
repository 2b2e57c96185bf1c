// Package tr115 reproduces TR115_v2: the study's two-agent Rust program
// (TR114_v2's: an analysis and a report call per agent, two Ollama
// instances) built for five async runtimes (tokio-default,
// tokio-localset, async-std, smol, smol-1kb) and run in 6 configs × 5
// runs each, every run its own process.
//
// # Baseline
//
// testdata/baseline.bench holds the study's 150 runs, converted from the
// data pack (study/tr115) by internal/studydata.TR115,
// one result per run named
//
//	BenchmarkTR115/runtime=<runtime>/scenario=<scenario>/config=<config>/instances=2
//
// config is the study's config directory without its scenario prefix
// (gpu80_ctx512, gpu80-100_ctx512-1024); the lines of a runtime and config
// come in the study's run order. Its metrics are TR114's (eff-%,
// legacy-speedup-x, agg-tok/s, tok/s, balance-%, a-ns, b-ns, wall-ns,
// overhead-ns; see package tr114) and load-ns, the server's load_duration
// summed over the run's calls. There is no corrected speedup-x: no agent
// ran alone next to these runs.
//
// # Report fragment
//
// The package declares the report once, as Report: its baseline
// (embedded), BenchmarkTR115's matrix and body, Render and the claims.
// testdata/report.md.golden, Render's fragment, recomputes every TR115_v2
// row of the data pack's PUBLISHED.md (#110–#129) from the baseline with
// the study's legacy definition, beside the published numbers: all follow but
// async-std's minimum (49.99 %, not 50.00 %). It then shows what the
// legacy metric hides: async-std's agents ran one after the other (50 % by
// construction), each call decoding at the full rate of one, and in 4 of
// the 6 configs finished sooner than tokio-default at 98.7 %; taking its
// serial wall as the agents' time alone gives tokio-default a speedup
// below 1. The charts (testdata/efficiency.svg, testdata/throughput.svg)
// show the legacy efficiency and the rates by runtime. All are rendered
// from the committed baseline only; regenerate them, and the baseline
// from the data pack (study/, or CHIMERA_STUDY_DIR),
// with
//
//	go test ./tr115 -update
//
// Compare a run of ours with the study's baseline, as the report fragment
// prints it (one table although the config lines differ):
//
//	go test -run '^$' -bench . -count 10 ./tr115 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs tr115/testdata/baseline.bench new.txt
//
// # The benchmark
//
// BenchmarkTR115 is the Go analogue: ways of running the same two agents,
// each one change from the default, named like the baseline so that the
// Go variants sit beside tokio-default and async-std
// (BenchmarkTR115/runtime=<variant>/scenario=…/config=…/instances=2):
//
//	go-default              GOMAXPROCS = NumCPU, one shared http.Transport, keep-alive on
//	go-procs1, go-procs2    GOMAXPROCS 1 and 2 (one equal to NumCPU is go-default, left out)
//	go-transport-per-agent  one http.Transport per agent
//	go-no-keepalive         keep-alive off
//	go-mutex                a serialising coordinator: a lock held across each agent's whole
//	                        workflow, each agent's clock starting once it holds it, as async-std's
//	                        runs behaved. The negative control: legacy eff-% is 50 % by
//	                        construction; the corrected speedup-x says what it gained (≈ 1.0)
//
// One iteration is one interleaved sample (each agent alone, then both
// together); metrics are tr114's plus sched-p50-ns and sched-p99-ns, the Go
// scheduler's latency (runtime/metrics /sched/latencies:seconds, the
// histogram's delta over the concurrent halves, multiagent.SchedHist as
// tr117 reads it), Go's analogue of the
// study's event-loop lag.
//
//	go test -run '^$' -bench 'TR115//scenario=chimera_homo/config=gpu80_ctx512' -count 6 ./tr115 > new.txt
//	go tool benchstat -table '' -ignore /gomaxprocs -col /runtime tr115/testdata/baseline.bench new.txt
package tr115
