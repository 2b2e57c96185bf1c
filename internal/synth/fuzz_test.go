package synth

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

// FuzzGGUFRoundTrip writes fuzzed small Specs and reads each file back with
// Ollama's own GGUF decoder: a Spec that Validate accepts must be written
// in exactly Size bytes and decode to its shape, its tensors inside the
// file; one it rejects must be refused by Size and Write alike. Nothing may
// panic. The fuzzed numbers are folded into tiny shapes (at most 2 layers,
// 8 heads of at most 32, the minimum vocabulary plus a little), most of
// them valid, so that an iteration takes milliseconds; bend breaks one rule
// in half the cases.
func FuzzGGUFRoundTrip(f *testing.F) {
	// family, layers, kv heads, group, head dim, ffn, extra vocab, ctx, seed, f32, bend
	f.Add(uint8(0), uint8(0), uint8(1), uint8(1), uint8(15), uint8(95), uint8(0), uint16(256), uint64(1), false, uint8(7))  // llama, 4 heads of 32 on 2 kv heads
	f.Add(uint8(1), uint8(1), uint8(0), uint8(1), uint8(31), uint8(63), uint8(3), uint16(8192), uint64(7), false, uint8(5)) // gemma3, 2 layers
	f.Add(uint8(2), uint8(0), uint8(0), uint8(3), uint8(3), uint8(39), uint8(1), uint16(512), uint64(42), true, uint8(6))   // qwen2.5, F32
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint16(0), uint64(0), false, uint8(4))      // smallest: 1 head of 2, ctx 1
	f.Add(uint8(0), uint8(0), uint8(1), uint8(1), uint8(15), uint8(95), uint8(0), uint16(256), uint64(1), false, uint8(0))  // vocab one short
	f.Add(uint8(2), uint8(0), uint8(1), uint8(1), uint8(15), uint8(95), uint8(0), uint16(256), uint64(1), false, uint8(1))  // qwen2.5 with width ≠ heads × head dim
	f.Fuzz(func(t *testing.T, family, layers, kvHeads, group, headDim, ffn, extraVocab uint8, ctx uint16, seed uint64, f32 bool, bend uint8) {
		kv := int(kvHeads%4) + 1
		hd := 2 * (int(headDim%16) + 1)
		s := Spec{
			Family:  families[int(family)%len(families)],
			Layers:  int(layers%2) + 1,
			KVHeads: kv,
			Heads:   kv * (int(group%2) + 1),
			FFN:     int(ffn%128) + 1,
			Vocab:   MinVocab + int(extraVocab%16),
			Ctx:     int(ctx) + 1,
			Seed:    seed,
			F32:     f32,
		}
		s.Width = s.Heads * hd
		switch bend % 8 {
		case 0:
			s.Vocab = MinVocab - 1
		case 1:
			s.HeadDim = hd
			s.Width = hd + 2 // ≠ heads × head dim unless one head
		case 2:
			s.Heads = s.KVHeads*2 + 1 // not a multiple of kv heads (unless 1)
		case 3:
			s.Layers = 0
		}
		size, sizeErr := Size(s)
		var b bytes.Buffer
		writeErr := Write(&b, s)
		if verr := s.Validate(); verr != nil {
			if sizeErr == nil || writeErr == nil {
				t.Fatalf("invalid %+v (%v): Size error %v, Write error %v; want both to refuse", s, verr, sizeErr, writeErr)
			}
			return
		}
		if sizeErr != nil || writeErr != nil {
			t.Fatalf("valid %+v: Size error %v, Write error %v", s, sizeErr, writeErr)
		}
		if int64(b.Len()) != size {
			t.Fatalf("%+v: wrote %d bytes, Size says %d", s, b.Len(), size)
		}
		g, err := ggml.Decode(bytes.NewReader(b.Bytes()), -1)
		if err != nil {
			t.Fatalf("%+v: Ollama cannot decode it: %v", s, err)
		}
		m := g.KV()
		got := []uint64{m.BlockCount(), m.EmbeddingLength(), m.HeadCountMax(), m.HeadCountKVMax(), m.ContextLength(), m.ParameterCount(), uint64(len(m.Strings("tokenizer.ggml.tokens")))}
		want := []uint64{uint64(s.Layers), uint64(s.Width), uint64(s.Heads), uint64(s.KVHeads), uint64(s.Ctx), uint64(Params(s)), uint64(s.Vocab)}
		if m.Architecture() != s.Arch() || !slices.Equal(got, want) {
			t.Errorf("%+v decodes as arch %s, [blocks, width, heads, kv heads, ctx, params, tokens] %v; want %s, %v",
				s, m.Architecture(), got, s.Arch(), want)
		}
		var elems, end uint64
		for _, ti := range g.Tensors().Items() {
			elems += ti.Elements()
			end = max(end, ti.Offset+ti.Size())
		}
		if elems != uint64(Params(s)) || g.Tensors().Offset+end > uint64(b.Len()) {
			t.Errorf("%+v: tensors hold %d weights (Params %d) and end at byte %d of %d", s, elems, Params(s), g.Tensors().Offset+end, b.Len())
		}
	})
}
