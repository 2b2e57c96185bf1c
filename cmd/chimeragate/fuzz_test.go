package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzGate drives the whole command on two fuzzed files: whatever they
// hold, it must not panic, must exit 0, 1, 2 or 3, and must finish with
// bounded memory (golden.Read's limits; a NaN that reached benchmath
// would hang the worker), and must never print an interval as "± -n%"
// (benchmath's percentage of a negative centre). The seeds under
// testdata/fuzz/FuzzGate are the inputs that once mattered: NaN and Inf
// values, a line cut short, a huge count, an unregistered unit, a metric
// missing from head, negative durations, a negative value of a declared
// unit, a direction that differs between base and head.
//
//	go test -fuzz FuzzGate -fuzztime 30s ./cmd/chimeragate
func FuzzGate(f *testing.F) {
	f.Add([]byte(runN("aaaa", 4, 2000)), []byte(runN("bbbb", 4, 1800)), false)
	f.Add([]byte(runN("aaaa", 3, 2000)), []byte(runN("bbbb", 5, 2000)), true)
	f.Add([]byte(studyLike), []byte(runN("aaaa", 4, 2000)), true)
	f.Fuzz(func(t *testing.T, base, head []byte, verbose bool) {
		dir := t.TempDir()
		b, h := filepath.Join(dir, "base.txt"), filepath.Join(dir, "head.txt")
		if err := os.WriteFile(b, base, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(h, head, 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-ignore-name", "gomaxprocs", b, h}
		if verbose {
			args = append([]string{"-v"}, args...)
		}
		var stdout bytes.Buffer
		err := run(&stdout, io.Discard, args)
		if code := exitCode(err); code < 0 || code > 3 {
			t.Errorf("exit code %d (err %v), want 0..3", code, err)
		}
		if strings.Contains(stdout.String(), "± -") {
			t.Errorf("an interval printed with a minus sign:\n%s", stdout.String())
		}
	})
}
