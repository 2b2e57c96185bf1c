//go:build unix

package progress

import "os"

// openTerminal opens the process's controlling terminal; it fails when
// there is none (CI, a daemon).
func openTerminal() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_WRONLY, 0) }
