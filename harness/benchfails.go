package harness

import (
	"flag"
	"testing"
)

// BenchFails drives a benchmark body that must fail (or skip) once, at
// -test.benchtime 1x as [BenchOnce] does, and returns what it logged, its
// error included, for the test to check. A body that runs to the end and
// measures fails t.
func BenchFails(t *testing.T, f func(b *testing.B)) string {
	t.Helper()
	bt := flag.Lookup("test.benchtime")
	if bt == nil {
		t.Fatal("BenchFails: no -test.benchtime flag (not a test binary?)")
	}
	old := bt.Value.String()
	if err := bt.Value.Set("1x"); err != nil {
		t.Fatal(err)
	}
	defer bt.Value.Set(old)
	var body *testing.B
	if res := testing.Benchmark(func(b *testing.B) { body = b; f(b) }); res.N != 0 {
		t.Errorf("the benchmark body ran %d iteration(s) to the end; want it to fail", res.N)
		return ""
	}
	return bodyLog(body)
}
