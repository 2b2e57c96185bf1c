package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Version names the weight and vocabulary recipe. It is part of every
// [Fingerprint], so caches keyed by it never serve a file written by an
// older recipe. Bump it whenever [Write]'s bytes change for the same Spec;
// TestWriteIsPinned fails until you do.
const Version = 2

// Families are the model families a Spec can be shaped after, in the
// order [Presets] lists them.
var families = []string{"llama3.1", "gemma3", "qwen2.5"}

// Spec describes one synthetic model. Its zero value is not valid; start
// from [Preset].
type Spec struct {
	// Family picks the architecture written into the GGUF and the
	// family's quirks: "llama3.1" (arch llama), "gemma3" (arch gemma3,
	// served by Ollama's own engine) or "qwen2.5" (arch qwen2, with
	// q/k/v biases).
	Family string

	Layers  int // transformer blocks
	Width   int // embedding length
	Heads   int // query heads
	KVHeads int // key/value heads (grouped-query attention when < Heads)
	HeadDim int // per-head size; 0 means Width/Heads
	FFN     int // feed-forward hidden size
	Vocab   int // tokens, at least MinVocab; those past it are padding
	Ctx     int // trained context length written to the GGUF

	// Seed selects the random weights; the same Spec always gives the
	// same bytes.
	Seed uint64

	// F32 stores the matrices as F32 instead of F16 (norms and biases
	// are F32 either way), doubling the file for a bit-exact reference.
	F32 bool
}

// Arch is the GGUF general.architecture the Spec's family is written as.
func (s Spec) Arch() string {
	switch s.Family {
	case "gemma3":
		return "gemma3"
	case "qwen2.5":
		return "qwen2"
	default:
		return "llama"
	}
}

func (s Spec) headDim() int {
	if s.HeadDim != 0 {
		return s.HeadDim
	}
	if s.Heads == 0 {
		return 0
	}
	return s.Width / s.Heads
}

// Validate reports why a Spec cannot be written, or nil.
func (s Spec) Validate() error {
	switch {
	case !slices.Contains(families, s.Family):
		return fmt.Errorf("synth: unknown family %q (want one of %s)", s.Family, strings.Join(families, ", "))
	case s.Layers < 1, s.Width < 2, s.Heads < 1, s.KVHeads < 1, s.FFN < 1, s.Ctx < 1:
		return fmt.Errorf("synth: %s: layers, width, heads, kv heads, ffn and ctx must be positive: %+v", s.Family, s)
	case s.Heads%s.KVHeads != 0:
		return fmt.Errorf("synth: %s: heads %d not a multiple of kv heads %d", s.Family, s.Heads, s.KVHeads)
	case s.HeadDim == 0 && s.Width%s.Heads != 0:
		return fmt.Errorf("synth: %s: width %d not a multiple of heads %d", s.Family, s.Width, s.Heads)
	case s.headDim()%2 != 0:
		return fmt.Errorf("synth: %s: head size %d must be even for RoPE", s.Family, s.headDim())
	case s.Family != "gemma3" && s.headDim()*s.Heads != s.Width:
		// llama.cpp's qwen2 loader assumes square q/o projections.
		return fmt.Errorf("synth: %s: heads×head size %d must equal width %d", s.Family, s.headDim()*s.Heads, s.Width)
	case s.Vocab < MinVocab:
		return fmt.Errorf("synth: %s: vocab %d below the minimum %d", s.Family, s.Vocab, MinVocab)
	}
	return nil
}

// Fingerprint identifies the bytes [Write] produces for s: a hex SHA-256
// of [Version] and every field. Equal fingerprints mean identical files,
// so it can name cache entries and model tags before anything is written.
func Fingerprint(s Spec) string {
	h := sha256.Sum256(fmt.Appendf(nil, "chimeraforge synth v%d %+v", Version, s))
	return hex.EncodeToString(h[:])
}

// size is one row of the preset table: the shape a family takes at a
// nominal parameter count.
type size struct {
	name                                string
	nominal                             int64
	layers, width, heads, kv, head, ffn int
	vocab                               int
}

