package ollamabuild

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/perf/benchfmt"
)

// go test merges the build's progress (written to stderr) into the stdout
// that benchstat reads. Every progress line must be one benchfmt ignores: no
// result, no unit line, no syntax error, and no configuration key that would
// split benchstat's tables.
func TestProgressIsIgnoredByBenchfmt(t *testing.T) {
	var progress bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		// A full build, long enough to tick.
		dir := filepath.Join(t.TempDir(), "0.17.4-key")
		b := fakeBuilder(t, dir, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
			time.Sleep(20 * time.Second)
			return installScript(ctx, tc, gobin, out)
		})
		b.tick = 15 * time.Second
		if _, _, err := b.binary(t.Context()); err != nil {
			t.Fatal(err)
		}

		// A wait on a real flock held by "another process", which builds
		// meanwhile.
		dir2 := filepath.Join(t.TempDir(), "0.17.4-key")
		if err := os.MkdirAll(dir2, 0o755); err != nil {
			t.Fatal(err)
		}
		holder := fakeBuilder(t, dir2, io.Discard, installScript)
		unlock, err := holder.lock(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(20 * time.Second)
			installScript(context.Background(), toolchain{}, dir2, io.Discard)
			unlock()
		}()
		waiter := fakeBuilder(t, dir2, &progress, func(context.Context, toolchain, string, io.Writer) error {
			t.Error("the waiter built although the lock holder did")
			return nil
		})
		waiter.tick = 15 * time.Second
		waiter.poll = time.Second
		if _, _, err := waiter.binary(t.Context()); err != nil {
			t.Fatal(err)
		}

		// A build that fails, falls back and fails again, quoting the
		// linker and the compiler ("cc1: error: …" would be a config line).
		dir3 := filepath.Join(t.TempDir(), "0.17.4-key")
		failing := fakeBuilder(t, dir3, &progress, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
			if strings.Contains(tc.cflags, "native") {
				return amxLinkFailure(out)
			}
			return badMarch(tc, out)
		})
		if _, _, err := failing.binary(t.Context()); err == nil {
			t.Fatal("the failing build succeeded")
		}
	})

	out := progress.String()
	for _, want := range []string{
		"building v0.17.4", "taking nlohmann/json.hpp", "the first build takes", "still building v0.17.4 (15s",
		"built v0.17.4 in 20s", "waiting for another build", "still waiting for another build of v0.17.4 (15s",
		"another process built v0.17.4",
		"trying once more with the portable", "build ollama v0.17.4 failed", "undefined reference", "cc1: error: bad value", "ways out",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the progress lacks %q, so this test does not cover that line:\n%s", want, out)
		}
	}

	assertBenchfmtIgnores(t, out)
}

// The CUDA backend's progress, a failed build's quoted compiler output
// included ("mmq.cu(12): error: …" would be a config line), is as
// invisible to benchfmt.
func TestCUDAProgressIsIgnoredByBenchfmt(t *testing.T) {
	var progress bytes.Buffer
	fakeCUDATools(t, "9.0", true)
	if _, err := cudaBuilder(t, filepath.Join(t.TempDir(), "0.17.4-key"), &progress).server(t.Context()); err != nil {
		t.Fatal(err)
	}
	fakeCUDATools(t, "9.0", false)
	if _, err := cudaBuilder(t, filepath.Join(t.TempDir(), "0.17.4-key"), &progress).server(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHIMERA_OLLAMA_BACKEND", "cpu")
	if _, err := cudaBuilder(t, filepath.Join(t.TempDir(), "0.17.4-key"), &progress).server(t.Context()); err != nil {
		t.Fatal(err)
	}
	out := progress.String()
	for _, want := range []string{
		"building the CUDA backend", "no CUDA backend (build the CUDA backend of ollama v0.17.4: cmake --build: exit status 1 (log: ",
		`    ggml-cuda/mmq.cu(12): error: identifier "__nv_bfloat16" is undefined`, "built the CUDA backend in",
		"no CUDA backend (CHIMERA_OLLAMA_BACKEND=cpu)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the progress lacks %q, so this test does not cover that line:\n%s", want, out)
		}
	}
	assertBenchfmtIgnores(t, out)
}

// assertBenchfmtIgnores fails t if benchfmt reads anything from out but
// the probe result appended to it.
func assertBenchfmtIgnores(t *testing.T, out string) {
	t.Helper()
	// A benchmark line after the progress shows any configuration it set.
	r := benchfmt.NewReader(strings.NewReader(out+"BenchmarkProbe 1 1 ns/op\n"), "go-test-output")
	results := 0
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			results++
			if name := string(rec.Name); name != "Probe" {
				t.Errorf("benchfmt read a result %q from the progress", name)
			}
			for _, c := range rec.Config {
				t.Errorf("benchfmt read config %q = %q from the progress", c.Key, c.Value)
			}
		case *benchfmt.SyntaxError:
			t.Errorf("benchfmt: %v", rec)
		default:
			t.Errorf("benchfmt read a %T from the progress: %+v", rec, rec)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if results != 1 {
		t.Errorf("benchfmt read %d results, want only the probe", results)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", out)
	}
}
