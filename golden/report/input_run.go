package report

import "github.com/chimeraforge/chimeraforge/golden"

// Run is in.Runs, or nil when it holds no result: Runs nil or empty
// means none, and a Render that shows a run of ours only where there is
// one checks this.
func (in Input) Run() *golden.Set {
	if in.Runs == nil || len(in.Runs.Results) == 0 {
		return nil
	}
	return in.Runs
}
