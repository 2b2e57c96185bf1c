// Package golden holds what Chimeraforge compares against: golden
// baselines (the original study's raw data as benchfmt), reading them, and
// the comparison of a new run with a baseline or of a pull request's head
// with its base (the gate behind cmd/chimeragate). Report fragments are
// built from them by golden/report.
//
// # Baselines
//
// trNNN/testdata/baseline.bench is the study's per-call (TR111) or per-run
// (TR114) data converted by internal/studydata: one line per measurement,
// the study's config as key=value name segments that match our
// sub-benchmark names, its machine and software as config lines (goos,
// cpu, gpu, os, ollama-version, model, num-parallel, source), and a Unit
// line with better= and assume=nothing for every unit. Regenerate a
// baseline from the data pack (study/ in the repository, or
// CHIMERA_STUDY_DIR) with
//
//	go test ./tr111 ./tr114 -run 'Baseline|Report' -update
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
// Read (and ReadFile) refuse what a gate must not compare: a syntax error
// (file:line), a NaN or infinite value (file:line and unit; benchmath's
// Mann-Whitney test grows without bound on a NaN), a negative value in a
// registered unit that cannot be negative (file:line and unit; see
// units.Unit.Signed), and input beyond limits
// no real run reaches (64 MiB a file, 10,000 values of one benchmark in
// one unit, 64 KiB a line), so that the gate's memory is bounded on any
// input. Errors wrap ErrInput.
//
// Compare judges every metric (benchmark and unit) of base and head:
// medians and confidence intervals, the Mann-Whitney U test at alpha 0.05
// (benchmath, as benchstat), and a tolerance. A unit's direction comes from
// each file's "Unit <unit> better=higher|lower" lines, else from the
// registry in internal/units, and must agree between base and head (an
// input error otherwise); a unit that is neither is an input error, never
// guessed from its spelling, and units the registry
// marks descriptive (prompt-tok, gpu-util-%) are shown but never judged.
// Options.IgnoreUnits leaves units out altogether. Compare refuses runs
// whose identifying config (IdentifyingKeys) differs (ErrConfigMismatch)
// unless Options allow it.
//
// Report.Err says whether to fail, in one line: ErrRegression for a
// significant regression beyond tolerance; ErrInput with ErrMissing when a
// metric of the base is missing from the head (a metric only in the head
// is reported, not judged); ErrTooFewSamples when a judged metric has
// fewer samples per side than the U test needs (4 at alpha 0.05), whose
// verdict is then "too few samples", never "ok". Report.WriteSummary
// prints the failing metrics as a table (benchmark, unit, base and head
// median ± CI scaled by benchunit, or "no CI" with benchmath's reason
// under the table where a side is too small for one, change, p, n) and
// counts the verdicts;
// Report.WriteText prints every metric in benchstat's layout.
//
// cmd/chimeragate is the command (benchstat itself has no exit code); it is
// a tool of the module, so go tool keeps its exit status. In a pull
// request:
//
//	go tool benchstat -ignore harness-commit base.txt head.txt
//	go tool chimeragate base.txt head.txt
//
// (harness-commit differs between base and head by construction, so it is
// not identifying, but benchstat would split the tables on it.) Against
// the study's baseline, whose machine differs by definition and which
// carries decode-ns, which our runs do not report:
//
//	go tool chimeragate -allow-config-mismatch -ignore-name dir,study-agent,gomaxprocs -ignore-unit decode-ns tr111/testdata/baseline.bench new.txt
package golden
