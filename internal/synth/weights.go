package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// The weights are random but shaped so that generation never stops early:
//
//   - Channel 0 of the residual stream is a constant bias channel. Every
//     token embedding has biasLevel there and no layer writes to it (row 0
//     of attn_output and ffn_down is zero), so after the final RMSNorm it
//     is a fixed positive value at every position. llama has no output
//     bias; this channel is one.
//   - Output rows of tokens that must never be sampled (all but the
//     word-start pieces: EOS, BOS, unknown, bytes, characters, subwords,
//     padding) are -banLevel on the bias channel and zero elsewhere: their
//     logits sit near -2·banLevel, far below any sampleable token, at
//     every temperature that matters.
//   - Output rows of the sampleable words are their own embedding scaled by
//     -antiRepeat/√width (bias channel zeroed). The residual stream is
//     mostly the current token's embedding, so the current token's logit is
//     about -antiRepeat·√width while the others spread as N(0, antiRepeat²):
//     the model never repeats a token twice in a row, and Ollama's ~30
//     identical-token abort can never fire.
//   - Layers write small updates (attn_output and ffn_down scaled by
//     layerGain, Gemma's post-norms set to layerGain of the stream's RMS),
//     so activations stay near unit scale at any depth and the work per
//     token is the real work of the architecture.
//
// Values are uniform, drawn from a PCG stream per (seed, tensor, row), so
// any row can be regenerated — the output matrix regenerates embedding
// rows — and the file never depends on write order.
const (
	biasLevel  = 2
	banLevel   = 500
	antiRepeat = 3
	layerGain  = 0.1
	biasScale  = 0.02 // Qwen's q/k/v biases
)

// tensor is one GGUF tensor: its name, its shape with the fastest-varying
// dimension first (GGUF's ne order: inputs, then outputs), and the row
// generator that fills it.
type tensor struct {
	name  string
	shape []uint64
	f32   bool
	row   func(r int, dst []float32)
}

func (t tensor) elems() int64 {
	n := int64(1)
	for _, d := range t.shape {
		n *= int64(d)
	}
	return n
}

func (t tensor) cols() int { return int(t.shape[0]) }
func (t tensor) rows() int { return int(t.elems() / int64(t.shape[0])) }

func (t tensor) bytes() int64 {
	if t.f32 {
		return 4 * t.elems()
	}
	return 2 * t.elems()
}

// rng returns the deterministic stream for one row of one tensor.
func rng(seed uint64, name string, row int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed^h.Sum64(), uint64(row)))
}

// uniform fills dst with values of RMS scale, drawn from r. It uses only
// r.Uint64, whose PCG output is specified, so files do not depend on how a
// Go release implements Float64 or NormFloat64.
func uniform(r *rand.Rand, dst []float32, scale float64) {
	for i := range dst {
		u := float64(r.Uint64()>>40) / (1 << 24) // [0, 1)
		dst[i] = float32((2*u - 1) * math.Sqrt(3) * scale)
	}
}

// tensors lists the model's tensors in file order.
func tensors(s Spec) []tensor {
	d, hd := s.Width, s.headDim()
	q, kv := s.Heads*hd, s.KVHeads*hd
	gemma := s.Family == "gemma3"
	mat := func(name string, in, out int, gain float64, zeroRow0 bool) tensor {
		return tensor{
			name: name, shape: []uint64{uint64(in), uint64(out)}, f32: s.F32,
			row: func(r int, dst []float32) {
				if zeroRow0 && r == 0 {
					clear(dst)
					return
				}
				uniform(rng(s.Seed, name, r), dst, gain/math.Sqrt(float64(in)))
			},
		}
	}
	vec := func(name string, n int, fill func(dst []float32)) tensor {
		return tensor{name: name, shape: []uint64{uint64(n)}, f32: true, row: func(_ int, dst []float32) { fill(dst) }}
	}
	ones := func(dst []float32) {
		for i := range dst {
			dst[i] = 1
		}
	}
	random := func(name string) func([]float32) {
		return func(dst []float32) { uniform(rng(s.Seed, name, 0), dst, biasScale) }
	}

	embedding := func(r int, dst []float32) {
		uniform(rng(s.Seed, "token_embd.weight", r), dst, 1)
		dst[0] = biasLevel
	}
	ts := []tensor{{
		name: "token_embd.weight", shape: []uint64{uint64(d), uint64(s.Vocab)}, f32: s.F32, row: embedding,
	}}

	// Gemma normalises each layer's output before the residual add, and
	// scales the embeddings by √width: its post-norms carry the gain.
	postGain := layerGain * math.Sqrt(float64(d))
	outGain := layerGain
	if gemma {
		outGain = 1
	}
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			vec(p+"attn_norm.weight", d, ones),
			mat(p+"attn_q.weight", d, q, 1, false),
			mat(p+"attn_k.weight", d, kv, 1, false),
			mat(p+"attn_v.weight", d, kv, 1, false),
			mat(p+"attn_output.weight", q, d, outGain, true),
			vec(p+"ffn_norm.weight", d, ones),
			mat(p+"ffn_gate.weight", d, s.FFN, 1, false),
			mat(p+"ffn_up.weight", d, s.FFN, 1, false),
			mat(p+"ffn_down.weight", s.FFN, d, outGain, true),
		)
		switch s.Family {
		case "qwen2.5":
			ts = append(ts,
				vec(p+"attn_q.bias", q, random(p+"attn_q.bias")),
				vec(p+"attn_k.bias", kv, random(p+"attn_k.bias")),
				vec(p+"attn_v.bias", kv, random(p+"attn_v.bias")),
			)
		case "gemma3":
			post := func(dst []float32) {
				for i := range dst {
					dst[i] = float32(postGain)
				}
			}
			ts = append(ts,
				vec(p+"attn_q_norm.weight", hd, ones),
				vec(p+"attn_k_norm.weight", hd, ones),
				vec(p+"post_attention_norm.weight", d, post),
				vec(p+"post_ffw_norm.weight", d, post),
			)
		}
	}

	v := newVocab(s.Vocab)
	anti := -antiRepeat / math.Sqrt(float64(d))
	return append(ts,
		vec("output_norm.weight", d, ones),
		tensor{
			name: "output.weight", shape: []uint64{uint64(d), uint64(s.Vocab)}, f32: s.F32,
			row: func(r int, dst []float32) {
				if !v.sampleable[r] {
					clear(dst)
					dst[0] = -banLevel
					return
				}
				embedding(r, dst)
				dst[0] = 0
				for i := range dst {
					dst[i] *= float32(anti)
				}
			},
		},
	)
}
