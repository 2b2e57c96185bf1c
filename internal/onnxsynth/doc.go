// Package onnxsynth writes synthetic GPT-2-style decoders as ONNX models,
// so that ONNX Runtime benchmarks (tr118) run real inference work with no
// model downloaded and no Python.
//
// A model is GPT-2's architecture: token and position embeddings, N blocks
// of LayerNorm → causal self-attention → residual, LayerNorm → MLP (4·D,
// tanh GELU) → residual, a final LayerNorm and an LM head tied to the token
// embedding. The graph takes a KV cache in and gives it back out (past_key.l
// / present_key.l, …), so a prefill (past length 0) and a decode step (one
// token, the cache of the steps before) are the same graph with different
// shapes, as in Hugging Face's "decoder with past" exports. An attention
// mask over past+seq lets right-padded batches run as the study ran them.
//
// The weights are uniform random from a seeded PCG stream per tensor
// ([NewWeights]); the same [Spec] always gives the same bytes ([Model]). The
// ONNX protobuf is written by hand with protowire (opset 17, IR 8): no
// generated types, no Python.
//
// [Weights.Forward] is a pure-Go reference of the graph, in float64. Its
// own tests prove that a cached decode equals a full forward and that
// padding leaves the real tokens alone; harness/onnx's tests run every
// small preset through ONNX Runtime and compare the two.
//
// # Presets
//
// [Presets] are the study's TR118 models (tr118/models.csv), their
// parameter counts matched exactly with GPT-2's vocabulary (50257) and
// context (1024):
//
//	name        width  layers  heads  params
//	tiny-gpt2       2       2      2      102,714
//	gpt2-5m        80      12      2    5,036,720
//	gpt2-11m      192       3      3   11,180,928
//	gpt2-25m      384       3      6   25,016,064
//	gpt2-45m      512       6      8   45,171,200
//	gpt2-50m      512       8      8   51,475,968
//	gpt2-75m      768       5     12   74,824,704
//	gpt2-100m     768       8     12   96,088,320
//	gpt2          768      12     12  124,439,808
//
// gpt2-5m sits beside internal/synth's "tiny" GGUF presets (~5M), so the
// two backends can be compared at a matched size.
package onnxsynth
