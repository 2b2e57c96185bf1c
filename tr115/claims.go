package tr115

import (
	"fmt"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// runtimes are the runtimes whose run-level legacy efficiency TR115_v2
// published: the PUBLISHED.md rows of its peak, mean, SD (n−1) and
// minimum over its runs, 0 where one was not published.
var runtimes = []struct {
	runtime string
	rows    [4]int
}{
	{"tokio-localset", [4]int{110, 111, 112, 113}},
	{"smol-1kb", [4]int{114, 115, 116, 117}},
	{"tokio-default", [4]int{118, 119, 120, 121}},
	{"smol", [4]int{122, 123, 124, 125}},
	{"async-std", [4]int{126, 127, 0, 128}},
}

// claims are TR115_v2's published rows recomputed from its runs: the
// numbers, and smol's worst run (#129) as a finding.
func claims(in report.Input, s *golden.Set) report.Claims {
	return report.Claims{Numbers: numbers(in.Published, s), Findings: []report.Finding{smolWorst(in.Published, s)}}
}

// numbers are the runtimes' published statistics recomputed.
func numbers(pub studydata.Published, s *golden.Set) []report.Claim {
	var cs []report.Claim
	for _, p := range runtimes {
		rs := report.StudyRuns(s, "runtime="+p.runtime)
		eff := rs.Eff()
		add := func(what string, row int, v float64, unit string, reason func(float64) string) {
			if row != 0 {
				cs = append(cs, report.Claim{What: p.runtime + " " + what, Row: row, Unit: unit, Recomputed: v, N: len(eff), Reason: reason})
			}
		}
		extreme := func(what string, v float64) func(float64) string {
			return func(p float64) string {
				return fmt.Sprintf("the %s of the %d runs is %s %%, which rounds to %s, not %s", what, len(eff), report.F(v, 3), report.F(v, 2), report.F(p, 2))
			}
		}
		add(fmt.Sprintf("peak efficiency, %d runs", len(rs)), p.rows[0], stats.Max(eff), "%", extreme("highest", stats.Max(eff)))
		add("mean efficiency", p.rows[1], stats.Mean(eff), "%", nil)
		add("efficiency SD (n−1)", p.rows[2], stats.SD(eff), "pp", func(float64) string { return report.SDs(eff, 3, "runs") })
		add("min efficiency", p.rows[3], stats.Min(eff), "%", extreme("lowest", stats.Min(eff)))
	}
	return report.Cite(pub, cs)
}

// smolWorst is #129. A run is named as the study's directories name it:
// the config directory and run_k, k its position among the lines of its
// runtime and config (the converter checks that this is the run number).
func smolWorst(pub studydata.Published, s *golden.Set) report.Finding {
	var worst report.Run
	var label string
	k := map[string]int{}
	for _, r := range report.StudyRuns(s, "runtime=smol") {
		dir := r.Keys["scenario"] + "_" + r.Keys["config"]
		k[dir]++
		if label == "" || r.Legacy.EfficiencyPct < worst.Legacy.EfficiencyPct {
			worst, label = r, fmt.Sprintf("%s run_%d", dir, k[dir])
		}
	}
	return report.Finding{What: "smol's worst run (its \"pathological\" run)", Row: 129, Published: pub[129].Published,
		Recomputed: fmt.Sprintf("%s: %s %%", label, report.F(worst.Legacy.EfficiencyPct, 2)), Follows: label == pub[129].Published,
		Note: fmt.Sprintf("agents' times %s s and %s s in a %s s run",
			report.F(worst.Values["a-ns"]/1e9, 1), report.F(worst.Values["b-ns"]/1e9, 1), report.F(worst.Values["wall-ns"]/1e9, 1))}
}
