package harness

import (
	"flag"
	"testing"
)

// BenchOnce drives a benchmark body once from a test, so that benchmarks
// cannot rot unseen: it runs f through testing.Benchmark with the test
// binary's -test.benchtime set to 1x (b.Loop runs exactly one iteration),
// then restores it. It changes a process-wide flag: tests that call it must
// not run in parallel.
func BenchOnce(t *testing.T, f func(b *testing.B)) testing.BenchmarkResult {
	t.Helper()
	bt := flag.Lookup("test.benchtime")
	if bt == nil {
		t.Fatal("BenchOnce: no -test.benchtime flag (not a test binary?)")
	}
	old := bt.Value.String()
	if err := bt.Value.Set("1x"); err != nil {
		t.Fatal(err)
	}
	defer bt.Value.Set(old)
	res := testing.Benchmark(f)
	if res.N != 1 {
		t.Fatalf("the benchmark body ran %d iterations, want 1: it failed or skipped (see the log above)", res.N)
	}
	return res
}
