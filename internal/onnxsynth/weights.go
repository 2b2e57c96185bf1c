package onnxsynth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// A tensor is one named weight: its shape (row-major, as ONNX stores it)
// and how its values are drawn.
type tensor struct {
	name  string
	shape []int64
	fill  func(dst []float32)
}

func (t tensor) elems() int64 {
	n := int64(1)
	for _, d := range t.shape {
		n *= d
	}
	return n
}

// Weights are a Spec's weights, by the tensor names of Hugging Face's
// GPT-2 ("wte", "h.0.attn.c_attn.weight", …). Matrices are [in, out], so a
// layer is x·W + b (GPT-2's Conv1D layout).
type Weights struct {
	Spec    Spec
	tensors map[string][]float32
}

// NewWeights draws s's weights.
func NewWeights(s Spec) (*Weights, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	w := &Weights{Spec: s, tensors: map[string][]float32{}}
	for _, t := range tensors(s) {
		data := make([]float32, t.elems())
		t.fill(data)
		w.tensors[t.name] = data
	}
	return w, nil
}

// Tensor returns the named weight's values (not a copy).
func (w *Weights) Tensor(name string) []float32 {
	t, ok := w.tensors[name]
	if !ok {
		panic(fmt.Sprintf("onnxsynth: no tensor %q", name))
	}
	return t
}

// Scales, chosen so that activations stay near unit size through any depth
// (every block adds to the residual stream through LayerNorm) and logits
// spread over a few units, as a trained model's do.
const (
	embScale  = 0.1  // token and position embeddings (RMS)
	biasScale = 0.02 // biases and LayerNorm shifts
	gainScale = 0.1  // LayerNorm gains: 1 ± this
)

// rng returns the deterministic stream of one tensor.
func rng(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// uniform fills dst with values of RMS scale around centre, drawn from r. It
// uses only r.Uint64, whose PCG output is specified, so models do not
// depend on how a Go release implements Float64.
func uniform(r *rand.Rand, dst []float32, centre, scale float64) {
	for i := range dst {
		u := float64(r.Uint64()>>40) / (1 << 24) // [0, 1)
		dst[i] = float32(centre + (2*u-1)*math.Sqrt(3)*scale)
	}
}

// tensors lists the model's weights in the order the ONNX file stores them.
func tensors(s Spec) []tensor {
	d, v, c := int64(s.Width), int64(s.Vocab), int64(s.Ctx)
	random := func(name string, centre, scale float64, shape ...int64) tensor {
		return tensor{name: name, shape: shape, fill: func(dst []float32) { uniform(rng(s.Seed, name), dst, centre, scale) }}
	}
	// A linear layer's weights have RMS 1/√in, so it keeps its input's scale.
	linear := func(prefix string, in, out int64) []tensor {
		return []tensor{
			random(prefix+".weight", 0, 1/math.Sqrt(float64(in)), in, out),
			random(prefix+".bias", 0, biasScale, out),
		}
	}
	norm := func(prefix string) []tensor {
		return []tensor{
			random(prefix+".weight", 1, gainScale/math.Sqrt(3), d),
			random(prefix+".bias", 0, biasScale, d),
		}
	}
	ts := []tensor{
		random("wte", 0, embScale, v, d),
		random("wpe", 0, embScale, c, d),
	}
	for l := range s.Layers {
		p := fmt.Sprintf("h.%d.", l)
		ts = append(ts, norm(p+"ln_1")...)
		ts = append(ts, linear(p+"attn.c_attn", d, 3*d)...)
		ts = append(ts, linear(p+"attn.c_proj", d, d)...)
		ts = append(ts, norm(p+"ln_2")...)
		ts = append(ts, linear(p+"mlp.c_fc", d, 4*d)...)
		ts = append(ts, linear(p+"mlp.c_proj", 4*d, d)...)
	}
	return append(ts, norm("ln_f")...)
}
