// Package onnxtest gives a test binary its one ONNX Runtime: [Main] starts
// it from TestMain and closes it after the tests, and [Require] hands it to
// a test or benchmark, or skips with the reason and the way out.
//
// Where the library comes from: ONNXRUNTIME_SHARED_LIBRARY_PATH, else the
// cache (onnx.CachedLibraryPath), else a fetch from the npm registry
// (onnx.FetchLibrary) when one is allowed: always when benchmarks were asked
// for (-test.bench), never for plain tests unless CHIMERA_ONNXRUNTIME_FETCH=1
// (so go test ./... stays off the network); CHIMERA_ONNXRUNTIME_FETCH=0
// forbids it to benchmarks too.
package onnxtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

// The process's runtime, set once by Main before any test runs: ONNX
// Runtime's environment is process-global, so its handle is too.
var process struct {
	started bool
	rt      *onnx.Runtime
	err     error // why there is no runtime
}

// Main runs m's tests with the process's ONNX Runtime started, when a
// library can be had, and returns the exit code for os.Exit. Call it from
// TestMain: func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }.
func Main(m *testing.M) int {
	flag.Parse()
	process.started = true
	process.rt, process.err = start()
	code := m.Run()
	if process.rt != nil {
		if err := process.rt.Close(); err != nil && code == 0 {
			fmt.Fprintf(os.Stderr, "# onnxtest: closing ONNX Runtime failed: %v\n", err)
			code = 1
		}
	}
	return code
}

// fetchTimeout bounds a fetch (~1 s on a fast link, 86 MB).
const fetchTimeout = 10 * time.Minute

func start() (*onnx.Runtime, error) {
	lib, err := onnx.FindLibrary()
	if errors.Is(err, onnx.ErrNoLibrary) && fetchAllowed() {
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		defer cancel()
		lib, err = onnx.FetchLibrary(ctx)
	}
	if err != nil {
		return nil, err
	}
	return onnx.Start(lib)
}

// fetchAllowed reads EnvFetch: 1 yes, 0 no, unset only for benchmarks.
func fetchAllowed() bool {
	switch os.Getenv(onnx.EnvFetch) {
	case "1":
		return true
	case "0":
		return false
	}
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}

// Require returns the process's runtime, or skips tb with the reason it
// could not be had (no library: say how to get one; no cgo). A library
// that is present but fails to start fails tb instead.
func Require(tb testing.TB) *onnx.Runtime {
	tb.Helper()
	if !process.started {
		tb.Fatal("onnxtest: call onnxtest.Main from TestMain before Require")
	}
	switch err := process.err; {
	case err == nil:
		return process.rt
	case errors.Is(err, onnx.ErrNoLibrary), errors.Is(err, onnx.ErrNoCgo):
		tb.Skipf("onnx: %v", err)
	default:
		tb.Fatalf("onnx: %v", err)
	}
	return nil
}
