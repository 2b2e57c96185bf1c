package tr109

import (
	"context"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
)

// reportedUnits are what BenchmarkTR109 reports: the per-call units and
// ns/op (one workflow run).
var reportedUnits = append([]string{"ns/op"}, harness.CallUnits...)

// leaves are the baseline config (no options) and the 18 chimera configs
// of harness.AgentConfigs.
func leaves(context.Context, *harness.Env) ([]harness.AgentConfig, error) {
	return harness.AgentConfigs(), nil
}

// body is one sub-benchmark, warm: harness.AgentValues' excluded warm-up
// run loads the model with the config's options, so that the reload an
// option change causes is never counted (the study counted it, and ran
// the chimera agent before the baseline in every directory).
func body(b *testing.B, env *harness.Env, c harness.AgentConfig) map[string]float64 {
	return harness.AgentValues(b, env.Live, c, c.Name(), nil)
}
