package harness

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The default corpus: 101 small benchmark files (28 CSV, 44 JSON,
// 29 Markdown), the same counts as the 101-file reports directory the
// study's agents ingested, made from the study's own TR108 gemma3 runs.
//
//go:embed corpus
var defaultCorpus embed.FS

// CorpusDir returns the directory an agent ingests: CHIMERA_CORPUS if set,
// else the default corpus written to a temporary directory for tb.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("CHIMERA_CORPUS"); dir != "" {
		return dir
	}
	dir := tb.TempDir()
	if err := WriteDefaultCorpus(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// WriteDefaultCorpus writes the default corpus under dir.
func WriteDefaultCorpus(dir string) error {
	sub, err := fs.Sub(defaultCorpus, "corpus")
	if err != nil {
		return err
	}
	return os.CopyFS(filepath.Clean(dir), sub)
}
