package harness

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
	"golang.org/x/perf/benchfmt"
)

// The lines model creation and sweeps print, as they print them, read by
// benchfmt: nothing may come out as config (which would split benchstat's
// tables) or as a result. (The Ollama build's lines are proved the same
// way in internal/ollamabuild.)
func TestProgressOutputIsIgnoredByBenchfmt(t *testing.T) {
	var out bytes.Buffer
	pr := progress.New(&out)
	for _, label := range []string{"writing llama3.1-tiny.gguf", "uploading llama3.1-tiny.gguf to http://127.0.0.1:23817", "creating model: synth:llama3.1-tiny on http://127.0.0.1:23817"} {
		p := &stepProgress{label: label, start: time.Now(), stop: make(chan struct{}), out: pr}
		p.total.Store(10 << 20)
		p.done.Store(3 << 20)
		p.status("verifying sha256 digest")
		p.print(false)
		p.print(true)
	}
	s := &Sweep{total: 2, Progress: pr}
	s.step("agent=baseline/start=warm")
	s.step("agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm")
	if n := strings.Count(out.String(), "\n"); n != 8 {
		t.Fatalf("%d progress lines, want 8:\n%s", n, out.String())
	}
	out.WriteString("BenchmarkZ 1 1 ns/op\n")
	r := benchfmt.NewReader(&out, "progress")
	n := 0
	for r.Scan() {
		n++
		res, ok := r.Result().(*benchfmt.Result)
		if !ok || len(res.Config) != 0 {
			t.Errorf("benchfmt read %T %+v from progress output", r.Result(), r.Result())
		}
	}
	if n != 1 {
		t.Errorf("benchfmt read %d records, want only the result that follows the progress lines", n)
	}
}
