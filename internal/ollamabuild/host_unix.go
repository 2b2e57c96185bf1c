//go:build unix

package ollamabuild

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// tryLock takes an exclusive flock(2) on f without blocking; locked is false
// when another open file description holds it.
func tryLock(f *os.File) (locked bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return false, nil
	}
	return false, err
}

// ownProcessGroup starts cmd in a process group of its own and makes
// cancelling send SIGTERM to the whole group (go and the compilers it runs).
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
}
