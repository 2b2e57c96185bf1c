package harness

import (
	"os"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// tempDirPrefix starts the name of a [TempDir]; the owner's pid follows
// it: chimera-tmp-<pid>-<random>.
const tempDirPrefix = "chimera-tmp-"

// TempDir is tb.TempDir for what the harness and the benchmarks write for
// a run (the default corpus, a built agent binary), removed in tb.Cleanup.
// Unlike tb.TempDir's, whose name (the test's, and a random number) says
// nothing of its owner, its name carries this process's pid, so that when
// a killed test binary runs no cleanup, the next TempDir or server start
// frees it, as it frees the server dirs, saying so on the progress output.
func TempDir(tb testing.TB) string {
	tb.Helper()
	reapServerDirs(os.TempDir(), progress.Default())
	dir, err := os.MkdirTemp("", tempDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		tb.Fatalf("harness: temp dir: %v", err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("harness: remove temp dir: %v", err)
		}
	})
	return dir
}
