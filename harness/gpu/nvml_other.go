//go:build !cgo || !linux || !nvml

package gpu

import (
	"context"
	"fmt"
	"os"
	"runtime"
)

// openNVML fails: go-nvml's bindings need cgo and dlopen the driver's
// library as Linux names it, and they are built only with -tags nvml.
//
// The tag keeps them out of default builds because compiling go-nvml
// prints some 150 lines of C deprecation warnings (its cgo prologue calls
// functions NVML 13 deprecates), which a newcomer's first go test would
// show; with the tag, CGO_CFLAGS=-Wno-deprecated-declarations silences them.
func openNVML(context.Context, Options) (Sampler, error) {
	switch {
	case runtime.GOOS != "linux":
		return nil, fmt.Errorf("%w: read on Linux only", ErrNoNVML)
	case !cgoEnabled:
		return nil, fmt.Errorf("%w: built without cgo", ErrNoNVML)
	case nvidiaPresent():
		return nil, fmt.Errorf("%w: an NVIDIA GPU is here, but this binary was built without -tags nvml; add it to measure the GPU's power and energy", ErrNoNVML)
	}
	return nil, fmt.Errorf("%w: built without -tags nvml", ErrNoNVML)
}

// nvidiaPresent reports whether the NVIDIA driver's control device exists.
func nvidiaPresent() bool {
	_, err := os.Stat("/dev/nvidiactl")
	return err == nil
}
