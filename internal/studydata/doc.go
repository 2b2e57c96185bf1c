// Package studydata converts the original study's raw CSVs (the data pack in
// study/ at the module root, see its README.md for the source and licence) into benchfmt records: the
// golden baselines trNNN/testdata/baseline.bench.
//
// Conversion is deterministic and lossless where the study measured
// something: one benchmark line per LLM call (TR111) or per concurrent run
// (TR114), Iters 1, the study's configuration as key=value name segments
// that match Chimeraforge's own sub-benchmark names, the study's machine and
// software as file config lines, and a Unit line (better=, assume=nothing)
// for every unit. Durations are integer nanoseconds (the CSVs hold
// milliseconds or seconds at 100 ns resolution, so rounding loses nothing).
// A metric the study did not measure is omitted, never written as 0.
//
// A converter refuses, naming the file, line and column, what benchfmt
// would not read back as written: a cell of a name segment or config line
// with white space, '/' or '=' (it would break the line or add name keys),
// a name ending in '-' and digits (read as GOMAXPROCS), and a NaN or
// infinite cell or value (read back as a measurement). The study's data
// have none of these.
//
// The records are written and read with golang.org/x/perf/benchfmt, so a
// baseline is valid benchfmt by construction. Regenerating a baseline is a
// golden update in the tr package that owns it:
//
//	go test ./tr108 ./tr109 ./tr110 ./tr111 ./tr113 ./tr114 ./tr115 ./tr116 -run 'Baseline|Report' -update
//
// Set CHIMERA_STUDY_DIR to use a copy elsewhere; one that is not a
// directory fails the tests (it never falls back to study/).
//
// The baselines are committed once, in the package of the report that owns
// them; a report that compares with another's baseline reads it there
// (BaselineFile, studydatatest.ReadBaseline).
//
// ParsePublished and ReadPublished read the pack's PUBLISHED.md, the
// published numbers and the pack's own recomputation of each, so that no
// report types a published number in; Numbers splits a cell such as
// "1.598x / 79.9% / 3/5" into its numbers and their printed decimals.
package studydata
