package tr117

import "github.com/chimeraforge/chimeraforge/harness/onnx"

// A Prompt is one of the study's TR117 prompts and the tokens the
// synthetic GGUF models' tokenizer makes of it, BOS included: what Ollama
// evaluates (its prompt_eval_count), and so the length the ONNX side is
// given. Every synth preset tokenizes alike (internal/synth); the Ollama
// side checks each call's count against Tokens.
type Prompt struct {
	Text   string
	Tokens int
}

// A Scenario is one of the study's tier-3 "single" scenarios: its prompt
// set, two prompts, used in turn.
type Scenario struct {
	Name    string // the study's scenario name
	Prompts [2]Prompt
}

// Scenarios are the study's four single-request scenarios
// (configs/matrix_tier3_full.yaml), prompt set micro to long. Its
// stress_single repeated one prompt, which Ollama would serve from its
// prompt cache and ONNX Runtime has none of; it is left out.
func Scenarios() []Scenario {
	return []Scenario{
		{"single_micro", [2]Prompt{{"Hello", 4}, {"Test", 2}}},
		{"single_short", [2]Prompt{
			{"Summarize RLHF in one sentence.", 12},
			{"List two ways to improve throughput on local LLMs.", 14},
		}},
		{"single_medium", [2]Prompt{
			{"Explain how backpressure works in an inference service and when to enable queueing.", 23},
			{"Compare torch.compile vs ONNXRuntime on CPU for small models in two sentences.", 29},
		}},
		{"single_long", [2]Prompt{
			{"Provide a concise overview of the attention mechanism and how KV cache impacts latency in local inference pipelines. Keep it under 120 words.", 39},
			{"Explain how dynamic shapes affect TensorRT engine builds and runtime performance, and when you would choose static vs dynamic profiles.", 52},
		}},
	}
}

// WarmupCall is the call index of a sub-benchmark's untimed warm-up: the
// other prompt than timed call 0's, so that call 0 does not find its
// prompt in Ollama's cache (calls alternate, as the study's did, and the
// two prompts of a set share no prefix beyond BOS).
const WarmupCall = 1

// Prompt is call k's prompt.
func (s Scenario) Prompt(k int) Prompt { return s.Prompts[k%2] }

// Batch is call k on the ONNX side: one row of Prompt(k).Tokens token ids
// (fixed, distinct per prompt, within vocab; the work does not depend on
// which), then steps decode steps.
func (s Scenario) Batch(k, steps, vocab int) onnx.Batch {
	p := k % 2
	ids := make([]int64, s.Prompt(k).Tokens)
	for i := range ids {
		ids[i] = int64((1 + 7919*(i+1) + 104729*p) % vocab)
	}
	return onnx.Batch{Prompts: [][]int64{ids}, Steps: steps}
}
