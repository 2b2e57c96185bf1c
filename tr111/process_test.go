package tr111

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// BenchmarkTR111Process measures what TR111_v2 and TR112_v2 only
// estimated: the Go agent as a process of its own — its startup (exec →
// first request received by the server, through a loopback proxy that
// timestamps arrivals) and its peak RSS (getrusage maxrss). One iteration
// is one agent process running one workflow with the baseline config.
func BenchmarkTR111Process(b *testing.B) {
	e := setup(b, os.Stdout)
	bin := buildAgent(b)
	b.Run("agent=baseline", func(b *testing.B) { benchProcess(b, bin, e) })
}

// benchProcess runs the agent process with the baseline config; one
// iteration is one process running one workflow.
func benchProcess(b *testing.B, bin string, e env) {
	{
		corpus := harness.CorpusDir(b)
		first := newArrivalProxy(b, e.inst.URL)
		opts, err := json.Marshal(Configs()[0].Options(e.base).Map())
		if err != nil {
			b.Fatal(err)
		}
		args := []string{"-url", first.URL, "-model", e.model.Tag, "-corpus", corpus, "-trace", filepath.Join(b.TempDir(), "agent.jsonl")}
		if string(opts) != "null" {
			args = append(args, "-options", string(opts))
		}
		var startup, rss []float64
		for b.Loop() {
			first.reset()
			cmd := exec.CommandContext(b.Context(), bin, args...)
			cmd.Stderr = os.Stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s: %v", bin, err)
			}
			arrived, ok := first.first()
			if !ok {
				b.Fatal("the agent process exited without sending a request")
			}
			startup = append(startup, float64(arrived.Sub(start)))
			ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			if !ok {
				b.Fatal("no rusage for the agent process on this OS")
			}
			rss = append(rss, float64(ru.Maxrss)*1024) // Linux reports KiB
		}
		b.ReportMetric(stats.Mean(startup), "startup-ns")
		b.ReportMetric(stats.Max(rss), "peak-rss-B")
	}
}

// buildAgent builds cmd/chimera-agent into a temporary directory (Go's
// build cache makes this fast after the first time).
func buildAgent(tb testing.TB) string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		tb.Skipf("go toolchain not on PATH (needed to build cmd/chimera-agent): %v", err)
	}
	bin := filepath.Join(tb.TempDir(), "chimera-agent")
	ctx, cancel := context.WithTimeout(tb.Context(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/chimeraforge/chimeraforge/cmd/chimera-agent").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build cmd/chimera-agent: %v\n%s", err, out)
	}
	return bin
}

// arrivalProxy forwards to an Ollama instance and remembers when the first
// request since the last reset arrived.
type arrivalProxy struct {
	URL string
	mu  sync.Mutex
	at  time.Time
}

func newArrivalProxy(tb testing.TB, target string) *arrivalProxy {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	p := &arrivalProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1 // stream chunks through as they come
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		p.mu.Lock()
		if p.at.IsZero() {
			p.at = now
		}
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *arrivalProxy) reset() {
	p.mu.Lock()
	p.at = time.Time{}
	p.mu.Unlock()
}

func (p *arrivalProxy) first() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.at, !p.at.IsZero()
}
