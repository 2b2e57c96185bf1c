package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
)

// errServerAddrInUse: the server could not bind its port; try another.
var errServerAddrInUse = errors.New("address already in use")

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

// A serverProcess is a started server: its own process group (the server,
// its runners and a watchdog), its log file and its exit.
type serverProcess struct {
	cmd      *exec.Cmd
	watchdog *exec.Cmd
	watchW   *os.File // closing it (or our death) makes the watchdog stop the group
	logPath  string
	logFile  *os.File
	grace    time.Duration
	done     chan struct{} // closed when the server process has exited
	waitErr  error         // its exit, once done is closed
	stopOnce sync.Once
}

// startServerProcess starts bin with args and env in a new process group,
// stdout and stderr to a new file at logPath. Cancelling ctx sends SIGTERM
// to the group and, grace later, SIGKILL to the server; stop does the same
// and also kills whatever else is left in the group. The caller must call
// stop (from tb.Cleanup).
func startServerProcess(ctx context.Context, bin string, args, env []string, logPath string, grace time.Duration) (*serverProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start ollama %s: %w", bin, err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = grace
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start ollama %s: %w", bin, err)
	}
	pgid := cmd.Process.Pid

	// Until Wait below reaps the server, its group exists for the watchdog
	// to join, even if the server has already exited.
	watchR, watchW, err := os.Pipe()
	if err == nil {
		wd := exec.Command("/bin/sh", "-c", serverWatchdogScript)
		wd.Env = env // so that whoever looks for the server's processes finds it too
		wd.Stdin = watchR
		wd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
		err = wd.Start()
		watchR.Close()
		if err == nil {
			p := &serverProcess{
				cmd:      cmd,
				watchdog: wd,
				watchW:   watchW,
				logPath:  logPath,
				logFile:  logFile,
				grace:    grace,
				done:     make(chan struct{}),
			}
			go func() {
				p.waitErr = cmd.Wait()
				close(p.done)
			}()
			return p, nil
		}
		watchW.Close()
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	cmd.Wait()
	logFile.Close()
	return nil, fmt.Errorf("start ollama %s: watchdog: %w", bin, err)
}

// alive reports whether the server process has not exited.
func (p *serverProcess) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// exitErr is how the server exited (nil: status 0); only meaningful once
// it has.
func (p *serverProcess) exitErr() error {
	if p.alive() {
		return errors.New("still running")
	}
	if p.waitErr == nil {
		return errors.New("exit status 0")
	}
	return p.waitErr
}

// stop sends SIGTERM to the group (Ollama then stops its runners), waits
// up to grace for the server to exit, SIGKILLs it if not, then SIGKILLs
// the group: runners the server left behind and the watchdog. The watchdog
// stays in the group until then, so the group id cannot have been reused.
// It is idempotent.
func (p *serverProcess) stop() {
	p.stopOnce.Do(func() {
		pgid := p.cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(p.grace):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
		syscall.Kill(-pgid, syscall.SIGKILL)
		p.watchW.Close()
		p.watchdog.Wait()
		p.logFile.Close()
	})
}

// waitReady waits until the server at addr is ready and returns its
// version. Ready means its log says it listens on addr (so that another
// process answering on the port is not taken for it) and /api/version
// answers. It fails when the server exits first (errServerAddrInUse if its
// port was taken), when its log shows no progress for stall, or with ctx.
func (p *serverProcess) waitReady(ctx context.Context, addr string, stall time.Duration) (string, error) {
	client := api.NewClient(&url.URL{Scheme: "http", Host: addr}, &http.Client{Timeout: 2 * time.Second})
	listening := []byte("Listening on " + addr + " ")
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	lastSize, lastProgress := -1, time.Now()
	for {
		select {
		case <-p.done:
			tail := logtail.Tail(p.logPath, 20)
			if strings.Contains(tail, "address already in use") {
				return "", fmt.Errorf("ollama on %s: %w", addr, errServerAddrInUse)
			}
			return "", fmt.Errorf("ollama on %s exited before it was ready (%v); last lines of %s:\n%s", addr, p.exitErr(), p.logPath, tail)
		case <-ctx.Done():
			return "", fmt.Errorf("ollama on %s: waiting for it to be ready: %w", addr, context.Cause(ctx))
		case <-poll.C:
		}
		log, err := os.ReadFile(p.logPath)
		if err != nil {
			return "", fmt.Errorf("ollama on %s: %w", addr, err)
		}
		if len(log) != lastSize {
			lastSize, lastProgress = len(log), time.Now()
		}
		if bytes.Contains(log, listening) {
			if v, err := client.Version(ctx); err == nil {
				return v, nil
			}
		}
		if time.Since(lastProgress) > stall {
			return "", fmt.Errorf("ollama on %s not ready and silent for %s; last lines of %s:\n%s", addr, stall, p.logPath, logtail.Tail(p.logPath, 20))
		}
	}
}