// shapes holds, per family, the four sizes. The proportions follow the
// study's models (gemma3:latest = Gemma 3 4B, llama3.1:8b, qwen2.5:7b):
//
//   - llama3.1: 4 query heads per KV head, FFN 3.5× width, head size 64–128.
//   - gemma3: 2 query heads per KV head, FFN 4× width, head size up to 256.
//   - qwen2.5: 7 query heads per KV head, FFN ≈5.3× width, widths that are
//     multiples of 7 heads (896 is Qwen2.5-0.5B's own width).
//
// Depth is what is tuned to reach each nominal size. Tiny has just the
// 4096-token tokenizer, whose embedding and output matrices are then a
// third to two fifths of its parameters (Qwen2.5-0.5B's embeddings are 27%
// of its own, Gemma 3 270M's 63%); larger sizes pad the vocabulary, so
// those matrices keep growing with the model, as in the study's
// 128k–262k-token models.
var shapes = map[string][]size{
	"llama3.1": {
		{"tiny", 5e6, 4, 256, 4, 1, 64, 896, 4096},
		{"small", 50e6, 12, 512, 8, 2, 64, 1792, 8192},
		{"medium", 200e6, 12, 1024, 16, 4, 64, 3584, 16384},
		{"large", 1e9, 16, 2048, 32, 8, 64, 7168, 32768},
	},
	"gemma3": {
		{"tiny", 5e6, 3, 256, 4, 2, 64, 1024, 4096},
		{"small", 50e6, 10, 512, 8, 4, 64, 2048, 8192},
		{"medium", 200e6, 10, 1024, 8, 4, 128, 4096, 16384},
		{"large", 1e9, 14, 2048, 8, 4, 256, 8192, 32768},
	},
	"qwen2.5": {
		{"tiny", 5e6, 4, 224, 7, 1, 32, 1184, 4096},
		{"small", 50e6, 12, 448, 7, 1, 64, 2368, 8192},
		{"medium", 200e6, 12, 896, 14, 2, 64, 4736, 16384},
		{"large", 1e9, 15, 1792, 14, 2, 128, 9472, 32768},
	},
}

// DefaultPreset is the preset benchmarks use when no model is named: the
// smallest llama, which decodes thousands of tokens per second on a CPU.
const DefaultPreset = "llama3.1-tiny"

// Presets lists every preset name, family by family, smallest first. Names
// are "<family>-<size>" with sizes tiny (~5M parameters), small (~50M),
// medium (~200M) and large (~1B).
func Presets() []string {
	var names []string
	for _, f := range families {
		for _, sz := range shapes[f] {
			names = append(names, f+"-"+sz.name)
		}
	}
	return names
}

// Preset returns the named Spec with seed 1 and a context of 8192 tokens
// (enough for the study's prompts; a longer one would only make servers
// with a large default num_ctx reserve more KV cache).
func Preset(name string) (Spec, error) {
	for _, f := range families {
		for _, sz := range shapes[f] {
			if name != f+"-"+sz.name {
				continue
			}
			s := Spec{
				Family: f, Layers: sz.layers, Width: sz.width, Heads: sz.heads, KVHeads: sz.kv,
				FFN: sz.ffn, Vocab: sz.vocab, Ctx: 8192, Seed: 1,
			}
			if sz.head != sz.width/sz.heads {
				s.HeadDim = sz.head
			}
			return s, nil
		}
	}
	return Spec{}, fmt.Errorf("synth: unknown preset %q (want one of %s)", name, strings.Join(Presets(), ", "))
}

// Nominal is the parameter count a preset's size is named after (5e6 for
// "tiny"), or 0 for an unknown name.
func Nominal(name string) int64 {
	for _, f := range families {
		for _, sz := range shapes[f] {
			if name == f+"-"+sz.name {
				return sz.nominal
			}
		}
	}
	return 0
}

// Params is the number of weights [Write] stores for s, embeddings and
// norms included (what Ollama reports as general.parameter_count).
func Params(s Spec) int64 {
	var n int64
	for _, t := range tensors(s) {
		n += t.elems()
	}
	return n
}
