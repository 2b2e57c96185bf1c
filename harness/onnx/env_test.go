package onnx_test

import (
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

func TestModelsAndThreads(t *testing.T) {
	defaults := []string{"tiny-gpt2", "gpt2-5m"}
	t.Setenv(onnx.EnvModels, "")
	specs, err := onnx.Models(defaults)
	if err != nil || len(specs) != 2 || specs[0].Name != "tiny-gpt2" {
		t.Errorf("default Models() = %v, %v", specs, err)
	}
	t.Setenv(onnx.EnvModels, "gpt2-25m, tiny-gpt2")
	specs, err = onnx.Models(defaults)
	if err != nil || len(specs) != 2 || specs[0].Name != "gpt2-25m" || specs[1].Name != "tiny-gpt2" {
		t.Errorf("Models() = %v, %v", specs, err)
	}
	t.Setenv(onnx.EnvModels, "gpt2-5m,nonesuch")
	if _, err := onnx.Models(defaults); err == nil || !strings.Contains(err.Error(), onnx.EnvModels) {
		t.Errorf("an unknown model: %v", err)
	}
	// 1000000000: issue 17, no upper bound and no bound named.
	for env, want := range map[string]int{"": 0, "4": 4, "1024": 1024, "0": -1, "x": -1, "1000000000": -1} {
		t.Setenv(onnx.EnvThreads, env)
		n, err := onnx.Threads()
		if (err == nil) != (want >= 0) || (err == nil && n != want) {
			t.Errorf("%s=%q: %d, %v", onnx.EnvThreads, env, n, err)
		}
		if err != nil && !strings.Contains(err.Error(), onnx.EnvThreads+`="`+env+`": want an integer from 1 to 1024`) {
			t.Errorf("%s=%q: error %q does not name the variable and its bounds", onnx.EnvThreads, env, err)
		}
	}
}

func TestConfigLines(t *testing.T) {
	rt := onnxtest.Require(t)
	lines, err := onnx.ConfigLines(rt, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{"onnxruntime: ", "onnxruntime-sha256: ", "onnxruntime-providers: cpu", "onnxruntime-threads: 2", "onnxsynth: v"} {
		if !strings.Contains(got, want) {
			t.Errorf("config lines lack %q:\n%s", want, got)
		}
	}
}
