//go:build !unix

package progress

import "os"

// openTerminal opens the console; it fails when there is none.
func openTerminal() (*os.File, error) { return os.OpenFile("CONOUT$", os.O_WRONLY, 0) }
