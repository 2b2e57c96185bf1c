//go:build !cgo

package onnx

import "fmt"

// Without cgo there is no ONNX Runtime: Start fails with [ErrNoCgo] and
// nothing else can be reached. The types keep the cgo build's API so that
// callers build either way.

type Runtime struct{}

func Start(lib string) (*Runtime, error) {
	return nil, fmt.Errorf("start ONNX Runtime from %s: %w", lib, ErrNoCgo)
}

func (r *Runtime) Close() error               { return ErrNoCgo }
func (r *Runtime) Version() string            { return "" }
func (r *Runtime) Library() string            { return "" }
func (r *Runtime) Available(p Provider) error { return unavailable(p, ErrNoCgo) }
func (r *Runtime) NewSession([]byte, SessionConfig) (*Session, error) {
	return nil, ErrNoCgo
}
func (r *Runtime) NewFloat32([]int64, []float32) (*Value, error) { return nil, ErrNoCgo }
func (r *Runtime) NewInt64([]int64, []int64) (*Value, error)     { return nil, ErrNoCgo }

type Session struct{}

func (s *Session) Provider() Provider                  { return "" }
func (s *Session) Run(_, _ []*Value) ([]*Value, error) { return nil, ErrNoCgo }
func (s *Session) Close() error                        { return ErrNoCgo }

type Value struct{}

func (v *Value) Shape() []int64               { return nil }
func (v *Value) Float32s() ([]float32, error) { return nil, ErrNoCgo }
func (v *Value) Close() error                 { return ErrNoCgo }
