package tr118

import (
	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

// The scenarios' rows come from the study's prompt sets in GPT-2 tokens
// (onnx.StudyPrompts), two prompts a set. The longest of a set is the
// padded length of its records (records.csv seq_len 11, 19, 27), and
// micro's one-token prompts were padded to 8.

// minLen is the shortest padded length the study used (micro: 1 → 8).
const minLen = 8

// A Scenario is one of the study's TR118 workloads: rows of one prompt set,
// right-padded to the set's length.
type Scenario struct {
	Name  string // the study's scenario name
	Set   string // its prompt set
	Batch int    // rows per call
}

// Scenarios are the study's six, in its order.
func Scenarios() []Scenario {
	return []Scenario{
		{"single_micro", "micro", 1},
		{"single_short", "short", 1},
		{"single_medium", "medium", 1},
		{"single_long", "long", 1},
		{"batch_short", "short", 4},
		{"batch_medium", "medium", 4},
	}
}

// Len is the scenario's padded length: its set's longest prompt, at least
// minLen.
func (s Scenario) Len() int {
	n := minLen
	for _, p := range onnx.StudyPrompts(s.Set) {
		n = max(n, len(p.Tokens))
	}
	return n
}

// Prompts are call k's rows: the set's prompts in turn, so that single
// scenarios alternate between the two and a batch of four holds each
// twice. (The study's records keep seq_len and batch, not which prompt
// filled which row.)
func (s Scenario) Prompts(k int) [][]int64 {
	set := onnx.StudyPrompts(s.Set)
	rows := make([][]int64, s.Batch)
	for i := range rows {
		rows[i] = set[(k*s.Batch+i)%len(set)].Tokens
	}
	return rows
}

// A Mode is what a call measures.
type Mode string

const (
	// Prefill is one forward pass over batch × padded length.
	Prefill Mode = "prefill"
	// Decode is a prefill, then DecodeSteps greedy steps with the KV cache.
	Decode Mode = "decode"
)

// Modes are both, prefill first.
func Modes() []Mode { return []Mode{Prefill, Decode} }

// DecodeSteps is the steps a decode call runs after its prefill: the
// study's generate loop ran up to 8 (uncached, re-running the padded
// forward each time).
const DecodeSteps = 8

// Call is call k of scenario s in mode m.
func (s Scenario) Call(k int, m Mode) onnx.Batch {
	b := onnx.Batch{Prompts: s.Prompts(k), Len: s.Len()}
	if m == Decode {
		b.Steps = DecodeSteps
	}
	return b
}

// DefaultModels span the study's range: tiny-gpt2 (0.1M), gpt2-5m (beside
// the synthetic GGUF "tiny" presets), gpt2-25m and gpt2-100m; set
// CHIMERA_ONNX_MODELS (onnx.EnvModels) for others.
var DefaultModels = []string{"tiny-gpt2", "gpt2-5m", "gpt2-25m", "gpt2-100m"}
