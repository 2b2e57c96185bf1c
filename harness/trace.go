package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// NewTrace opens the trace of a test or benchmark, closed in tb.Cleanup,
// and logs its path. With CHIMERA_TRACE_DIR set (read now) the file is
// $CHIMERA_TRACE_DIR/<tb.Name(), sanitised>.jsonl, created with its
// directory and appended to across runs; otherwise it is trace.jsonl in
// tb.ArtifactDir() (kept with -artifacts, else a temporary directory).
func NewTrace(tb testing.TB) *measure.Trace {
	tb.Helper()
	var path string
	if dir := os.Getenv("CHIMERA_TRACE_DIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatalf("trace: %v", err)
		}
		path = filepath.Join(dir, traceFileName(tb.Name()))
	} else {
		path = filepath.Join(tb.ArtifactDir(), "trace.jsonl")
	}
	t, err := measure.OpenTrace(path)
	if err != nil {
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
