package tr117

import (
	"fmt"
	"math"

	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
	"github.com/chimeraforge/chimeraforge/internal/synth"
)

// A Size is one row of the cross-backend matrix: a synthetic GGUF model
// that Ollama serves and the synthetic ONNX model nearest to it in
// parameters, which ONNX Runtime runs.
type Size struct {
	Name       string // the GGUF preset's size: "tiny", "small"
	GGUF       string // internal/synth preset, e.g. "llama3.1-tiny"
	ONNX       string // internal/onnxsynth preset, e.g. "gpt2-5m"
	GGUFParams int64
	ONNXParams int64
}

// sizeNames are the sizes BenchmarkTR117 runs: synth's two smallest, which
// a CPU decodes in well under a second per call.
var sizeNames = []string{"tiny", "small"}

// ggufFamily is the family of the GGUF side: llama3.1 is served by
// Ollama's llama.cpp runner, and its presets are the harness's default.
const ggufFamily = "llama3.1"

// Sizes returns the matrix's sizes, each GGUF preset matched with the
// onnxsynth preset nearest in parameter count (Nearest).
func Sizes() ([]Size, error) {
	var out []Size
	for _, n := range sizeNames {
		name := ggufFamily + "-" + n
		spec, err := synth.Preset(name)
		if err != nil {
			return nil, err
		}
		p := synth.Params(spec)
		onnx, op, err := Nearest(p)
		if err != nil {
			return nil, err
		}
		out = append(out, Size{Name: n, GGUF: name, ONNX: onnx, GGUFParams: p, ONNXParams: op})
	}
	return out, nil
}

// Nearest returns the onnxsynth preset whose parameter count is nearest to
// params by ratio (|ln(a/b)|), and its count.
func Nearest(params int64) (string, int64, error) {
	if params <= 0 {
		return "", 0, fmt.Errorf("tr117: no model matches %d parameters", params)
	}
	best, bestParams, bestDist := "", int64(0), math.Inf(1)
	for _, n := range onnxsynth.Presets() {
		spec, err := onnxsynth.Preset(n)
		if err != nil {
			return "", 0, err
		}
		p := onnxsynth.Params(spec)
		if d := math.Abs(math.Log(float64(p) / float64(params))); d < bestDist {
			best, bestParams, bestDist = n, p, d
		}
	}
	return best, bestParams, nil
}

// ConfigLine is the benchfmt config line that says which models a size
// compares, under a provenance key of the ONNX side (onnx…, which
// .ci/check-bench allows): "onnxsynth-tiny: gpt2-5m 5036720 params,
// nearest to llama3.1-tiny 5507328 params".
func (s Size) ConfigLine() string {
	return fmt.Sprintf("onnxsynth-%s: %s %d params, nearest to %s %d params", s.Name, s.ONNX, s.ONNXParams, s.GGUF, s.GGUFParams)
}
