package report

import (
	"path/filepath"

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
