package harness

import (
	"flag"
	"reflect"
	"testing"
)

// BenchOnce drives a benchmark body once from a test, so that benchmarks
// cannot rot unseen: it runs f through testing.Benchmark with the test
// binary's -test.benchtime set to 1x (b.Loop runs exactly one iteration),
// then restores it. It changes a process-wide flag: tests that call it must
// not run in parallel.
//
// testing.Benchmark discards what the body logs, its failure included, so
// when the body fails or skips BenchOnce fails t with the body's own log.
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
	var body *testing.B
	res := testing.Benchmark(func(b *testing.B) {
		body = b
		f(b)
	})
	if res.N != 1 {
		t.Fatalf("the benchmark body ran %d iterations, want 1: it failed or skipped. Its log:\n%s", res.N, bodyLog(body))
	}
	return res
}

// bodyLog returns what b logged. testing.Benchmark gives a B whose writer
// discards its output, but the B still buffers it (testing's own tests read
// it the same way, TestBenchmarkBLoopBreak); reflection reads the buffer,
// and says so if a Go release renames it.
func bodyLog(b *testing.B) string {
	if b == nil {
		return "(the body never started)"
	}
	out := reflect.ValueOf(b).Elem().FieldByName("output")
	if !out.IsValid() || out.Kind() != reflect.Slice || out.Type().Elem().Kind() != reflect.Uint8 {
		return "(unreadable: this Go release's testing.B keeps no output buffer; run the benchmark itself with -bench to see it)"
	}
	if out.Len() == 0 {
		return "(the body logged nothing)"
	}
	return string(out.Bytes())
}
