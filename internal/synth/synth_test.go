package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/fs/ggml"
)

func tiny(t *testing.T, family string) Spec {
	t.Helper()
	s, err := Preset(family + "-tiny")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, s Spec) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteIsDeterministic(t *testing.T) {
	for _, f := range families {
		t.Run(f, func(t *testing.T) {
			s := tiny(t, f)
			a, b := write(t, s), write(t, s)
			if !bytes.Equal(a, b) {
				t.Fatal("two writes of the same Spec differ")
			}
			s.Seed++
			if bytes.Equal(a, write(t, s)) {
				t.Error("another seed wrote the same bytes")
			}
		})
	}
}

// The sha256 of llama3.1-tiny as pinnedVersion writes it. If a change to
// the recipe moves it, bump Version (so that caches and tags keyed by
// Fingerprint are not reused) and re-pin both.
const (
	pinnedVersion = 2
	pinnedSHA256  = "25235dfbe4825617436662913f835f6f4fb5849e8394cfd492ec4bdf9b1841f3"
)

func TestWriteIsPinned(t *testing.T) {
	if Version != pinnedVersion {
		t.Fatalf("Version %d, but the pinned hash is for version %d: re-pin", Version, pinnedVersion)
	}
	sum := sha256.Sum256(write(t, tiny(t, "llama3.1")))
	if got := hex.EncodeToString(sum[:]); got != pinnedSHA256 {
		t.Errorf("llama3.1-tiny sha256 = %s, pinned %s for Version %d: the recipe changed; bump Version and re-pin", got, pinnedSHA256, Version)
	}
}

