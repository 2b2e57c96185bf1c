// Package tr113 reproduces TR113: two agents of the study's first Rust
// multi-agent program (v1: one persona call each) started together on ONE
// Ollama instance (OLLAMA_NUM_PARALLEL=1), in 19 configs of three
// scenarios, one run each. It is the one-instance half of TR114's question:
// does running two agents at once need two instances?
//
// # Baseline
//
// testdata/baseline.bench holds the study's 19 runs, converted from the
// data pack (study/tr113) by internal/studydata.TR113 and
// named as the instances=1 half of the TR114 baseline:
//
//	BenchmarkTR114/scenario=<scenario>/test=<id>/instances=1/dir=<config_id>
//
// test is the TR114_v2 test whose agents sent the same num_gpu, num_ctx
// and temperature (11 of the 19 configs; the others have no test segment);
// dir is the study's config directory. Its metrics are TR114's (eff-%,
// legacy-speedup-x, agg-tok/s, tok/s, balance-%, a-ns, b-ns, wall-ns,
// overhead-ns; see package tr114) and load-ns, the server's load_duration
// summed over the run's calls, which on one instance holds the reloads and
// waits that agents with different options cause. There is no corrected
// speedup-x: no agent ran alone next to these runs. The config lines say
// what differs from TR114_v2: instances 1, and the v1 workflow (one call
// per agent; its configured agents also sent top_p, top_k and
// repeat_penalty).
//
// The two-instance half is TR114_v2's baseline, read where tr114 keeps it
// (tr114/testdata/baseline.bench):
//
//	go tool benchstat -table '' -col /instances -ignore /dir tr113/testdata/baseline.bench tr114/testdata/baseline.bench
//
// # Report fragment
//
// testdata/report.md.golden recomputes every TR113 row of the data pack's
// PUBLISHED.md (#93–#99) from the baseline with the study's legacy
// definition, beside the published numbers (all follow but the contended
// count: 13 of 19 runs, not 12), and compares one instance with two in
// rates, since the workloads differ: per-call decode rate, both agents'
// tokens per wall second, and the calls decoding at once. The charts
// (testdata/efficiency.svg, testdata/throughput.svg) show the same. All are
// rendered by [Report] (report.go), the report declared once, from the
// embedded .bench files only: its own baseline and [tr114.Baseline].
// TestReport checks it; regenerate the fragment, the charts and the
// baseline from the data pack (study/, or CHIMERA_STUDY_DIR), with
//
//	go test ./tr113 -run Report -update
//
// TR113 has no benchmark of its own: its question (two agents on one
// instance) is the instances=1/parallel=1 arm of tr114's BenchmarkTR114,
// with the corrected metrics beside the legacy ones. Set it beside the
// study's TR113 runs with
//
//	go test -run '^$' -bench 'TR114//T013/instances=1/parallel=1' -count 6 ./tr114 > new.txt
//	go tool benchstat -table '' -ignore /dir,/parallel,/gomaxprocs tr113/testdata/baseline.bench new.txt
package tr113
