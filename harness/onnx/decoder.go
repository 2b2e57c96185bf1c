package onnx

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// A Decoder runs a GPT-2-style decoder with onnxsynth's inputs and outputs
// on one session: a prefill over a right-padded batch, then greedy decode
// steps that feed each step's KV cache to the next. It runs one call at a
// time.
type Decoder struct {
	rt    *Runtime
	s     *Session
	spec  onnxsynth.Spec
	model string
	// logits is reused by every forward: ONNX Runtime writes the logits
	// into it in place, so a call costs no allocation or copy of them.
	logits []float32
}

// NewDecoder starts a session for spec's model (onnxsynth.Model's bytes)
// with cfg (its Inputs and Outputs are filled in). Close it after use.
func NewDecoder(rt *Runtime, spec onnxsynth.Spec, model []byte, cfg SessionConfig) (*Decoder, error) {
	cfg.Inputs, cfg.Outputs = onnxsynth.InputNames(spec), onnxsynth.OutputNames(spec)
	s, err := rt.NewSession(model, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	return &Decoder{rt: rt, s: s, spec: spec, model: spec.Name}, nil
}

// Provider is the provider the decoder's session runs on.
func (d *Decoder) Provider() Provider { return d.s.Provider() }

// Close releases the session.
func (d *Decoder) Close() error { return d.s.Close() }

// A Batch is one call: prompts (token ids) right-padded to Len, a prefill
// over all of them, then Steps greedy decode steps.
type Batch struct {
	Prompts [][]int64
	Len     int // padded length; 0 means the longest prompt
	Steps   int // decode steps after the prefill; 0 runs the prefill only
}

// padTo is the padded length.
func (b Batch) padTo() int {
	if b.Len > 0 {
		return b.Len
	}
	n := 0
	for _, p := range b.Prompts {
		n = max(n, len(p))
	}
	return n
}

// RealTokens counts the prompts' own tokens.
func (b Batch) RealTokens() int {
	n := 0
	for _, p := range b.Prompts {
		n += len(p)
	}
	return n
}

// PaddedTokens counts what the prefill computes: batch × padded length,
// as the study counted its prefill tokens.
func (b Batch) PaddedTokens() int { return len(b.Prompts) * b.padTo() }

// A Record is one call on ONNX Runtime, in the terms of an Ollama call:
// prefill time, per-step decode times, token counts, and the provider
// that ran it. A Record with Degraded set is a call that failed or
// produced unusable output: kept and counted, never pooled into a metric.
type Record struct {
	Model    string
	Provider Provider
	Batch    int // rows
	Len      int // padded prompt length
	Real     int // real prompt tokens (Σ prompt lengths)
	Padded   int // Batch × Len: what the prefill computed

	Start   time.Time       // wall clock at the call's start
	Prefill time.Duration   // the prefill's forward pass
	Steps   []time.Duration // each decode step's forward pass
	// Tokens are the offsets from Start at which each token (one per row)
	// was chosen: after the prefill, then after every step.
	Tokens []time.Duration
	End    time.Duration // offset of the call's end
	// Output is each row's chosen tokens, in order.
	Output [][]int64

	// Degraded says why the call is not a clean sample ("" when it is).
	Degraded string
}

// OK reports whether the record is a clean sample.
func (r Record) OK() bool { return r.Degraded == "" }

// Generated is the tokens the decode steps produced: Batch per step.
func (r Record) Generated() int { return r.Batch * len(r.Steps) }

// DecodeTime is the decode steps' total forward time.
func (r Record) DecodeTime() time.Duration {
	var t time.Duration
	for _, s := range r.Steps {
		t += s
	}
	return t
}

// Measure is the record as a [measure.Record], so that ONNX Runtime and
// Ollama calls go through the same metrics and traces: the prefill is the
// prompt evaluation (of the padded tokens, which it computed), the decode
// steps are the evaluation of the generated tokens, each chosen token a
// chunk. The provider, padded length, batch and real token count are in
// Options; URL names the in-process runtime and its provider.
func (r Record) Measure() measure.Record {
	m := measure.Record{
		Model:    r.Model,
		URL:      "onnxruntime:" + string(r.Provider),
		Endpoint: "onnxruntime",
		Options: map[string]any{
			"provider": string(r.Provider), "batch": r.Batch, "padded_len": r.Len, "real_tokens": r.Real,
		},
		Start:           r.Start,
		Chunks:          slices.Clone(r.Tokens),
		End:             r.End,
		PromptEvalCount: &r.Padded,
		EvalCount:       measure.Ptr(r.Generated()),
		EvalDuration:    measure.Ptr(r.DecodeTime()),
		TotalDuration:   measure.Ptr(r.End),
		Err:             r.Degraded,
	}
	if r.Prefill > 0 {
		p := r.Prefill
		m.PromptEvalDuration = &p
	}
	if len(r.Tokens) > 0 {
		m.FirstByte, m.FirstContent = r.Tokens[0], r.Tokens[0]
	}
	return m
}

// Run runs one call. An error is a call that cannot be made (bad batch,
// beyond the context); a call that fails or yields unusable output while
// running returns a Record with Degraded set and what was measured.
func (d *Decoder) Run(b Batch) (rec Record, err error) {
	rows, n := len(b.Prompts), b.padTo()
	if rows == 0 || n == 0 {
		return Record{}, errors.New("onnx: empty batch")
	}
	for i, p := range b.Prompts {
		if len(p) == 0 || len(p) > n {
			return Record{}, fmt.Errorf("onnx: prompt %d has %d tokens, want 1..%d", i, len(p), n)
		}
	}
	if n+b.Steps > d.spec.Ctx {
		return Record{}, fmt.Errorf("onnx: %d prompt + %d steps exceed %s's context of %d", n, b.Steps, d.model, d.spec.Ctx)
	}
	rec = Record{Model: d.model, Provider: d.Provider(), Batch: rows, Len: n, Real: b.RealTokens(), Padded: rows * n, Output: make([][]int64, rows)}

	ids := make([]int64, rows*n)
	last := make([]int, rows) // each row's last real position
	for i, p := range b.Prompts {
		copy(ids[i*n:], p)
		last[i] = len(p) - 1
	}
	// The mask grows by one column per step; prompts keep their padding.
	mask := make([][]int64, rows)
	for i, p := range b.Prompts {
		mask[i] = make([]int64, n, n+b.Steps)
		for j := range p {
			mask[i][j] = 1
		}
	}

	rec.Start = time.Now()
	defer func() { rec.End = time.Since(rec.Start) }()
	s := d.spec
	empty := make([]float32, 0)
	past := make([]*Value, 0, 2*s.Layers)
	for range 2 * s.Layers {
		v, err := d.rt.NewFloat32([]int64{int64(rows), int64(s.Heads), 0, int64(s.HeadDim())}, empty)
		if err != nil {
			return rec, err
		}
		past = append(past, v)
	}
	defer func() { closeAll(past) }()

	next := make([]int64, rows)
	for step := 0; step <= b.Steps; step++ {
		seq := n
		if step > 0 {
			seq = 1
			ids = next
			for i := range mask {
				mask[i] = append(mask[i], 1)
			}
			for i := range last {
				last[i] = 0
			}
		}
		out, took, err := d.forward(rows, seq, ids, mask, past)
		if err != nil {
			rec.Degraded = fmt.Sprintf("%s: %v", phase(step), err)
			return rec, nil
		}
		closeAll(past)
		past = out[1:]
		if step == 0 {
			rec.Prefill = took
		} else {
			rec.Steps = append(rec.Steps, took)
		}
		tokens, why := greedy(out[0], rows, seq, s.Vocab, last)
		out[0].Close()
		if why != "" {
			rec.Degraded = phase(step) + ": " + why
			return rec, nil
		}
		next = tokens
		for i, t := range tokens {
			rec.Output[i] = append(rec.Output[i], t)
		}
		rec.Tokens = append(rec.Tokens, time.Since(rec.Start))
	}
	return rec, nil
}

// forward runs one step and times the session's Run alone. The outputs are
// allocated here, in Go memory, for ONNX Runtime to write in place: the
// logits in the decoder's buffer, the cache in new slices (the next step's
// past).
func (d *Decoder) forward(rows, seq int, ids []int64, mask [][]int64, past []*Value) (_ []*Value, took time.Duration, err error) {
	idv, err := d.rt.NewInt64([]int64{int64(rows), int64(seq)}, ids)
	if err != nil {
		return nil, 0, err
	}
	defer idv.Close()
	flat := slices.Concat(mask...)
	mv, err := d.rt.NewInt64([]int64{int64(rows), int64(len(mask[0]))}, flat)
	if err != nil {
		return nil, 0, err
	}
	defer mv.Close()

	s := d.spec
	n := rows * seq * s.Vocab
	if cap(d.logits) < n {
		d.logits = make([]float32, n)
	}
	out := make([]*Value, 0, 1+2*s.Layers)
	defer func() {
		if err != nil {
			closeAll(out)
		}
	}()
	lv, err := d.rt.NewFloat32([]int64{int64(rows), int64(seq), int64(s.Vocab)}, d.logits[:n])
	if err != nil {
		return nil, 0, err
	}
	out = append(out, lv)
	total := int64(len(mask[0]))
	for range 2 * s.Layers {
		v, err := d.rt.NewFloat32([]int64{int64(rows), int64(s.Heads), total, int64(s.HeadDim())}, make([]float32, int64(rows*s.Heads*s.HeadDim())*total))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	start := time.Now()
	_, err = d.s.Run(append([]*Value{idv, mv}, past...), out)
	return out, time.Since(start), err
}

// greedy picks each row's most likely next token at its position pos[i];
// why is non-empty when the logits there are not finite.
func greedy(logits *Value, rows, seq, vocab int, pos []int) (tokens []int64, why string) {
	data, err := logits.Float32s()
	if err != nil {
		return nil, err.Error()
	}
	tokens = make([]int64, rows)
	for i := range rows {
		row := data[(i*seq+pos[i])*vocab:][:vocab]
		best := 0
		for j, x := range row {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Sprintf("non-finite logit %v (row %d, token %d)", x, i, j)
			}
			if x > row[best] {
				best = j
			}
		}
		tokens[i] = int64(best)
	}
	return tokens, ""
}

func phase(step int) string {
	if step == 0 {
		return "prefill"
	}
	return fmt.Sprintf("decode step %d", step)
}

func closeAll(vs []*Value) {
	for _, v := range vs {
		v.Close()
	}
}
