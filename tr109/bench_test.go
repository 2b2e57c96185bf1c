package tr109

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
)

// liveConfig is what TR109 needs: one server, the first model, the
// per-call units and ns/op (one workflow run).
var liveConfig = harness.LiveConfig{
	Units:  append([]string{"ns/op"}, harness.CallUnits...),
	OpenAI: true,
}

// BenchmarkTR109 reproduces TR109, the agent-workflow sweep: the study's
// agent (the Go port, as TR111 runs it) with the baseline config (no
// options) and the 18 chimera configs of harness.AgentConfigs, warm. One
// iteration is one workflow run (ingest, analysis call, report call);
// ns/op is its wall time. SuccessRate reads a -count 10 run of it.
func BenchmarkTR109(b *testing.B) {
	l := harness.NewLive(b, liveConfig)
	cs := harness.AgentConfigs()
	var names []string
	for _, c := range cs {
		names = append(names, c.Name())
	}
	sw := harness.NewSweep(b, names)
	for _, c := range cs {
		sw.Run(b, c.Name(), func(b *testing.B) { benchConfig(b, l, c) })
	}
}

// benchConfig is one sub-benchmark, warm: harness.BenchAgent's excluded
// warm-up run loads the model with the config's options, so that the
// reload an option change causes is never counted (the study counted it,
// and ran the chimera agent before the baseline in every directory).
func benchConfig(b *testing.B, l *harness.Live, c harness.AgentConfig) {
	harness.BenchAgent(b, l, c, c.Name(), nil)
}
