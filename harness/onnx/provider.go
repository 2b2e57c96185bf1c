package onnx

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// A Provider is an ONNX Runtime execution provider, by the short name that
// benchmark names and records carry ("provider=cpu").
type Provider string

const (
	CPU      Provider = "cpu"
	CUDA     Provider = "cuda"
	TensorRT Provider = "tensorrt"
)

// Providers lists every provider a benchmark tries, CPU first.
func Providers() []Provider { return []Provider{CPU, CUDA, TensorRT} }

// ORTName is ONNX Runtime's own name for the provider.
func (p Provider) ORTName() string {
	switch p {
	case CPU:
		return "CPUExecutionProvider"
	case CUDA:
		return "CUDAExecutionProvider"
	case TensorRT:
		return "TensorrtExecutionProvider"
	}
	return string(p)
}

// ErrProviderUnavailable is wrapped when the loaded library, or this
// machine, cannot run a provider: a benchmark skips it with the reason.
var ErrProviderUnavailable = errors.New("execution provider unavailable")

// ErrNoCgo is wrapped by [Start] in a binary built without cgo, which
// cannot load a C library.
var ErrNoCgo = errors.New("built without cgo (CGO_ENABLED=0): ONNX Runtime needs cgo")

// SessionConfig says how to run a model. The zero value runs it on the CPU
// with ONNX Runtime's default threads.
type SessionConfig struct {
	// Provider runs the graph; "" means CPU. Any other provider is strict:
	// a node it cannot run fails the session instead of falling back to
	// the CPU unseen (the study's "onnxruntime-gpu" ran on the CPU).
	Provider Provider
	// IntraOpThreads is the CPU threads per operator; 0 leaves ONNX
	// Runtime's default (one per physical core).
	IntraOpThreads int
	// NoGraphOptimization runs the graph as written (ORT_DISABLE_ALL)
	// instead of ONNX Runtime's default, every graph optimisation at
	// session creation (fusions, constant folding, layout changes): the
	// analogue of the study's eager against torch.compile (tr120).
	NoGraphOptimization bool
	// Inputs and Outputs are the graph's input and output names, in the
	// order [Session.Run] takes and returns values.
	Inputs, Outputs []string
}

func (c SessionConfig) provider() Provider {
	if c.Provider == "" {
		return CPU
	}
	return c.Provider
}

func unavailable(p Provider, why error) error {
	return fmt.Errorf("%s (%s): %w: %v", p, p.ORTName(), ErrProviderUnavailable, why)
}

// Provenance returns the benchfmt config lines that identify the runtime a
// benchmark ran on: the library's version and SHA-256 (which build, from
// anywhere), and the providers it can run here, so that runs on unlike
// runtimes are never pooled.
func (r *Runtime) Provenance() ([]string, error) {
	sum, err := fileSHA256(r.Library())
	if err != nil {
		return nil, err
	}
	var can []string
	for _, p := range Providers() {
		if r.Available(p) == nil {
			can = append(can, string(p))
		}
	}
	return []string{
		"onnxruntime: " + r.Version(),
		"onnxruntime-sha256: " + sum,
		"onnxruntime-providers: " + strings.Join(can, ","),
	}, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
