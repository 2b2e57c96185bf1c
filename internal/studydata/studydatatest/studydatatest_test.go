package studydatatest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
	_ "gotest.tools/v3/golden" // links -update, which the child is run with
)

// TestDirFromTheVariableOrTheRepository checks that an unset
// CHIMERA_STUDY_DIR reads the repository's study/, and that one that is
// not a usable directory is an error naming the variable, not a fallback.
func TestDirFromTheVariableOrTheRepository(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, env string
		wantErr   bool
	}{
		{"unset reads study/", "", false},
		{"a directory is read", t.TempDir(), false},
		{"a path to nothing is an error", filepath.Join(t.TempDir(), "absent"), true},
		{"a file is an error", file, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(studydata.DirEnv, tc.env)
			d, err := studydata.Dir()
			switch {
			case tc.wantErr && (err == nil || !strings.Contains(err.Error(), studydata.DirEnv)):
				t.Errorf("Dir() = %q, %v; want an error naming %s", d, err, studydata.DirEnv)
			case !tc.wantErr && err != nil:
				t.Errorf("Dir(): %v", err)
			case tc.env == "" && err == nil:
				if _, err := os.Stat(filepath.Join(d, "PUBLISHED.md")); err != nil {
					t.Errorf("Dir() = %s, which holds no PUBLISHED.md: %v", d, err)
				}
			}
		})
	}
}

const childEnv = "CHIMERA_STUDYDATATEST_CHILD"

// TestUpdateWithoutTheDataFails runs go test -update in a child whose
// CHIMERA_STUDY_DIR points at nothing: the baseline assertion must fail and
// say why, where it once printed ok and changed nothing.
func TestUpdateWithoutTheDataFails(t *testing.T) {
	if os.Getenv(childEnv) == t.Name() {
		studydatatest.AssertBaseline(t, "never-written.bench", studydata.TR111File)
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$", "-update")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name(), studydata.DirEnv+"="+filepath.Join(t.TempDir(), "absent"))
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if _, statErr := os.Stat(filepath.Join("testdata", "never-written.bench")); statErr == nil {
		os.Remove(filepath.Join("testdata", "never-written.bench"))
		t.Error("the child wrote a baseline from no data")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("go test -update with %s pointing at nothing: err = %v, want a failing exit\n%s", studydata.DirEnv, err, out)
	}
	if !strings.Contains(string(out), studydata.DirEnv) {
		t.Errorf("the failure does not name %s:\n%s", studydata.DirEnv, out)
	}
}

// TestReadBaselineReadsTheOwnersFile checks that a report reads another's
// baseline from the package that owns it.
func TestReadBaselineReadsTheOwnersFile(t *testing.T) {
	if len(studydatatest.ReadBaseline(t, "tr111").Results) == 0 {
		t.Error("tr111's baseline has no results")
	}
}
