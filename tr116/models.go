package tr116

import (
	"strings"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// DefaultModels is what BenchmarkTR116 runs when CHIMERA_MODELS is unset:
// the three synthetic families, standing in for the study's llama3.1:8b,
// qwen2.5:7b and gemma3 (4B).
const DefaultModels = "synth:llama3.1-tiny,synth:qwen2.5-tiny,synth:gemma3-tiny"

// SyntheticNumCtx is the num_ctx the chimera agents send on synthetic
// models instead of the study's 512. The analysis prompt is ~471 tokens,
// so prompt and 128 generated tokens overflow 512 and Ollama shifts the KV
// cache, where the synthetic gemma3 crashes its runner (a segfault); every
// synthetic family gets the same num_ctx, so that the three compare.
const SyntheticNumCtx = 1024

// Tests returns the study's two TR116 tests for model m: agent B (both
// agents in chimera_homo) sends num_gpu 80, num_ctx 512 and temperature
// 1.0, as its runs.csv records; on a synthetic model num_ctx is
// SyntheticNumCtx.
func Tests(m harness.ModelInfo) []multiagent.Test {
	c := multiagent.Config{NumGPU: 80, NumCtx: 512, Temperature: 1.0}
	if m.Synthetic {
		c.NumCtx = SyntheticNumCtx
	}
	return []multiagent.Test{
		{Scenario: multiagent.BaselineVsChimera, B: c},
		{Scenario: multiagent.ChimeraHomo, A: c, B: c},
	}
}

// ModelName is m's part of a sub-benchmark name, as CHIMERA_MODELS names
// it: a real model's tag ("gemma3:latest", the baseline's spelling), or
// "synth:<preset>" for a synthetic one. A '/' would split the name
// segment, so a tag's '/' becomes '_'.
func ModelName(m harness.ModelInfo) string {
	if m.Synthetic {
		if rest, ok := strings.CutPrefix(m.Tag, "chimera-synth/"); ok {
			preset, _, _ := strings.Cut(rest, ":")
			return harness.SynthPrefix + preset
		}
	}
	return strings.ReplaceAll(m.Tag, "/", "_")
}

// Name is the sub-benchmark name of test t on model m, the baseline's
// with lang=go: "model=gemma3:latest/scenario=chimera_homo/instances=2/lang=go".
func Name(m harness.ModelInfo, t multiagent.Test) string {
	return "model=" + ModelName(m) + "/scenario=" + t.Scenario + "/instances=2/lang=go"
}
