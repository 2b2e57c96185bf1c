package onnxsynth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/protowire"
)

// The presets' parameter counts are the study's (tr118/models.csv).
func TestPresetsMatchTheStudy(t *testing.T) {
	study := map[string]int64{
		"tiny-gpt2": 102714, "gpt2-5m": 5036720, "gpt2-11m": 11180928, "gpt2-25m": 25016064,
		"gpt2-45m": 45171200, "gpt2-50m": 51475968, "gpt2-75m": 74824704, "gpt2-100m": 96088320,
		"gpt2": 124439808,
	}
	got := map[string]int64{}
	for _, name := range Presets() {
		s, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		got[name] = Params(s)
		d, l := int64(s.Width), int64(s.Layers)
		if want := int64(s.Vocab)*d + int64(s.Ctx)*d + l*(12*d*d+13*d) + 2*d; got[name] != want {
			t.Errorf("%s: Params = %d, GPT-2's arithmetic gives %d", name, got[name], want)
		}
	}
	if diff := cmp.Diff(study, got); diff != "" {
		t.Errorf("parameter counts mismatch (-study +ours):\n%s", diff)
	}
	if _, err := Preset("nonesuch"); err == nil {
		t.Error("an unknown preset was accepted")
	}
}

var small = Spec{Name: "small", Vocab: 61, Ctx: 32, Width: 12, Layers: 2, Heads: 3, Seed: 5}

