// Package doccheck holds no code, only tests over the repository's prose:
// every go test and go tool benchstat/chimeragate command written in a
// doc.go, the README or a committed report fragment is parsed and checked
// (flags go test or the tool accepts, packages that exist, -run and -bench
// patterns that select a test or benchmark that exists, .bench files that
// are committed), as x/perf's cmd/benchstat/doc_test.go checks benchstat's
// examples; and every test package links gotest.tools' -update flag, so
// that go test ./... -update runs everywhere.
//
//	go test ./internal/doccheck
package doccheck
