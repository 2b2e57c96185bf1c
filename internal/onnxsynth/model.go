package onnxsynth

import (
	"fmt"
	"math"
	"strconv"
)

// The graph's inputs and outputs. Layer l's cache is PastKey(l) and
// PastValue(l) in, PresentKey(l) and PresentValue(l) out.
const (
	// InputIDs is int64 [batch, seq]: the tokens of this step.
	InputIDs = "input_ids"
	// AttentionMask is int64 [batch, past+seq]: 1 for a token to attend
	// to, 0 for padding; it covers the cached tokens too.
	AttentionMask = "attention_mask"
	// Logits is float32 [batch, seq, vocab]: every position's, as a
	// GPT-2 forward returns them.
	Logits = "logits"
)

// PastKey names layer l's cached keys, float32 [batch, heads, past, head
// size]; a prefill passes past = 0.
func PastKey(l int) string { return "past_key." + strconv.Itoa(l) }

// PastValue names layer l's cached values, shaped as [PastKey].
func PastValue(l int) string { return "past_value." + strconv.Itoa(l) }

// PresentKey names layer l's keys after this step, [batch, heads,
// past+seq, head size]: the next step's [PastKey].
func PresentKey(l int) string { return "present_key." + strconv.Itoa(l) }

// PresentValue names layer l's values after this step.
func PresentValue(l int) string { return "present_value." + strconv.Itoa(l) }

// InputNames are the graph's inputs in order: ids, mask, then each layer's
// past key and value.
func InputNames(s Spec) []string {
	names := []string{InputIDs, AttentionMask}
	for l := range s.Layers {
		names = append(names, PastKey(l), PastValue(l))
	}
	return names
}

// OutputNames are the graph's outputs in order: logits, then each layer's
// present key and value.
func OutputNames(s Spec) []string {
	names := []string{Logits}
	for l := range s.Layers {
		names = append(names, PresentKey(l), PresentValue(l))
	}
	return names
}

const (
	irVersion = 8  // ONNX 1.10+; what opset 17 requires
	opset     = 17 // LayerNormalization is opset 17
	lnEps     = 1e-5
	// maskBias is added to the scores of keys a query may not see. It is
	// finite so that a query that may see nothing (all padding) still
	// gets a softmax, not NaN; in float32 it absorbs any score.
	maskBias = -1e9
)

// Model builds the ONNX model of s (weights from [NewWeights]): a GPT-2
// decoder with a KV cache, as the ModelProto's bytes. The same Spec always
// gives the same bytes.
func Model(w *Weights) []byte {
	s := w.Spec
	g := &graph{}
	for _, t := range tensors(s) {
		g.initializer(t.name, typeFloat, t.shape, rawFloat32(w.Tensor(t.name)))
	}
	g.build(s)

	batch, seq, past, total := dim{param: "batch"}, dim{param: "seq"}, dim{param: "past"}, dim{param: "past+seq"}
	heads, hd := dim{size: int64(s.Heads)}, dim{size: int64(s.HeadDim())}
	g.inputs = append(g.inputs,
		valueInfo(InputIDs, typeInt64, []dim{batch, seq}),
		valueInfo(AttentionMask, typeInt64, []dim{batch, total}))
	g.outputs = append(g.outputs, valueInfo(Logits, typeFloat, []dim{batch, seq, {size: int64(s.Vocab)}}))
	for l := range s.Layers {
		g.inputs = append(g.inputs,
			valueInfo(PastKey(l), typeFloat, []dim{batch, heads, past, hd}),
			valueInfo(PastValue(l), typeFloat, []dim{batch, heads, past, hd}))
		g.outputs = append(g.outputs,
			valueInfo(PresentKey(l), typeFloat, []dim{batch, heads, total, hd}),
			valueInfo(PresentValue(l), typeFloat, []dim{batch, heads, total, hd}))
	}

	var gb []byte
	for _, n := range g.nodes {
		gb = appendBytes(gb, 1, n)
	}
	gb = appendString(gb, 2, s.Name)
	for _, t := range g.inits {
		gb = appendBytes(gb, 5, t)
	}
	for _, v := range g.inputs {
		gb = appendBytes(gb, 11, v)
	}
	for _, v := range g.outputs {
		gb = appendBytes(gb, 12, v)
	}

	var m []byte
	m = appendVarint(m, 1, irVersion)
	m = appendString(m, 2, "chimeraforge/internal/onnxsynth")
	m = appendString(m, 3, strconv.Itoa(Version))
	m = appendBytes(m, 7, gb)
	m = appendBytes(m, 8, appendVarint(appendString(nil, 1, ""), 2, opset))
	for _, kv := range [][2]string{
		{"spec", fmt.Sprintf("%+v", s)},
		{"params", strconv.FormatInt(Params(s), 10)},
		{"fingerprint", Fingerprint(s)},
	} {
		m = appendBytes(m, 14, appendString(appendString(nil, 1, kv[0]), 2, kv[1]))
	}
	return m
}

