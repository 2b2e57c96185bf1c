//go:build !cgo || !linux

package gpu

import (
	"context"
	"fmt"
	"runtime"
)

// openNVML fails: go-nvml's bindings need cgo, and dlopen the driver's
// library as Linux names it.
func openNVML(context.Context, Options) (Sampler, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("%w: read on Linux only", ErrNoNVML)
	}
	return nil, fmt.Errorf("%w: built without cgo", ErrNoNVML)
}
