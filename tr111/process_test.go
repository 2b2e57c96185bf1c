package tr111

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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
	cfg := Report.LiveConfig()
	cfg.OpenAI = false // the agent process speaks Ollama's native API
	l := harness.NewLive(b, cfg)
	bin := buildAgent(b)
	b.Run("agent=baseline", func(b *testing.B) { benchProcess(b, bin, l) })
}

// benchProcess runs the agent process with the baseline config; one
// iteration is one process running one workflow.
func benchProcess(b *testing.B, bin string, l *harness.Live) {
	{
		first := newArrivalProxy(b, l.Instances[0])
		opts, err := json.Marshal(harness.AgentConfigs()[0].Options(l.Base).Map())
		if err != nil {
			b.Fatal(err)
		}
		args := []string{"-url", first.URL, "-model", l.Model().Tag, "-corpus", l.Corpus, "-trace", harness.TracePath(b)}
		if string(opts) != "null" {
			args = append(args, "-options", string(opts))
		}
		var startup, rss []float64
		for b.Loop() {
			first.reset()
			cmd := exec.CommandContext(b.Context(), bin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s: %v; its stderr:\n%s", bin, err, lastLines(stderr.String(), 20))
			}
			arrived, ok := first.first()
			if !ok {
				b.Fatal("the agent process exited without sending a request")
			}
			startup = append(startup, float64(arrived.Sub(start)))
			if r, ok := peakRSS(cmd.ProcessState); ok {
				rss = append(rss, r)
			}
		}
		v := map[string]float64{"startup-ns": stats.Mean(startup)}
		if len(rss) > 0 { // omitted where the OS does not say
			v["peak-rss-B"] = stats.Max(rss)
		}
		l.Report(b, v)
	}
}

// buildAgent builds cmd/chimera-agent into a harness.TempDir (Go's build
// cache makes this fast after the first time).
func buildAgent(tb testing.TB) string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		tb.Skipf("go toolchain not on PATH (needed to build cmd/chimera-agent): %v", err)
	}
	bin := filepath.Join(harness.TempDir(tb), "chimera-agent") // reaped after a killed run
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

func newArrivalProxy(tb testing.TB, target *harness.Instance) *arrivalProxy {
	tb.Helper()
	u, err := url.Parse(target.URL)
	if err != nil {
		tb.Fatal(err)
	}
	p := &arrivalProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	// The instance's transport carries its URL's credentials, if any.
	rp.Transport = target.HTTPClient().Transport
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

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
