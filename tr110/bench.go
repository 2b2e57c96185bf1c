package tr110

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// reportedUnits are what BenchmarkTR110 reports: the units of the TR110
// baseline (the Python agents' legacy figures, a-ns and b-ns, and
// study-ttft-ns as that baseline defines it), the corrected figures beside
// them, the roofline share, and the concurrent calls' decode rate, client
// TTFT and load time.
var reportedUnits = harness.MultiAgentUnits("study-ttft-ns")

// body is one sub-benchmark of BenchmarkTR110: test t's two agents on
// two instances, agent A on the first and B on the second as in the study,
// harness.MultiAgentValues. One iteration is one interleaved sample: agent
// A alone, agent B alone, then both together (multiagent.Interleave);
// ns/op is its wall time. The baseline's study-ttft-ns is per run: the
// mean over the samples of slowestStudyTTFT.
func body(b *testing.B, env *harness.Env, t multiagent.Test) map[string]float64 {
	l := env.Live
	var studyTTFT []float64
	return harness.MultiAgentValues(b, l, harness.MultiAgentBench{
		Test: t, Model: l.Model(), Label: Name(t), Units: reportedUnits,
		Sample: func(s multiagent.Sample) {
			if x, ok := slowestStudyTTFT(s.Together); ok {
				studyTTFT = append(studyTTFT, x)
			}
		},
		Values: func(values map[string]float64) {
			// The baseline's study-ttft-ns is per run, not per call.
			delete(values, "study-ttft-ns")
			if len(studyTTFT) > 0 {
				values["study-ttft-ns"] = stats.Mean(studyTTFT)
			}
		},
	})
}

// slowestStudyTTFT is the TR110 baseline's study-ttft-ns of one concurrent
// run: each agent's mean of load_duration + prompt_eval_duration over its
// calls, the higher of the agents', in ns. false when an agent has no
// call that carried both.
func slowestStudyTTFT(c multiagent.Concurrent) (float64, bool) {
	worst := 0.0
	for _, w := range c.Workflows {
		var ts []float64
		for _, r := range w.Calls {
			if t, ok := r.StudyTTFT(); ok && r.Valid() { // an invalid call's numbers enter nothing
				ts = append(ts, float64(t))
			}
		}
		if len(ts) == 0 {
			return 0, false
		}
		worst = max(worst, stats.Mean(ts))
	}
	return worst, len(c.Workflows) > 0
}
