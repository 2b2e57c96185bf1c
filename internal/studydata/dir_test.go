package studydata

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 17: a CHIMERA_STUDY_DIR that is absent or not a directory was
// reported as "study data <path>: …", not by the variable that named it.
// It still wraps fs.ErrNotExist, so Require skips as before.
func TestUnusableStudyDirNamesTheVariable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(t.TempDir(), "absent"), file} {
		t.Setenv("CHIMERA_STUDY_DIR", d)
		_, err := Dir()
		if err == nil || !strings.HasPrefix(err.Error(), "CHIMERA_STUDY_DIR: ") || !strings.Contains(err.Error(), d) {
			t.Errorf("CHIMERA_STUDY_DIR=%s: Dir() error %v, want one naming the variable and the path", d, err)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("CHIMERA_STUDY_DIR=%s: error %v does not wrap fs.ErrNotExist (Require would fail, not skip)", d, err)
		}
	}
}
