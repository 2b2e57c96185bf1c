//go:build unix

package harness

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// srvFakeOllama writes an executable that runs the fake Ollama with the
// given behaviour and returns its path.
func srvFakeOllama(t *testing.T, mode string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ollama")
	script := fmt.Sprintf("#!/bin/sh\nHARNESS_FAKE_OLLAMA=%s exec %s -test.run='^TestServersHelperFakeOllama$' \"$@\"\n", mode, strconv.Quote(self))
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func srvPidAlive(pid int) bool {
	// Signal 0 checks existence; a zombie has no /proc/<pid>/environ content
	// but still exists until reaped, so also require a non-zombie state.
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

// srvProcessesWithEnv returns the pids of live processes whose initial
// environment contains the exact entry "KEY=value".
func srvProcessesWithEnv(t *testing.T, entry string) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue // gone, or not ours
		}
		if slices.ContainsFunc(bytes.Split(env, []byte{0}), func(kv []byte) bool { return string(kv) == entry }) && srvPidAlive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func srvDescribe(pids []int) string {
	var b strings.Builder
	for _, pid := range pids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		fmt.Fprintf(&b, "  %d %s\n", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
	}
	return b.String()
}

func TestProcessStopKillsRunnersAndWatchdog(t *testing.T) {
	requireProcFS(t)
	marker := "HARNESS_TEST_MARKER=" + strconv.FormatInt(time.Now().UnixNano(), 36)
	bin := srvFakeOllama(t, "runner")
	env := append(os.Environ(), "OLLAMA_HOST=127.0.0.1:0", marker)
	p, err := startServerProcess(t.Context(), bin, []string{"serve"}, env, filepath.Join(t.TempDir(), "log"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	// server, runner, watchdog
	deadline := time.Now().Add(10 * time.Second)
	for len(srvProcessesWithEnv(t, marker)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("expected server, runner and watchdog; found:\n%s\nlog:\n%s", srvDescribe(srvProcessesWithEnv(t, marker)), logtail.Tail(p.logPath, 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop()
	// SIGKILL is delivered asynchronously: give the kernel a moment.
	srvWaitGone(t, marker, 2*time.Second)
}

// srvWaitGone waits until no live process carries the environment entry,
// failing the test (and killing them) if some still do after d.
func srvWaitGone(t *testing.T, entry string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := srvProcessesWithEnv(t, entry)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes left after %s:\n%s", d, srvDescribe(left))
			for _, pid := range left {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProcessStopEscalatesToKill(t *testing.T) {
	bin := srvFakeOllama(t, "ignore-term")
	env := append(os.Environ(), "OLLAMA_HOST=127.0.0.1:0")
	p, err := startServerProcess(t.Context(), bin, []string{"serve"}, env, filepath.Join(t.TempDir(), "log"), 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	// The fake logs "Listening on" after it has started ignoring SIGTERM.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logtail.Tail(p.logPath, 5), "Listening on") {
		if time.Now().After(deadline) || !p.alive() {
			t.Fatalf("fake did not start:\n%s", logtail.Tail(p.logPath, 20))
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	p.stop()
	took := time.Since(start)
	if p.alive() {
		t.Fatal("server alive after stop")
	}
	if took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("stop took %s; want the 300ms grace, then SIGKILL", took)
	}
	var exit *exec.ExitError
	if !errors.As(p.exitErr(), &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("server exit = %v, want killed by SIGKILL", p.exitErr())
	}
}

func requireProcFS(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skipf("needs Linux /proc to find processes: %v", err)
	}
}

// A test binary killed by an interrupt or by -test.timeout runs no
// cleanup; its servers, and their runners, must die anyway.
func TestServersNoOrphan(t *testing.T) {
	requireProcFS(t)
	bins := []struct{ name, bin string }{{"fake", srvFakeOllama(t, "runner")}}
	if real := srvRealOllama(); real != "" {
		bins = append(bins, struct{ name, bin string }{"real", real})
	} else {
		t.Log("no real Ollama (CHIMERA_OLLAMA_BIN, PATH, cached embedded build): testing the fake only")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bins {
		for _, how := range []string{"interrupt", "test-timeout"} {
			t.Run(b.name+"/"+how, func(t *testing.T) {
				t.Parallel()
				marker := fmt.Sprintf("%s-%s-%d", b.name, how, time.Now().UnixNano())
				ready := filepath.Join(t.TempDir(), "ready")
				timeout := "10m"
				if how == "test-timeout" {
					timeout = "6s"
				}
				child := exec.Command(self, "-test.run=^TestServersHelperOrphanChild$", "-test.timeout="+timeout)
				tmp := t.TempDir() // the child's leftovers, apart from any other test's
				child.Env = append(os.Environ(),
					"TMPDIR="+tmp,
					"CHIMERA_OLLAMA_URLS=",
					"CHIMERA_OLLAMA_BIN="+b.bin,
					"HARNESS_ORPHAN_MARKER_VALUE="+marker,
					"HARNESS_ORPHAN_READY="+ready,
				)
				var out bytes.Buffer
				child.Stdout, child.Stderr = &out, &out
				if err := child.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan error, 1)
				go func() { exited <- child.Wait() }()
				entry := "HARNESS_ORPHAN_MARKER=" + marker
				t.Cleanup(func() {
					// Never leave what this test looks for behind, even when it fails.
					child.Process.Kill()
					for _, pid := range srvProcessesWithEnv(t, entry) {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				})

				for {
					if _, err := os.Stat(ready); err == nil {
						break
					}
					select {
					case err := <-exited:
						t.Fatalf("child exited before its server was ready: %v\n%s", err, out.String())
					case <-time.After(20 * time.Millisecond):
					}
				}
				// The scan must see what it is meant to find: the server and its watchdog.
				if found := srvProcessesWithEnv(t, entry); len(found) < 2 {
					t.Fatalf("found %d processes with the marker, want the server and its watchdog:\n%s", len(found), srvDescribe(found))
				}
				if how == "interrupt" {
					child.Process.Signal(os.Interrupt)
				}
				select {
				case err := <-exited:
					if err == nil {
						t.Fatalf("child exited cleanly; want it killed:\n%s", out.String())
					}
					if how == "test-timeout" && !strings.Contains(out.String(), "test timed out") {
						t.Fatalf("child did not hit -test.timeout (%v):\n%s", err, out.String())
					}
				case <-time.After(15 * time.Second):
					t.Fatalf("child still running:\n%s", out.String())
				}
				// The watchdog allows the server serverWatchdogGrace seconds.
				srvWaitGone(t, entry, 10*time.Second)

				// Its server dir is left behind; the next start frees it.
				left, err := filepath.Glob(filepath.Join(tmp, fmt.Sprintf("%s%d-*", serverDirPrefix, child.Process.Pid)))
				if err != nil || len(left) != 1 {
					t.Fatalf("leftover server dirs of the killed child: %q, %v; want one", left, err)
				}
				var said bytes.Buffer
				reapServerDirs(tmp, progress.New(&said))
				if _, err := os.Stat(left[0]); !os.IsNotExist(err) {
					t.Errorf("after reaping, %s: %v; want it gone", left[0], err)
				}
				if want := fmt.Sprintf("# Freed %s (", left[0]); !strings.HasPrefix(said.String(), want) {
					t.Errorf("reaping said %q, want it to start %q", said.String(), want)
				}
			})
		}
	}
}
