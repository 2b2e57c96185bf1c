package tr111

import (
	"context"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// reportedUnits are what TR111's benchmarks report: the per-call units
// plus the agent process's.
var reportedUnits = append([]string{"ns/op", "startup-ns", "peak-rss-B"}, harness.CallUnits...)

// A leaf is one sub-benchmark of BenchmarkTR111: an agent config and how
// each run starts ("warm", "cold" or "fresh").
type leaf struct {
	c     harness.AgentConfig
	start string
}

// leafName is <config>/start=<start>.
func leafName(l leaf) string { return l.c.Name() + "/start=" + l.start }

// leaves are the baseline agent and the 18-config sweep, each warm and
// cold; the baseline also fresh where the harness started the server.
func leaves(_ context.Context, env *harness.Env) ([]leaf, error) {
	var ls []leaf
	for _, c := range harness.AgentConfigs() {
		starts := []string{"warm", "cold"}
		if src := env.Live.Instances[0].Source; c.Agent == "baseline" && src != harness.SourceURLs && src != harness.SourceOpenAI {
			starts = append(starts, "fresh")
		}
		for _, start := range starts {
			ls = append(ls, leaf{c, start})
		}
	}
	return ls, nil
}

// body is one sub-benchmark, harness.AgentValues: one iteration is one
// workflow run. With start "cold" the model is unloaded before every run,
// with "fresh" the server is restarted; both outside the timer.
func body(b *testing.B, env *harness.Env, lf leaf) map[string]float64 {
	l := env.Live
	var before func(*harness.Instance, *agent.Agent)
	switch lf.start {
	case "cold":
		if why := l.Instances[0].CannotUnload(); why != "" {
			b.Skip(why)
		}
		before = func(in *harness.Instance, a *agent.Agent) {
			if err := in.Unload(b.Context(), a.Model); err != nil {
				b.Fatal(err)
			}
		}
	case "fresh":
		before = func(in *harness.Instance, a *agent.Agent) {
			in.Restart(b)
			a.Client, a.URL = in.Client, in.URL
		}
	}
	return harness.AgentValues(b, l, lf.c, leafName(lf), before)
}
