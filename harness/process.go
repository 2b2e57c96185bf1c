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
	"time"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
)

// errServerAddrInUse: the server could not bind its port; try another.
var errServerAddrInUse = errors.New("address already in use")

// A serverProcess is a started server: its process (on unix, its own
// process group: the server, its runners and a watchdog), its log file and
// its exit.
type serverProcess struct {
	cmd      *exec.Cmd
	group    processGroup // what the platform needs to stop the server and what it started
	logPath  string
	logFile  *os.File
	grace    time.Duration
	done     chan struct{} // closed when the server process has exited
	waitErr  error         // its exit, once done is closed
	stopOnce sync.Once
}

// startServerProcess starts bin with args and env, stdout and stderr to a
// new file at logPath; on unix in a new process group with a watchdog (see
// process_unix.go). Cancelling ctx stops it as stop does, without waiting
// for the group. The caller must call stop (from tb.Cleanup).
func startServerProcess(ctx context.Context, bin string, args, env []string, logPath string, grace time.Duration) (*serverProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start ollama %s: %w", bin, err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.WaitDelay = grace
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start ollama %s: %w", bin, err)
	}
	// Until Wait below reaps the server, its group exists for the watchdog
	// to join, even if the server has already exited.
	group, err := watchProcessGroup(cmd, env)
	if err != nil {
		killProcessGroup(cmd)
		cmd.Wait()
		logFile.Close()
		return nil, fmt.Errorf("start ollama %s: watchdog: %w", bin, err)
	}
	p := &serverProcess{
		cmd:     cmd,
		group:   group,
		logPath: logPath,
		logFile: logFile,
		grace:   grace,
		done:    make(chan struct{}),
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
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

// waitExit waits up to d for the server's exit to be observed, and
// reports whether it was. A server that dies closes its connections a
// moment before its exit is reaped: a caller that saw a connection drop
// waits briefly before it concludes that the server lives.
func (p *serverProcess) waitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-t.C:
		return false
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

// stop asks the server to stop (on unix SIGTERM to its group, after which
// Ollama stops its runners), waits up to grace for it to exit, kills it if
// not, then kills whatever it left behind (see processGroup.release). It
// is idempotent.
func (p *serverProcess) stop() {
	p.stopOnce.Do(func() {
		p.group.terminate(p.cmd)
		if !p.waitExit(p.grace) {
			p.group.kill(p.cmd)
			<-p.done
		}
		p.group.release(p.cmd)
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