// A graph collects encoded nodes, initializers, inputs and outputs.
type graph struct {
	nodes, inits, inputs, outputs [][]byte
	n                             int // for unique value names
}

func (g *graph) initializer(name string, elemType int, dims []int64, raw []byte) string {
	g.inits = append(g.inits, tensorProto(name, elemType, dims, raw))
	return name
}

// ints is a constant int64 tensor: a 0-d scalar when dims is nil.
func (g *graph) ints(name string, dims []int64, vs ...int64) string {
	return g.initializer(name, typeInt64, dims, rawInt64(vs))
}

func (g *graph) scalar(name string, v float32) string {
	return g.initializer(name, typeFloat, nil, rawFloat32([]float32{v}))
}

// op adds a node with one output and returns the output's name.
func (g *graph) op(op string, inputs []string, attrs ...attribute) string {
	return g.opN(op, inputs, 1, attrs...)[0]
}

func (g *graph) opN(op string, inputs []string, n int, attrs ...attribute) []string {
	g.n++
	name := op + "_" + strconv.Itoa(g.n)
	outs := make([]string, n)
	for i := range outs {
		outs[i] = name + ":" + strconv.Itoa(i)
	}
	g.nodes = append(g.nodes, nodeProto(name, op, inputs, outs, attrs))
	return outs
}

// named adds a node whose single output is a graph output.
func (g *graph) named(out, op string, inputs []string, attrs ...attribute) string {
	g.n++
	g.nodes = append(g.nodes, nodeProto(op+"_"+strconv.Itoa(g.n), op, inputs, []string{out}, attrs))
	return out
}

