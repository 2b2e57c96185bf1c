//go:build cgo

package onnx

import (
	"errors"
	"fmt"
	"slices"

	ort "github.com/yalue/onnxruntime_go"
)

// A Runtime is the process's ONNX Runtime: the library loaded and its one
// environment. Start it once per process (a test binary's TestMain; see
// onnxtest) and pass it around; Close it last.
type Runtime struct {
	lib     string
	version string
}

// Start loads the library at lib and initialises ONNX Runtime's
// environment. A second Start before Close fails: the environment is
// process-global.
func Start(lib string) (*Runtime, error) {
	if ort.IsInitialized() {
		return nil, errors.New("onnx: ONNX Runtime already started in this process")
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelFatal()); err != nil {
		return nil, fmt.Errorf("start ONNX Runtime from %s: %w", lib, err)
	}
	return &Runtime{lib: lib, version: ort.GetVersion()}, nil
}

// Close destroys the environment and unloads the library.
func (r *Runtime) Close() error { return ort.DestroyEnvironment() }

// Version is the loaded library's version ("1.24.1").
func (r *Runtime) Version() string { return r.version }

// Library is the path the library was loaded from.
func (r *Runtime) Library() string { return r.lib }

// Available reports whether the library and machine can run p: nil, or an
// error wrapping [ErrProviderUnavailable] with ONNX Runtime's own words.
func (r *Runtime) Available(p Provider) error {
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return err
	}
	defer opts.Destroy()
	return appendProvider(opts, p)
}

func appendProvider(opts *ort.SessionOptions, p Provider) error {
	switch p {
	case CPU:
		return nil
	case CUDA:
		o, err := ort.NewCUDAProviderOptions()
		if err != nil {
			return unavailable(p, err)
		}
		defer o.Destroy()
		if err := opts.AppendExecutionProviderCUDA(o); err != nil {
			return unavailable(p, err)
		}
	case TensorRT:
		o, err := ort.NewTensorRTProviderOptions()
		if err != nil {
			return unavailable(p, err)
		}
		defer o.Destroy()
		if err := opts.AppendExecutionProviderTensorRT(o); err != nil {
			return unavailable(p, err)
		}
	default:
		return unavailable(p, errors.New("unknown provider"))
	}
	// Without this, nodes the provider cannot run silently go to the CPU.
	return opts.AddSessionConfigEntry("session.disable_cpu_ep_fallback", "1")
}

// A Session is one model on one provider.
type Session struct {
	s        *ort.DynamicAdvancedSession
	provider Provider
	outputs  int
}

// NewSession loads model (ONNX bytes) on cfg's provider. A provider the
// library lacks is an error wrapping [ErrProviderUnavailable].
func (r *Runtime) NewSession(model []byte, cfg SessionConfig) (*Session, error) {
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer opts.Destroy()
	if cfg.IntraOpThreads > 0 {
		if err := opts.SetIntraOpNumThreads(cfg.IntraOpThreads); err != nil {
			return nil, err
		}
	}
	if cfg.NoGraphOptimization {
		if err := opts.SetGraphOptimizationLevel(ort.GraphOptimizationLevelDisableAll); err != nil {
			return nil, err
		}
	}
	p := cfg.provider()
	if err := appendProvider(opts, p); err != nil {
		return nil, err
	}
	s, err := ort.NewDynamicAdvancedSessionWithONNXData(model, cfg.Inputs, cfg.Outputs, opts)
	if err != nil {
		return nil, fmt.Errorf("onnx: new %s session: %w", p, err)
	}
	return &Session{s: s, provider: p, outputs: len(cfg.Outputs)}, nil
}

// Provider is the provider the session runs on: the one asked for, since
// any other would have failed NewSession.
func (s *Session) Provider() Provider { return s.provider }

// Run runs the graph on inputs (in SessionConfig.Inputs order) into
// outputs (in SessionConfig.Outputs order) and returns the outputs. A nil
// outputs, or a nil entry, is allocated by ONNX Runtime and copied into Go
// memory, owned by the caller, who closes it; a given Value must have the
// output's shape, and is written in place, with no allocation and no copy.
func (s *Session) Run(inputs, outputs []*Value) ([]*Value, error) {
	if outputs != nil && len(outputs) != s.outputs {
		return nil, fmt.Errorf("onnx: %d outputs given, the session has %d", len(outputs), s.outputs)
	}
	in := make([]ort.Value, len(inputs))
	for i, v := range inputs {
		in[i] = v.v
	}
	out := make([]ort.Value, s.outputs)
	for i, v := range outputs {
		if v != nil {
			out[i] = v.v
		}
	}
	if err := s.s.Run(in, out); err != nil {
		return nil, err
	}
	vals := make([]*Value, len(out))
	for i, o := range out {
		if outputs != nil && outputs[i] != nil {
			vals[i] = outputs[i]
		} else {
			vals[i] = &Value{v: o}
		}
	}
	return vals, nil
}

// Close releases the session.
func (s *Session) Close() error { return s.s.Destroy() }

// A Value is a tensor that a Session takes or returns. Its data lives in
// Go memory; Close releases ONNX Runtime's handle.
type Value struct{ v ort.Value }

// NewFloat32 wraps data (not copied) as a float32 tensor of shape.
func (r *Runtime) NewFloat32(shape []int64, data []float32) (*Value, error) {
	t, err := ort.NewTensor(ort.NewShape(shape...), data)
	if err != nil {
		return nil, err
	}
	return &Value{v: t}, nil
}

// NewInt64 wraps data (not copied) as an int64 tensor of shape.
func (r *Runtime) NewInt64(shape []int64, data []int64) (*Value, error) {
	t, err := ort.NewTensor(ort.NewShape(shape...), data)
	if err != nil {
		return nil, err
	}
	return &Value{v: t}, nil
}

// Shape is the tensor's shape.
func (v *Value) Shape() []int64 { return slices.Clone(v.v.GetShape()) }

// Float32s is a float32 tensor's data (not a copy), or an error for
// another element type.
func (v *Value) Float32s() ([]float32, error) {
	t, ok := v.v.(*ort.Tensor[float32])
	if !ok {
		return nil, fmt.Errorf("onnx: %T is not a float32 tensor", v.v)
	}
	return t.GetData(), nil
}

// Close releases the tensor.
func (v *Value) Close() error { return v.v.Destroy() }
