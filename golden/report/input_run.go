package report

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
)

// Run is in.Runs, or nil when it holds no result: Runs nil or empty
// means none, and a Render that shows a run of ours only where there is
// one checks this.
func (in Input) Run() *golden.Set {
	if in.Runs == nil || len(in.Runs.Results) == 0 {
		return nil
	}
	return in.Runs
}

// RunName is how a fragment names the run s: its file's base name
// ("cpu.bench", a user's "new.txt"), or "the run" where s has none. A
// fragment that renders whatever run it is given names it so, never as
// the committed file its golden renders.
func RunName(s *golden.Set) string {
	if s == nil || s.File == "" {
		return "the run"
	}
	return filepath.Base(s.File)
}

// From is what a fragment's heading says it is from: the study's files, in
// order, then the run's name (RunName) where there is a run, joined as a
// list ("a", "a and b", "a, b and c").
func From(run *golden.Set, study ...string) string {
	names := slices.Clone(study)
	if run != nil {
		names = append(names, RunName(run))
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