func TestWriteDecodes(t *testing.T) {
	for _, f := range families {
		t.Run(f, func(t *testing.T) {
			s := tiny(t, f)
			b := write(t, s)
			size, err := Size(s)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(b)) != size {
				t.Errorf("wrote %d bytes, Size says %d", len(b), size)
			}
			g, err := ggml.Decode(bytes.NewReader(b), -1)
			if err != nil {
				t.Fatal(err)
			}
			kv := g.KV()
			hd := s.headDim()
			got := map[string]any{
				"arch":        kv.Architecture(),
				"blocks":      kv.BlockCount(),
				"width":       kv.EmbeddingLength(),
				"heads":       kv.HeadCountMax(),
				"kv heads":    kv.HeadCountKVMax(),
				"ffn":         kv.FFNLength()[0],
				"ctx":         kv.ContextLength(),
				"params":      kv.ParameterCount(),
				"tokenizer":   kv.String("tokenizer.ggml.model"),
				"tokens":      len(kv.Strings("tokenizer.ggml.tokens")),
				"scores":      len(kv.Floats("tokenizer.ggml.scores")),
				"types":       len(kv.Ints("tokenizer.ggml.token_type")),
				"eos":         kv.Uint("tokenizer.ggml.eos_token_id"),
				"tensors":     len(g.Tensors().Items()),
				"token_embd":  shape(g, "token_embd.weight"),
				"output":      shape(g, "output.weight"),
				"attn_q":      shape(g, "blk.0.attn_q.weight"),
				"attn_k":      shape(g, "blk.0.attn_k.weight"),
				"attn_output": shape(g, fmt.Sprintf("blk.%d.attn_output.weight", s.Layers-1)),
				"ffn_down":    shape(g, "blk.0.ffn_down.weight"),
			}
			perLayer := map[string]int{"llama3.1": 9, "qwen2.5": 9 + 3, "gemma3": 9 + 4}[f] // + biases, + norms
			want := map[string]any{
				"arch":        s.Arch(),
				"blocks":      uint64(s.Layers),
				"width":       uint64(s.Width),
				"heads":       uint64(s.Heads),
				"kv heads":    uint64(s.KVHeads),
				"ffn":         uint64(s.FFN),
				"ctx":         uint64(s.Ctx),
				"params":      uint64(Params(s)),
				"tokenizer":   "llama",
				"tokens":      s.Vocab,
				"scores":      s.Vocab,
				"types":       s.Vocab,
				"eos":         uint32(tokEOS),
				"tensors":     3 + perLayer*s.Layers,
				"token_embd":  []uint64{uint64(s.Width), uint64(s.Vocab)},
				"output":      []uint64{uint64(s.Width), uint64(s.Vocab)},
				"attn_q":      []uint64{uint64(s.Width), uint64(s.Heads * hd)},
				"attn_k":      []uint64{uint64(s.Width), uint64(s.KVHeads * hd)},
				"attn_output": []uint64{uint64(s.Heads * hd), uint64(s.Width)},
				"ffn_down":    []uint64{uint64(s.FFN), uint64(s.Width)},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func shape(g *ggml.GGML, name string) []uint64 {
	for _, t := range g.Tensors().Items() {
		if t.Name == name {
			return t.Shape
		}
	}
	return nil
}

// TestPresetParams checks Params against the architecture's arithmetic,
// done independently here, and each preset against its nominal size.
func TestPresetParams(t *testing.T) {
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			s, err := Preset(name)
			if err != nil {
				t.Fatal(err)
			}
			d, v, l, ff := int64(s.Width), int64(s.Vocab), int64(s.Layers), int64(s.FFN)
			hd := int64(s.headDim())
			q, kv := int64(s.Heads)*hd, int64(s.KVHeads)*hd
			layer := d*q + 2*d*kv + q*d + 3*d*ff + 2*d // projections, FFN, two norms
			switch s.Family {
			case "qwen2.5":
				layer += q + 2*kv // q/k/v biases
			case "gemma3":
				layer += 2*hd + 2*d // q/k norms, post-norms
			}
			want := 2*v*d + d + l*layer // embeddings, output, final norm
			if got := Params(s); got != want {
				t.Errorf("Params = %d, arithmetic gives %d", got, want)
			}
			if nominal := float64(Nominal(name)); math.Abs(float64(want)/nominal-1) > 0.15 {
				t.Errorf("%d params, more than 15%% from the nominal %.0f", want, nominal)
			}
		})
	}
}

// TestRecipeNeverStopsOrRepeats checks the logit layout with the layers'
// small updates left out: the output sees the current token's embedding
// through the final RMSNorm. Every banned token must sit hundreds below the
// worst sampleable logit, and the current token far below the best.
func TestRecipeNeverStopsOrRepeats(t *testing.T) {
	for _, f := range families {
		t.Run(f, func(t *testing.T) {
			s := tiny(t, f)
			s.Vocab += 64 // padding
			var embd, out tensor
			for _, tt := range tensors(s) {
				switch tt.name {
				case "token_embd.weight":
					embd = tt
				case "output.weight":
					out = tt
				}
			}
			v := newVocab(s.Vocab)
			row := make([]float32, s.Width)
			w := make([]float32, s.Width)
			// The token fed back is a sampleable one; the last of the
			// prompt may be any.
			var words []int
			for id, ok := range v.sampleable {
				if ok {
					words = append(words, id)
				}
			}
			for _, cur := range []int{tokBOS, firstChar, firstPiece, words[0], words[len(words)/2], words[len(words)-1], s.Vocab - 1} {
				embd.row(cur, row)
				var ss float64
				for _, x := range row {
					ss += float64(x) * float64(x)
				}
				rms := math.Sqrt(ss / float64(len(row)))
				minOK, maxOK, maxBanned := math.Inf(1), math.Inf(-1), math.Inf(-1)
				var curLogit float64
				for j := range s.Vocab {
					out.row(j, w)
					var logit float64
					for i := range w {
						logit += float64(w[i]) * float64(row[i]) / rms
					}
					switch {
					case !v.sampleable[j]:
						maxBanned = max(maxBanned, logit)
					case j == cur:
						curLogit = logit
					default:
						minOK, maxOK = min(minOK, logit), max(maxOK, logit)
					}
				}
				if maxBanned > minOK-300 {
					t.Errorf("token %d: banned logit %.1f within 300 of the lowest sampleable %.1f", cur, maxBanned, minOK)
				}
				if v.sampleable[cur] && curLogit > maxOK-30 {
					t.Errorf("token %d: its own logit %.1f within 30 of the best %.1f", cur, curLogit, maxOK)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Spec{Family: "llama3.1", Layers: 1, Width: 64, Heads: 4, KVHeads: 2, FFN: 128, Vocab: MinVocab, Ctx: 256}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Spec)
	}{
		{"unknown family", func(s *Spec) { s.Family = "gpt2" }},
		{"no layers", func(s *Spec) { s.Layers = 0 }},
		{"heads not a multiple of kv heads", func(s *Spec) { s.KVHeads = 3 }},
		{"width not a multiple of heads", func(s *Spec) { s.Width = 66 }},
		{"odd head size", func(s *Spec) { s.Width, s.Heads, s.KVHeads = 60, 4, 4 }},
		{"llama head size that is not width/heads", func(s *Spec) { s.HeadDim = 32 }},
		{"vocab too small", func(s *Spec) { s.Vocab = MinVocab - 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.change(&s)
			if err := s.Validate(); err == nil {
				t.Errorf("Validate(%+v) = nil, want an error", s)
			}
			if err := Write(&bytes.Buffer{}, s); err == nil {
				t.Error("Write accepted it")
			}
		})
	}
}

func TestPreset(t *testing.T) {
	if _, err := Preset("nonesuch"); err == nil {
		t.Error("unknown preset: no error")
	}
	if _, err := Preset(DefaultPreset); err != nil {
		t.Errorf("DefaultPreset: %v", err)
	}
	seen := map[string]string{}
	for _, name := range Presets() {
		s, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Error(err)
		}
		fp := Fingerprint(s)
		if other, dup := seen[fp]; dup {
			t.Errorf("%s and %s share fingerprint %s", name, other, fp)
		}
		seen[fp] = name
	}
}
