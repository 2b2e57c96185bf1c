package harness

import (
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// CorpusDir returns the directory an agent ingests: CHIMERA_CORPUS if set,
// else the default corpus written to a temporary directory for tb.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("CHIMERA_CORPUS"); dir != "" {
		return dir
	}
	dir := tb.TempDir()
	if err := agent.WriteDefaultCorpus(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}
