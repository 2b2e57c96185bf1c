package harness

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

func TestNewTracePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "traces")
	t.Run("env dir/sub=1", func(t *testing.T) {
		t.Setenv("CHIMERA_TRACE_DIR", dir)
		tr := NewTrace(t)
		want := filepath.Join(dir, "TestNewTracePath__env_dir__sub=1.jsonl")
		if tr.Path() != want {
			t.Errorf("Path = %q, want %q", tr.Path(), want)
		}
		if err := tr.Write(measure.Record{Run: "1", Model: "m", Start: time.Unix(0, 0).UTC()}); err != nil {
			t.Fatal(err)
		}
	})
	if recs, err := measure.ReadTrace(filepath.Join(dir, "TestNewTracePath__env_dir__sub=1.jsonl")); err != nil || len(recs) != 1 {
		t.Errorf("after the subtest's cleanup: %d records, %v; want 1", len(recs), err)
	}
	t.Run("artifact dir", func(t *testing.T) {
		t.Setenv("CHIMERA_TRACE_DIR", "")
		tr := NewTrace(t)
		if filepath.Base(tr.Path()) != "trace.jsonl" || strings.HasPrefix(tr.Path(), dir) {
			t.Errorf("Path = %q, want trace.jsonl in the artifact dir", tr.Path())
		}
	})
}

func TestTraceFileName(t *testing.T) {
	for name, want := range map[string]string{
		"BenchmarkTR114/scenario=chimera_homo/model=tiny:latest": "BenchmarkTR114__scenario=chimera_homo__model=tiny_latest.jsonl",
		"TestX/a b*c": "TestX__a_b_c.jsonl",
		"TestÜnicode": "Test__nicode.jsonl",
	} {
		if got := traceFileName(name); got != want {
			t.Errorf("traceFileName(%q) = %q, want %q", name, got, want)
		}
	}
}