// build adds the decoder's nodes: the embeddings and the attention bias,
// the blocks, the final norm and the tied LM head.
func (g *graph) build(s Spec) {
	d, h, hd := int64(s.Width), int64(s.Heads), int64(s.HeadDim())
	zero, one, two := g.ints("c.zero", nil, 0), g.ints("c.one", nil, 1), g.ints("c.two", nil, 2)
	axis0, axis1, axes12 := g.ints("c.axis0", []int64{1}, 0), g.ints("c.axis1", []int64{1}, 1), g.ints("c.axes12", []int64{2}, 1, 2)

	// Positions continue after the cache: past … past+seq-1.
	seq := g.op("Gather", []string{g.op("Shape", []string{InputIDs}), one})
	past := g.op("Gather", []string{g.op("Shape", []string{PastKey(0)}), two})
	total := g.op("Add", []string{past, seq})
	pos := g.op("Range", []string{past, total, one})
	x := g.op("Add", []string{
		g.op("Gather", []string{"wte", InputIDs}),
		g.op("Gather", []string{"wpe", pos}),
	})

	// One additive bias for every layer: 0 where query i (at past+i) may
	// see key j — j ≤ past+i and the mask is 1 there — else maskBias.
	// [batch, 1, seq, past+seq].
	causal := g.op("LessOrEqual", []string{
		g.op("Unsqueeze", []string{g.op("Range", []string{zero, total, one}), axis0}), // [1, total]
		g.op("Unsqueeze", []string{pos, axis1}),                                       // [seq, 1]
	})
	padding := g.op("Unsqueeze", []string{g.op("Cast", []string{AttentionMask}, intAttr("to", typeBool)), axes12}) // [batch, 1, 1, total]
	bias := g.op("Where", []string{
		g.op("And", []string{causal, padding}),
		g.scalar("c.0f", 0), g.scalar("c.maskBias", maskBias),
	})

	heads := g.ints("c.heads", []int64{4}, 0, 0, h, hd)
	merged := g.ints("c.merged", []int64{3}, 0, 0, d)
	split := g.ints("c.split", []int64{3}, d, d, d)
	scale := g.scalar("c.scale", float32(1/math.Sqrt(float64(hd))))
	// GELU, tanh form (GPT-2's gelu_new): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
	half, cubic, sqrt2pi, onef := g.scalar("c.half", 0.5), g.scalar("c.gelu_cubic", 0.044715), g.scalar("c.sqrt_2_pi", float32(math.Sqrt(2/math.Pi))), g.scalar("c.1f", 1)

	linear := func(x, prefix string) string {
		return g.op("Add", []string{g.op("MatMul", []string{x, prefix + ".weight"}), prefix + ".bias"})
	}
	norm := func(x, prefix string) string {
		return g.op("LayerNormalization", []string{x, prefix + ".weight", prefix + ".bias"}, intAttr("axis", -1), floatAttr("epsilon", lnEps))
	}
	toHeads := func(x string) string { // [batch, seq, D] -> [batch, H, seq, hd]
		return g.op("Transpose", []string{g.op("Reshape", []string{x, heads})}, intsAttr("perm", 0, 2, 1, 3))
	}

	for l := range s.Layers {
		p := fmt.Sprintf("h.%d.", l)
		qkv := g.opN("Split", []string{linear(norm(x, p+"ln_1"), p+"attn.c_attn"), split}, 3, intAttr("axis", 2))
		k := g.named(PresentKey(l), "Concat", []string{PastKey(l), toHeads(qkv[1])}, intAttr("axis", 2))
		v := g.named(PresentValue(l), "Concat", []string{PastValue(l), toHeads(qkv[2])}, intAttr("axis", 2))
		scores := g.op("Add", []string{
			g.op("Mul", []string{g.op("MatMul", []string{toHeads(qkv[0]), g.op("Transpose", []string{k}, intsAttr("perm", 0, 1, 3, 2))}), scale}),
			bias,
		})
		attn := g.op("MatMul", []string{g.op("Softmax", []string{scores}, intAttr("axis", -1)), v})
		attn = g.op("Reshape", []string{g.op("Transpose", []string{attn}, intsAttr("perm", 0, 2, 1, 3)), merged})
		x = g.op("Add", []string{x, linear(attn, p+"attn.c_proj")})

		f := linear(norm(x, p+"ln_2"), p+"mlp.c_fc")
		inner := g.op("Mul", []string{g.op("Add", []string{f, g.op("Mul", []string{g.op("Mul", []string{g.op("Mul", []string{f, f}), f}), cubic})}), sqrt2pi})
		gelu := g.op("Mul", []string{g.op("Mul", []string{f, half}), g.op("Add", []string{g.op("Tanh", []string{inner}), onef})})
		x = g.op("Add", []string{x, linear(gelu, p+"mlp.c_proj")})
	}

	// The LM head is the token embedding, transposed (GPT-2 ties them):
	// Gemm on [batch·seq, D] × wteᵀ, then back to [batch, seq, vocab].
	flat := g.op("Reshape", []string{norm(x, "ln_f"), g.ints("c.flat", []int64{2}, -1, d)})
	logits := g.op("Gemm", []string{flat, "wte"}, intAttr("transB", 1))
	outShape := g.op("Concat", []string{g.op("Shape", []string{InputIDs}), g.ints("c.vocab", []int64{1}, int64(s.Vocab))}, intAttr("axis", 0))
	g.named(Logits, "Reshape", []string{logits, outShape})
}
