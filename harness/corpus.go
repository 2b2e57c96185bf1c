package harness

import (
	"errors"
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// CorpusDir returns the directory an agent ingests: CHIMERA_CORPUS if set
// (a directory that is not there fails tb, naming the variable), else the
// default corpus written to a [TempDir] for tb.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("CHIMERA_CORPUS"); dir != "" {
		fi, err := os.Stat(dir)
		if err == nil && !fi.IsDir() {
			err = errors.New("not a directory")
		}
		if err != nil {
			tb.Fatalf("harness: CHIMERA_CORPUS=%q is unusable: %v", dir, err)
		}
		return dir
	}
	dir := TempDir(tb) // reaped after a killed run, unlike tb.TempDir
	if err := agent.WriteDefaultCorpus(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}
