package onnx_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// A session without graph optimisation runs the same model: a prefill and
// decode steps choose the same tokens as the optimised default.
func TestNoGraphOptimizationRunsTheSameModel(t *testing.T) {
	rt := onnxtest.Require(t)
	spec, err := onnxsynth.Preset("gpt2-5m")
	if err != nil {
		t.Fatal(err)
	}
	w, err := onnxsynth.NewWeights(spec)
	if err != nil {
		t.Fatal(err)
	}
	model := onnxsynth.Model(w)
	batch := onnx.Batch{Prompts: [][]int64{onnx.StudyPrompts("short")[0].Tokens, onnx.StudyPrompts("medium")[1].Tokens}, Steps: 4}
	var outs [][][]int64
	for _, off := range []bool{false, true} {
		d, err := onnx.NewDecoder(rt, spec, model, onnx.SessionConfig{NoGraphOptimization: off})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := d.Run(batch)
		d.Close()
		if err != nil || !rec.OK() {
			t.Fatalf("NoGraphOptimization=%t: %v %s", off, err, rec.Degraded)
		}
		outs = append(outs, rec.Output)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Errorf("tokens mismatch (-optimised +as written):\n%s", diff)
	}
}
