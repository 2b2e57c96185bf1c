//go:build !unix

package ollamabuild

import (
	"errors"
	"os"
	"os/exec"
)

// Here checkOS refuses the build before any lock or process is needed;
// these exist so that the package (and callers that skip on
// ErrMissingPrereq) compile.

func tryLock(*os.File) (locked bool, err error) { return false, errors.ErrUnsupported }

// ownProcessGroup leaves cmd as it is: cancelling kills go only.
func ownProcessGroup(*exec.Cmd) {}
