// Package golden holds what Chimeraforge compares against: golden
// baselines (the original study's raw data as benchfmt), the comparison of
// a new run with a baseline or of a pull request's head with its base (the
// gate behind cmd/chimeragate), and the pieces report fragments are built
// from (markdown tables, published-versus-recomputed claims, SVG charts).
//
// # Baselines
//
// trNNN/testdata/baseline.bench is the study's per-call (TR111) or per-run
// (TR114) data converted by internal/studydata: one line per measurement,
// the study's config as key=value name segments that match our
// sub-benchmark names, its machine and software as config lines (goos,
// cpu, gpu, os, ollama-version, model, num-parallel, source), and a Unit
// line with better= and assume=nothing for every unit. Regenerate a
// baseline from ../shared/chimeraforge (next to the repository; or
// CHIMERA_STUDY_DIR) with
//
//	go test ./tr111 ./tr114 -run Baseline -update
//
// # Comparing a run of ours with the study
//
// The study ran elsewhere (other GPU, Ollama, model), so its config lines
// differ from ours, and benchstat's default -table .config would put the
// two files in separate tables. One table, with the study-only name keys
// and GOMAXPROCS ignored, lines them up:
//
//	go test -run '^$' -bench . -count 10 ./tr111 > new.txt
//	go tool benchstat -table '' -ignore /dir,/study-agent,/gomaxprocs tr111/testdata/baseline.bench new.txt
//
// TR111 lines carry dir (the study's config directory) and study-agent
// (its agent label). The pooled baseline agent of all 19 directories is
// the comparable config; the published 114.54 tok/s is the baseline agent
// of directory baseline_default alone, selected (keeping our rows) with
//
//	-filter '/dir:(baseline_default OR "") /study-agent:(baseline OR "")'
//
// # The gate
//
// Compare judges every metric of every benchmark: medians and confidence
// intervals, the Mann-Whitney U test at alpha 0.05 (benchmath, as
// benchstat), the direction from Unit … better= metadata, and a
// tolerance. Report.WriteText prints a benchstat-style table, Report.Err
// says whether to fail: ErrRegression for a significant regression beyond
// tolerance, ErrTooFewSamples when the samples cannot reach significance
// (at alpha 0.05 the U test needs at least 4 samples per side). Compare
// refuses runs whose identifying config (IdentifyingKeys) differs
// (ErrConfigMismatch) unless Options allow it. cmd/chimeragate is the
// command; benchstat itself has no exit code. In a pull request:
//
//	go tool benchstat -ignore harness-commit base.txt head.txt
//	go run ./cmd/chimeragate base.txt head.txt
//
// (harness-commit differs between base and head by construction, so it is
// not identifying, but benchstat would split the tables on it.) Against
// the study's baseline, whose machine differs by definition:
//
//	go run ./cmd/chimeragate -allow-config-mismatch -ignore-name dir,study-agent,gomaxprocs tr111/testdata/baseline.bench new.txt
//
// # Fragments
//
// A tr package's report test renders its fragments (testdata/*.golden)
// from committed .bench files only, with Table, ClaimsTable and BarChart,
// and checks them with gotest.tools/v3/golden; go test ./trNNN -update
// rewrites them. A fragment shows the published number (a constant quoted
// from PUBLISHED.md with its row), the number recomputed from the data,
// and our own definition, and says where they differ.
package golden
