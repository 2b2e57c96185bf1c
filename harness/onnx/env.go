package onnx

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/internal/envvar"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// EnvModels names the synthetic models an ONNX benchmark runs:
// comma-separated onnxsynth presets.
const EnvModels = "CHIMERA_ONNX_MODELS"

// Models reads EnvModels at call time, else takes defaults, into presets.
func Models(defaults []string) ([]onnxsynth.Spec, error) {
	names := defaults
	if env := os.Getenv(EnvModels); env != "" {
		names = strings.Split(env, ",")
	}
	var specs []onnxsynth.Spec
	for _, n := range names {
		s, err := onnxsynth.Preset(strings.TrimSpace(n))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvModels, err)
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// EnvThreads sets ONNX Runtime's intra-op threads (default: its own, one
// per physical core).
const EnvThreads = "CHIMERA_ONNX_THREADS"

// MaxThreads bounds EnvThreads: no machine the suite runs on has more
// cores (harness.MaxNumThread, the same bound, sits in a package above
// this one).
const MaxThreads = 1024

// Threads reads EnvThreads at call time, 1 to [MaxThreads]; 0 means ONNX
// Runtime's default.
func Threads() (int, error) {
	n, _, err := envvar.Int(os.Getenv, EnvThreads, 1, MaxThreads)
	return n, err
}

// ConfigLines are an ONNX benchmark's own config lines: the runtime's
// [Runtime.Provenance], the thread setting and the synthetic recipe's
// version, so that runs of unlike setups are never pooled.
func ConfigLines(r *Runtime, threads int) ([]string, error) {
	lines, err := r.Provenance()
	if err != nil {
		return nil, err
	}
	t := "default"
	if threads > 0 {
		t = strconv.Itoa(threads)
	}
	return append(lines, "onnxruntime-threads: "+t, "onnxsynth: v"+strconv.Itoa(onnxsynth.Version)), nil
}
