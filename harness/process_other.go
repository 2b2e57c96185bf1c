//go:build !unix

package harness

import (
	"os"
	"os/exec"
)

// Without unix process groups (Windows) the server runs as a plain child:
// cancelling or stopping it kills the server process (Windows has no
// SIGTERM to ask it first), and nothing watches for the test binary's
// death, so a test binary killed without its cleanup leaves the server
// and any runner it started running; a Job object would be the way to
// bind them to the test.

// ownProcessGroup leaves cmd as it is: its cancellation kills the server.
func ownProcessGroup(*exec.Cmd) {}

// A processGroup is nothing here: there is only the server.
type processGroup struct{}

func watchProcessGroup(*exec.Cmd, []string) (processGroup, error) { return processGroup{}, nil }

func killProcessGroup(cmd *exec.Cmd) { cmd.Process.Kill() }

func (processGroup) terminate(cmd *exec.Cmd) { cmd.Process.Kill() }
func (processGroup) kill(cmd *exec.Cmd)      { cmd.Process.Kill() }
func (processGroup) release(*exec.Cmd)       {}

// processGone is false: without a cheap, reliable check here (Windows may
// keep a dead process's id openable, and reuses ids), leftover server
// directories are not reaped, only left in the OS temp dir.
func processGone(int) bool { return false }

// homeEnv points the server's home directory at home: Go's
// os.UserHomeDir reads USERPROFILE on Windows, HOME elsewhere.
func homeEnv(home string) []string { return []string{"HOME=" + home, "USERPROFILE=" + home} }

// isExecutable is true: Windows decides by the file's extension, and
// starting the file says whether it can be.
func isExecutable(os.FileInfo) bool { return true }
