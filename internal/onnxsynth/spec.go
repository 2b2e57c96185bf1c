package onnxsynth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Version names the weight recipe and the graph. It is part of every
// [Fingerprint]; bump it whenever [Model]'s bytes change for the same Spec
// (TestModelIsPinned fails until you do).
const Version = 1

// A Spec describes one synthetic GPT-2-style decoder. Its zero value is not
// valid; start from [Preset].
type Spec struct {
	Name   string // preset name, written into the model's metadata
	Vocab  int    // tokens (GPT-2: 50257)
	Ctx    int    // learned positions (GPT-2: 1024)
	Width  int    // embedding width D; the MLP is 4·D wide, as in GPT-2
	Layers int    // transformer blocks
	Heads  int    // attention heads; Width must be a multiple

	// Seed selects the random weights: the same Spec always gives the
	// same bytes.
	Seed uint64
}

// HeadDim is the per-head size, Width/Heads.
func (s Spec) HeadDim() int { return s.Width / s.Heads }

// Validate reports why a Spec cannot be built, or nil.
func (s Spec) Validate() error {
	switch {
	case s.Vocab < 2, s.Ctx < 1, s.Width < 1, s.Layers < 1, s.Heads < 1:
		return fmt.Errorf("onnxsynth: vocab (≥2), ctx, width, layers and heads must be positive: %+v", s)
	case s.Width%s.Heads != 0:
		return fmt.Errorf("onnxsynth: width %d not a multiple of heads %d", s.Width, s.Heads)
	}
	return nil
}

// Params is the number of weights the model stores: embeddings (the LM
// head is tied to the token embedding, as in GPT-2), positions, blocks and
// the final norm: V·D + C·D + L·(12D² + 13D) + 2D.
func Params(s Spec) int64 {
	var n int64
	for _, t := range tensors(s) {
		n += t.elems()
	}
	return n
}

// Fingerprint identifies the bytes [Model] produces for s: a hex SHA-256 of
// [Version] and every field, known before anything is built.
func Fingerprint(s Spec) string {
	h := sha256.Sum256(fmt.Appendf(nil, "chimeraforge onnxsynth v%d %+v", Version, s))
	return hex.EncodeToString(h[:])
}

// shape is one row of the preset table.
type shape struct {
	name                 string
	width, layers, heads int
}

// presets are the study's TR118 models (tr118/models.csv), smallest first.
// Every parameter count equals the study's exactly with GPT-2's vocabulary
// (50257) and context (1024): the widths and depths were solved from them
// (TestPresetsMatchTheStudy). The study's files do not record head counts;
// ours keep GPT-2's head size of 64 where the width allows it.
var presets = []shape{
	{"tiny-gpt2", 2, 2, 2},    // sshleifer/tiny-gpt2: 102,714
	{"gpt2-5m", 80, 12, 2},    // 5,036,720 (head size 40)
	{"gpt2-11m", 192, 3, 3},   // 11,180,928 (the study's "gpt2-1m" run)
	{"gpt2-25m", 384, 3, 6},   // 25,016,064
	{"gpt2-45m", 512, 6, 8},   // 45,171,200
	{"gpt2-50m", 512, 8, 8},   // 51,475,968
	{"gpt2-75m", 768, 5, 12},  // 74,824,704
	{"gpt2-100m", 768, 8, 12}, // 96,088,320
	{"gpt2", 768, 12, 12},     // 124,439,808
}

// Presets lists every preset name, smallest first.
func Presets() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.name
	}
	return names
}

// Preset returns the named Spec with GPT-2's vocabulary and context and
// seed 1.
func Preset(name string) (Spec, error) {
	for _, p := range presets {
		if p.name == name {
			return Spec{Name: p.name, Vocab: 50257, Ctx: 1024, Width: p.width, Layers: p.layers, Heads: p.heads, Seed: 1}, nil
		}
	}
	return Spec{}, fmt.Errorf("onnxsynth: unknown preset %q (want one of %s)", name, strings.Join(Presets(), ", "))
}
