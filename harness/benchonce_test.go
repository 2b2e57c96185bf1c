package harness

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const brokenBodyEnv = "CHIMERA_HARNESS_BROKEN_BODY_CHILD"

// TestBenchOnceShowsTheBodysError runs BenchOnce on a deliberately broken
// body in a child process: the child must fail, and its output must carry
// the body's own log and error, which testing.Benchmark discards.
func TestBenchOnceShowsTheBodysError(t *testing.T) {
	if os.Getenv(brokenBodyEnv) == t.Name() {
		BenchOnce(t, func(b *testing.B) {
			b.Log("dialling the fake server")
			b.Fatalf("deliberately broken body: %v", errors.New("connection refused"))
		})
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$")
	cmd.Env = append(os.Environ(), brokenBodyEnv+"="+t.Name())
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("a broken body passed BenchOnce: err = %v\n%s", err, out)
	}
	for _, want := range []string{"dialling the fake server", "deliberately broken body: connection refused", "benchonce_test.go:"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failing test's output lacks %q:\n%s", want, out)
		}
	}
	if testing.Verbose() {
		t.Logf("the child's output:\n%s", out)
	}
}