func weights(t *testing.T, s Spec) *Weights {
	t.Helper()
	w, err := NewWeights(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func ones(n int) []int64 {
	m := make([]int64, n)
	for i := range m {
		m[i] = 1
	}
	return m
}

// Prefilling a prompt and then decoding its last tokens one at a time with
// the cache gives what one forward over the whole prompt gives: the cache
// carries exactly what later tokens need.
func TestCachedDecodeEqualsAFullForward(t *testing.T) {
	w := weights(t, small)
	ids := []int64{3, 14, 15, 9, 26, 5, 35}
	full, fullCache, err := w.Forward(1, ids, ones(len(ids)), EmptyCache(small, 1))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = 4
	logits, c, err := w.Forward(1, ids[:prefix], ones(prefix), EmptyCache(small, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := prefix; i < len(ids); i++ {
		var step []float32
		step, c, err = w.Forward(1, ids[i:i+1], ones(i+1), c)
		if err != nil {
			t.Fatal(err)
		}
		logits = append(logits, step...)
	}
	approx := cmpopts.EquateApprox(0, 1e-6)
	if diff := cmp.Diff(full, logits, approx); diff != "" {
		t.Errorf("cached logits mismatch (-full +cached):\n%s", diff)
	}
	if diff := cmp.Diff(fullCache, c, approx); diff != "" {
		t.Errorf("cache mismatch (-full +cached):\n%s", diff)
	}
}

// A row padded on the right gives its real tokens the logits they get
// alone (causal attention never looks ahead), and with the mask, what the
// padding holds never reaches the tokens decoded after it.
func TestPaddingLeavesRealTokensAlone(t *testing.T) {
	w := weights(t, small)
	alone := []int64{7, 8, 9}
	aloneLogits, _, err := w.Forward(1, alone, ones(3), EmptyCache(small, 1))
	if err != nil {
		t.Fatal(err)
	}
	v := small.Vocab
	approx := cmpopts.EquateApprox(0, 1e-6)
	// Row 0 is another prompt; row 1 is alone's, padded from 3 to 5 with
	// pad; then one decode step.
	run := func(pad int64, mask []int64) (prefill, step []float32) {
		t.Helper()
		ids := []int64{1, 2, 3, 4, 5, 7, 8, 9, pad, pad}
		prefill, c, err := w.Forward(2, ids, mask[:10], EmptyCache(small, 2))
		if err != nil {
			t.Fatal(err)
		}
		step, _, err = w.Forward(2, []int64{11, 11}, slices.Concat(mask[:5], mask[10:11], mask[5:10], mask[11:]), c)
		if err != nil {
			t.Fatal(err)
		}
		return prefill, step
	}
	masked := []int64{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1}
	prefill0, step0 := run(0, masked)
	_, step42 := run(42, masked)
	_, seen42 := run(42, ones(12))

	if diff := cmp.Diff(aloneLogits, prefill0[5*v:8*v], approx); diff != "" {
		t.Errorf("padded prefill logits mismatch (-alone +padded):\n%s", diff)
	}
	if diff := cmp.Diff(step0[v:], step42[v:], approx); diff != "" {
		t.Errorf("the padding's tokens reached a masked step (-pad 0 +pad 42):\n%s", diff)
	}
	if cmp.Equal(step42[v:], seen42[v:], approx) {
		t.Error("unmasked padding made no difference to the step: the test proves nothing")
	}
	if diff := cmp.Diff(step0[:v], step42[:v], approx); diff != "" {
		t.Errorf("another row's padding reached row 0 (-pad 0 +pad 42):\n%s", diff)
	}
}

func TestForwardRefusesBadCalls(t *testing.T) {
	w := weights(t, small)
	c := EmptyCache(small, 1)
	for name, call := range map[string]func() error{
		"ids not a multiple of batch": func() error { _, _, err := w.Forward(2, []int64{1, 2, 3}, ones(3), EmptyCache(small, 2)); return err },
		"a short mask":                func() error { _, _, err := w.Forward(1, []int64{1, 2}, ones(1), c); return err },
		"a token beyond the vocab":    func() error { _, _, err := w.Forward(1, []int64{61}, ones(1), c); return err },
		"beyond the context":          func() error { _, _, err := w.Forward(1, make([]int64, 33), ones(33), c); return err },
		"a cache of another batch":    func() error { _, _, err := w.Forward(2, []int64{1, 2}, ones(2), c); return err },
	} {
		if call() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The same Spec gives the same bytes; another seed, other weights. The
// hash pins the recipe: change it and bump Version.
func TestModelIsPinned(t *testing.T) {
	tiny, err := Preset("tiny-gpt2")
	if err != nil {
		t.Fatal(err)
	}
	a, b := Model(weights(t, tiny)), Model(weights(t, tiny))
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of one Spec differ")
	}
	other := tiny
	other.Seed++
	if bytes.Equal(a, Model(weights(t, other))) {
		t.Error("another seed gave the same model")
	}
	if Fingerprint(tiny) == Fingerprint(other) {
		t.Error("another seed has the same fingerprint")
	}
	h := sha256.Sum256(a)
	if got := hex.EncodeToString(h[:]); got != pinnedTiny {
		t.Errorf("tiny-gpt2 (v%d) hashes to %s, pinned %s: if the recipe changed on purpose, bump Version and re-pin", Version, got, pinnedTiny)
	}
}

// pinnedTiny is the SHA-256 of tiny-gpt2's model at Version.
const pinnedTiny = "d45e5462b4808b92e697034c63395a9c0152adeba8f3c9b7070724c3d8d413bb"

// The model parses back as an ONNX ModelProto with the declared inputs,
// outputs, opset and every weight, nothing more.
func TestModelStructure(t *testing.T) {
	w := weights(t, small)
	m := parse(t, Model(w))
	g := parse(t, m.bytes(7)[0])

	if got := m.varint(1); !slices.Equal(got, []uint64{irVersion}) {
		t.Errorf("ir_version %v, want %d", got, irVersion)
	}
	imp := parse(t, m.bytes(8)[0])
	if got := imp.varint(2); !slices.Equal(got, []uint64{opset}) {
		t.Errorf("opset %v, want %d", got, opset)
	}
	names := func(field protowire.Number) []string {
		var out []string
		for _, v := range g.bytes(field) {
			out = append(out, string(parse(t, v).bytes(1)[0]))
		}
		return out
	}
	if diff := cmp.Diff(InputNames(small), names(11)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(OutputNames(small), names(12)); diff != "" {
		t.Errorf("outputs mismatch (-want +got):\n%s", diff)
	}
	var weightsStored int64
	for _, init := range g.bytes(5) {
		tp := parse(t, init)
		name := string(tp.bytes(8)[0])
		if _, ok := w.tensors[name]; !ok {
			continue // a constant of the graph
		}
		if got, want := int64(len(tp.bytes(9)[0])), 4*int64(len(w.Tensor(name))); got != want {
			t.Errorf("%s: %d bytes stored, want %d", name, got, want)
		}
		weightsStored += int64(len(w.Tensor(name)))
	}
	if weightsStored != Params(small) {
		t.Errorf("%d weights stored, Params says %d", weightsStored, Params(small))
	}
}

// fields is a parsed protobuf message: each field's values, raw.
type fields map[protowire.Number][]any

func parse(t *testing.T, b []byte) fields {
	t.Helper()
	f := fields{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v any
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.Fixed32Type:
			v, n = protowire.ConsumeFixed32(b)
		default:
			t.Fatalf("field %d: unexpected wire type %d", num, typ)
		}
		if n < 0 {
			t.Fatalf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		f[num] = append(f[num], v)
	}
	return f
}

func (f fields) bytes(n protowire.Number) [][]byte {
	var out [][]byte
	for _, v := range f[n] {
		out = append(out, v.([]byte))
	}
	return out
}

func (f fields) varint(n protowire.Number) []uint64 {
	var out []uint64
	for _, v := range f[n] {
		out = append(out, v.(uint64))
	}
	return out
}

func TestValidate(t *testing.T) {
	for _, s := range []Spec{
		{},
		{Vocab: 10, Ctx: 8, Width: 10, Layers: 1, Heads: 3},
		{Vocab: 1, Ctx: 8, Width: 4, Layers: 1, Heads: 1},
	} {
		if s.Validate() == nil {
			t.Errorf("%+v: valid", s)
		}
		if _, err := NewWeights(s); err == nil {
			t.Errorf("%+v: weights drawn", s)
		}
	}
	if err := small.Validate(); err != nil {
		t.Error(err)
	}
}
