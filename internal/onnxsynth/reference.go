package onnxsynth

import (
	"fmt"
	"math"
)

// A Cache is the KV cache between steps, as the graph passes it: per layer,
// keys and values [Batch, heads, Len, head size], row-major.
type Cache struct {
	Batch, Len   int
	Keys, Values [][]float32
}

// EmptyCache is the cache a prefill starts from: Len 0.
func EmptyCache(s Spec, batch int) *Cache {
	c := &Cache{Batch: batch, Keys: make([][]float32, s.Layers), Values: make([][]float32, s.Layers)}
	for l := range s.Layers {
		c.Keys[l], c.Values[l] = []float32{}, []float32{}
	}
	return c
}

// Forward is the pure-Go reference of [Model]'s graph: one step over ids
// (int64 [batch, seq], row-major) with mask (int64 [batch, past+seq]) from
// cache c (past = c.Len), in float64 arithmetic on the float32 weights. It
// returns the logits [batch, seq, vocab] and the cache after the step, both
// rounded to float32 as the graph returns them.
func (w *Weights) Forward(batch int, ids, mask []int64, c *Cache) (logits []float32, next *Cache, err error) {
	s := w.Spec
	if batch < 1 || len(ids)%batch != 0 || len(ids) == 0 {
		return nil, nil, fmt.Errorf("onnxsynth: %d ids do not make %d rows", len(ids), batch)
	}
	if c.Batch != batch {
		return nil, nil, fmt.Errorf("onnxsynth: cache of batch %d, ids of batch %d", c.Batch, batch)
	}
	seq, past := len(ids)/batch, c.Len
	total := past + seq
	if len(mask) != batch*total {
		return nil, nil, fmt.Errorf("onnxsynth: mask has %d entries, want batch %d × (past %d + seq %d)", len(mask), batch, past, seq)
	}
	if total > s.Ctx {
		return nil, nil, fmt.Errorf("onnxsynth: %d positions exceed the context of %d", total, s.Ctx)
	}
	d, nh, hd, v := s.Width, s.Heads, s.HeadDim(), s.Vocab
	for _, id := range ids {
		if id < 0 || id >= int64(v) {
			return nil, nil, fmt.Errorf("onnxsynth: token %d outside the vocabulary of %d", id, v)
		}
	}

	next = &Cache{Batch: batch, Len: total, Keys: make([][]float32, s.Layers), Values: make([][]float32, s.Layers)}
	wte, wpe := w.Tensor("wte"), w.Tensor("wpe")
	// x[b][t] is the residual stream of row b, position past+t.
	x := make([][][]float64, batch)
	for b := range batch {
		x[b] = make([][]float64, seq)
		for t := range seq {
			row := make([]float64, d)
			id, p := int(ids[b*seq+t]), past+t
			for i := range d {
				row[i] = float64(wte[id*d+i]) + float64(wpe[p*d+i])
			}
			x[b][t] = row
		}
	}
	visible := func(b, t, j int) bool { return j <= past+t && mask[b*total+j] != 0 }
	scale := float64(float32(1 / math.Sqrt(float64(hd))))

	for l := range s.Layers {
		p := fmt.Sprintf("h.%d.", l)
		// Keys and values of every position, cache first: [b][h][j][hd].
		keys, vals := make([]float32, batch*nh*total*hd), make([]float32, batch*nh*total*hd)
		at := func(b, h, j int) int { return ((b*nh+h)*total + j) * hd }
		for b := range batch {
			for h := range nh {
				for j := range past {
					src := ((b*nh+h)*past + j) * hd
					copy(keys[at(b, h, j):][:hd], c.Keys[l][src:src+hd])
					copy(vals[at(b, h, j):][:hd], c.Values[l][src:src+hd])
				}
			}
		}
		qs := make([][][]float64, batch)
		for b := range batch {
			qs[b] = make([][]float64, seq)
			for t := range seq {
				qkv := w.linear(w.norm(x[b][t], p+"ln_1"), p+"attn.c_attn")
				qs[b][t] = qkv[:d]
				for h := range nh {
					for i := range hd {
						keys[at(b, h, past+t)+i] = float32(qkv[d+h*hd+i])
						vals[at(b, h, past+t)+i] = float32(qkv[2*d+h*hd+i])
					}
				}
			}
		}
		next.Keys[l], next.Values[l] = keys, vals

		for b := range batch {
			for t := range seq {
				attn := make([]float64, d)
				scores := make([]float64, total)
				for h := range nh {
					q := qs[b][t][h*hd : (h+1)*hd]
					for j := range total {
						if !visible(b, t, j) {
							scores[j] = maskBias // float32 addition absorbs the score
							continue
						}
						k := keys[at(b, h, j):][:hd]
						var dot float64
						for i := range hd {
							dot += q[i] * float64(k[i])
						}
						scores[j] = dot * scale
					}
					softmax(scores)
					for j := range total {
						vv := vals[at(b, h, j):][:hd]
						for i := range hd {
							attn[h*hd+i] += scores[j] * float64(vv[i])
						}
					}
				}
				add(x[b][t], w.linear(attn, p+"attn.c_proj"))
				f := w.linear(w.norm(x[b][t], p+"ln_2"), p+"mlp.c_fc")
				for i, z := range f {
					f[i] = 0.5 * z * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(z+0.044715*z*z*z)))
				}
				add(x[b][t], w.linear(f, p+"mlp.c_proj"))
			}
		}
	}

	logits = make([]float32, batch*seq*v)
	for b := range batch {
		for t := range seq {
			h := w.norm(x[b][t], "ln_f")
			out := logits[(b*seq+t)*v:][:v]
			for tok := range v {
				e := wte[tok*d : (tok+1)*d]
				var dot float64
				for i := range d {
					dot += h[i] * float64(e[i])
				}
				out[tok] = float32(dot)
			}
		}
	}
	return logits, next, nil
}

// linear is x·W + b for the layer named prefix (W is [in, out]).
func (w *Weights) linear(x []float64, prefix string) []float64 {
	W, bias := w.Tensor(prefix+".weight"), w.Tensor(prefix+".bias")
	out := len(bias)
	y := make([]float64, out)
	for o := range y {
		y[o] = float64(bias[o])
	}
	for i, xi := range x {
		row := W[i*out : (i+1)*out]
		for o := range y {
			y[o] += xi * float64(row[o])
		}
	}
	return y
}

// norm is LayerNormalization over the whole vector (biased variance, as
// ONNX and PyTorch compute it).
func (w *Weights) norm(x []float64, prefix string) []float64 {
	gain, shift := w.Tensor(prefix+".weight"), w.Tensor(prefix+".bias")
	var mean, sq float64
	for _, z := range x {
		mean += z
	}
	mean /= float64(len(x))
	for _, z := range x {
		sq += (z - mean) * (z - mean)
	}
	inv := 1 / math.Sqrt(sq/float64(len(x))+lnEps)
	y := make([]float64, len(x))
	for i, z := range x {
		y[i] = (z-mean)*inv*float64(gain[i]) + float64(shift[i])
	}
	return y
}

func softmax(xs []float64) {
	m := math.Inf(-1)
	for _, z := range xs {
		m = max(m, z)
	}
	var sum float64
	for i, z := range xs {
		xs[i] = math.Exp(z - m)
		sum += xs[i]
	}
	for i := range xs {
		xs[i] /= sum
	}
}

func add(dst, src []float64) {
	for i := range dst {
		dst[i] += src[i]
	}
}
