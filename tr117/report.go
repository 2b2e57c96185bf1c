package tr117

import (
	"context"
	_ "embed"
	"slices"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// The study's TR117 and TR117_multi_agent runs as studydata.TR117Files
// converts them, and the multi-agent chunks as studydata.TR117ChunkFile
// does.
var (
	//go:embed testdata/baseline.bench
	baseline []byte
	//go:embed testdata/chunks.bench
	chunks []byte
)

// backendUnits are what BenchmarkTR117 reports on either backend.
var backendUnits = append([]string{"ns/op"}, callUnits...)

// spec is TR117 and TR117_multi_agent: the study's baseline and chunks,
// the fragment of them and of a run of ours (testdata/ours.bench in the
// golden), and the claims of the study's. Its two benchmarks, Report and
// Agents, set up differently.
var spec = report.Spec{
	Name:       "tr117",
	Benchmarks: []string{"TR117", "TR117Agents"},
	Published:  []string{"TR117", "TR117_multi_agent"},
	Baselines: []report.Baseline{
		report.StudyBaseline("tr117", baseline, studydata.TR117Files),
		{Name: "tr117-chunks", Report: "tr117", File: "chunks.bench", Data: chunks, Convert: studydata.TR117ChunkFile},
	},
	Ours:   "ours.bench",
	Units:  slices.Compact(slices.Sorted(slices.Values(slices.Concat(backendUnits, agentUnits)))),
	Render: render,
	Claims: claims,
}

// Report is BenchmarkTR117, the study's cross-backend matrix on what Go
// can run: Ollama serving a synthetic GGUF model against ONNX Runtime on
// the CPU running the synthetic ONNX model nearest to it in parameters,
// on the same prompt lengths and generated tokens, as
// backend=…/size=…/scenario=…. Each backend is a sub-benchmark of its own,
// started only when selected (no Ollama for backend=onnxruntime alone).
var Report = harness.Report[leaf]{
	Spec:  spec,
	Live:  harness.LiveConfig{Units: backendUnits},
	Lines: sizeLines,
	Backends: []harness.Backend{
		{Name: "ollama"},
		{Name: "onnxruntime", ONNX: &harness.ONNXConfig{Threads: onnxThreads, Lines: numPredictLine, Units: backendUnits}},
	},
	Leaves:   leaves,
	LeafName: leafName,
	Body:     body,
}

// Agents is BenchmarkTR117Agents, the Go analogue of TR117_multi_agent's
// event-loop study: N agents (AgentCounts) streaming at once from one
// Ollama instance with N slots, as agents=N/op=run (one iteration: each
// agent's workflow alone, then all together), while a goroutine of the
// benchmark sleeps OversleepPeriod after OversleepPeriod.
var Agents = harness.Report[int]{
	Spec:     spec,
	Live:     harness.LiveConfig{NumParallel: slices.Max(AgentCounts), Units: agentUnits},
	Leaves:   func(context.Context, *harness.Env) ([]int, error) { return AgentCounts, nil },
	LeafName: agentsName,
	Body: func(b *testing.B, env *harness.Env, n int) map[string]float64 {
		return benchAgentsRun(b, env.Live, newAgents(env.Live, n))
	},
}
