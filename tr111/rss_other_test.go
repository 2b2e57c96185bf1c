//go:build !(linux || darwin)

package tr111

import "os"

// peakRSS is not measured here: this OS's rusage has no maximum RSS.
func peakRSS(*os.ProcessState) (float64, bool) { return 0, false }
