//go:build linux || darwin

package tr111

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the peak resident set size of an exited process, in bytes.
func peakRSS(ps *os.ProcessState) (float64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss), true // bytes
	}
	return float64(ru.Maxrss) * 1024, true // Linux reports KiB
}
