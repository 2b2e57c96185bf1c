//go:build unix

package harness

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// serverWatchdogGrace is how long the watchdog lets a server shut down
// after SIGTERM before it SIGKILLs the group.
const serverWatchdogGrace = "3"

// serverWatchdogScript runs in the server's process group with stdin the
// read end of a pipe whose only write end the test process holds. read
// returns at EOF, when the test process has gone for any reason — an
// interrupt, -test.timeout's panic, SIGKILL — none of which runs
// tb.Cleanup. It then stops the whole group: the server, and the runner
// processes it started (Ollama gives its runners no parent-death signal,
// so a parent-death signal on the server alone would orphan them). It
// ignores the signals it sends and the ones our normal stop sends, and dies
// with the group's SIGKILL.
const serverWatchdogScript = `trap '' TERM INT HUP
read -r _line
kill -s TERM 0
sleep ` + serverWatchdogGrace + `
kill -s KILL 0
`

// ownProcessGroup makes cmd the leader of a new process group, which its
// cancellation sends SIGTERM.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
}

// A processGroup is the server's process group (its id is the server's
// pid) and the watchdog in it. The watchdog stays in the group until
// release, so the group id cannot have been reused when we signal it.
type processGroup struct {
	watchdog *exec.Cmd
	watchW   *os.File // closing it (or our death) makes the watchdog stop the group
}

// watchProcessGroup starts the watchdog in cmd's group.
func watchProcessGroup(cmd *exec.Cmd, env []string) (processGroup, error) {
	watchR, watchW, err := os.Pipe()
	if err != nil {
		return processGroup{}, err
	}
	defer watchR.Close()
	wd := exec.Command("/bin/sh", "-c", serverWatchdogScript)
	wd.Env = env // so that whoever looks for the server's processes finds it too
	wd.Stdin = watchR
	wd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: cmd.Process.Pid}
	if err := wd.Start(); err != nil {
		watchW.Close()
		return processGroup{}, err
	}
	return processGroup{watchdog: wd, watchW: watchW}, nil
}

// killProcessGroup SIGKILLs cmd's whole group.
func killProcessGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

func (processGroup) terminate(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
func (processGroup) kill(cmd *exec.Cmd)      { killProcessGroup(cmd) }

// release SIGKILLs what is left of the group (runners the server left
// behind, the watchdog) and reaps the watchdog.
func (g processGroup) release(cmd *exec.Cmd) {
	killProcessGroup(cmd)
	g.watchW.Close()
	g.watchdog.Wait()
}

// processGone reports whether no process has the id pid. A process that
// exists but is not ours (EPERM) is not gone; a pid reused since is taken
// for the owner, which only keeps a leftover longer.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// homeEnv points the server's home directory at home.
func homeEnv(home string) []string { return []string{"HOME=" + home} }

// isExecutable reports whether the mode allows someone to execute the file.
func isExecutable(fi os.FileInfo) bool { return fi.Mode()&0o111 != 0 }
