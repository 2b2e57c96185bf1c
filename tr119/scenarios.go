package tr119

// A Scenario is one of the study's single-request TR119 scenarios: its
// name and the prompt set it sent (experiments/research/tr117/configs/
// matrix_tier3_full.yaml prompt_sets, kept in the data pack as
// prompts/tr117_tier3_prompt_sets.txt). The batch scenarios (batch_short,
// batch_medium: four prompts in one padded forward) have no counterpart in
// Ollama's one-prompt requests and are left out.
type Scenario struct {
	Name    string // "single_short"
	Prompts []string
}

// Scenarios are the study's single-request scenarios, in its order.
func Scenarios() []Scenario {
	return []Scenario{
		{"single_short", []string{
			"Summarize RLHF in one sentence.",
			"List two ways to improve throughput on local LLMs.",
		}},
		{"single_medium", []string{
			"Explain how backpressure works in an inference service and when to enable queueing.",
			"Compare torch.compile vs ONNXRuntime on CPU for small models in two sentences.",
		}},
		{"single_long", []string{
			"Provide a concise overview of the attention mechanism and how KV cache impacts latency in local inference pipelines. Keep it under 120 words.",
			"Explain how dynamic shapes affect TensorRT engine builds and runtime performance, and when you would choose static vs dynamic profiles.",
		}},
	}
}
