package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// NewTrace opens the trace of a test or benchmark ([TracePath]), closed in
// tb.Cleanup, and logs its path.
func NewTrace(tb testing.TB) *measure.Trace {
	tb.Helper()
	path, dir := tracePath(tb)
	t, err := measure.OpenTrace(path)
	if err != nil {
		if dir != "" {
			tb.Fatalf("trace: CHIMERA_TRACE_DIR=%q is unusable: %v", dir, err)
		}
		tb.Fatal(err)
	}
	tb.Logf("trace: %s", path)
	tb.Cleanup(func() {
		if err := t.Close(); err != nil {
			tb.Error(err)
		}
	})
	return t
}

// TracePath is where the trace of a test or benchmark goes, for [NewTrace]
// and for a process of the benchmark's own that writes its calls itself
// (cmd/chimera-agent -trace), so that every call of every benchmark lands
// in one place. With CHIMERA_TRACE_DIR set (read now) it is
// $CHIMERA_TRACE_DIR/<tb.Name(), sanitised>.jsonl, its directory created
// (a directory that cannot be is an error naming the variable), appended
// to across runs; otherwise it is trace.jsonl in tb.ArtifactDir() (kept
// with -artifacts, else a temporary directory).
func TracePath(tb testing.TB) string {
	tb.Helper()
	path, _ := tracePath(tb)
	return path
}

// tracePath is [TracePath] and the CHIMERA_TRACE_DIR it came from ("" for
// the artifact dir).
func tracePath(tb testing.TB) (path, dir string) {
	tb.Helper()
	dir = os.Getenv("CHIMERA_TRACE_DIR")
	if dir == "" {
		return filepath.Join(tb.ArtifactDir(), "trace.jsonl"), ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("trace: CHIMERA_TRACE_DIR=%q is unusable: %v", dir, err)
	}
	return filepath.Join(dir, traceFileName(tb.Name())), dir
}

// traceFileName turns a test name into a file name: "/" becomes "__" and
// any byte other than letters, digits and "-_.=" becomes "_".
func traceFileName(name string) string {
	name = strings.ReplaceAll(name, "/", "__")
	b := []byte(name)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '=':
		default:
			b[i] = '_'
		}
	}
	return string(b) + ".jsonl"
}
