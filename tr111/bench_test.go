package tr111

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
)

// liveConfig is what TR111's benchmarks need: one server, the first model,
// and the per-call units plus the agent process's.
var liveConfig = harness.LiveConfig{
	Units:  append([]string{"ns/op", "startup-ns", "peak-rss-B"}, harness.CallUnits...),
	OpenAI: true,
}

// BenchmarkTR111 reproduces TR111_v2: one Go agent, the 2-call workflow,
// the baseline agent and the 18-config sweep, each warm (model loaded with
// the config's options by an excluded warm-up run) and cold (the model is
// unloaded, and /api/ps confirms it, before every run). The baseline also
// runs fresh: a new server process before every run (the study's
// "process isolation"; needs a server the harness started).
func BenchmarkTR111(b *testing.B) {
	l := harness.NewLive(b, liveConfig)
	type sub struct {
		c     harness.AgentConfig
		start string
	}
	var subs []sub
	for _, c := range harness.AgentConfigs() {
		starts := []string{"warm", "cold"}
		if src := l.Instances[0].Source; c.Agent == "baseline" && src != harness.SourceURLs && src != harness.SourceOpenAI {
			starts = append(starts, "fresh")
		}
		for _, start := range starts {
			subs = append(subs, sub{c, start})
		}
	}
	var names []string
	for _, s := range subs {
		names = append(names, s.c.Name()+"/start="+s.start)
	}
	sw := harness.NewSweep(b, names)
	for _, s := range subs {
		sw.Run(b, s.c.Name()+"/start="+s.start, func(b *testing.B) { benchConfig(b, l, s.c, s.start) })
	}
}

// benchConfig is one sub-benchmark, harness.BenchAgent: one iteration is
// one workflow run. With start "cold" the model is unloaded before every
// run, with "fresh" the server is restarted; both outside the timer.
func benchConfig(b *testing.B, l *harness.Live, c harness.AgentConfig, start string) {
	var before func(*harness.Instance, *agent.Agent)
	switch start {
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
	harness.BenchAgent(b, l, c, c.Name()+"/start="+start, before)
}
