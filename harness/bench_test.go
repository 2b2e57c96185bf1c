package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/ollama/ollama/api"
)

// The harness is never the bottleneck: these benchmarks measure its own
// cost against servers that cost nothing (a canned stream) or exactly D
// (fakes with a fixed script).
//
//	go test -run '^$' -bench 'Measure|Agents' -count 5 ./harness

const cannedChunks = 1000

// cannedStream is a complete /api/generate NDJSON body of n content chunks,
// rendered once so that serving it costs the server one write.
func cannedStream(n int) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for range n {
		enc.Encode(api.GenerateResponse{Model: "canned", Response: "tok "})
	}
	enc.Encode(api.GenerateResponse{Model: "canned", Done: true, DoneReason: "length",
		Metrics: api.Metrics{EvalCount: n, EvalDuration: time.Second, PromptEvalCount: 1, PromptEvalDuration: time.Millisecond}})
	return b.Bytes()
}

// BenchmarkMeasureChunk is the client's cost per streamed chunk: parse,
// timestamp, accumulate. The server side is one write of a pre-rendered
// body, so ns/chunk and allocs/chunk are the client's (the api package's
// JSON decoding included; its per-request 8 MiB scan buffer is amortised
// over the chunks). first-parse-ns is what the client adds to TTFT: from
// the response's first byte to the first content chunk being timestamped
// (the api package allocates its 8 MiB buffer in between).
func BenchmarkMeasureChunk(b *testing.B) {
	body := cannedStream(cannedChunks)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c := measure.Call{Client: measure.NewClient(u, srv.Client()), URL: srv.URL, Model: "canned", Prompt: "p",
		Options: map[string]any{"num_predict": cannedChunks}}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	chunks := 0
	var firstParse []float64
	for b.Loop() {
		r, err := measure.Measure(b.Context(), c)
		if err != nil {
			b.Fatal(err)
		}
		chunks += len(r.Chunks)
		firstParse = append(firstParse, float64(r.FirstContent-r.FirstByte))
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(stats.Median(firstParse), "first-parse-ns")
	b.ReportMetric(float64(b.Elapsed())/float64(chunks), "ns/chunk")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(chunks), "allocs/chunk")
}

// agentsModel serves every call in exactly 50 × 5 ms = 250 ms (no load,
// no prefill): long enough that a millisecond of timer latency on a busy
// 2-core machine is not mistaken for the harness's cost, short enough to
// run 62 agents alone in half a minute.
var agentsModel = ollamatest.Model{Name: "fixed:d", InterToken: 5 * time.Millisecond, Tokens: 50}

// BenchmarkAgents runs N agents, each on its own fake instance, together,
// and reports the legacy (eff-%) and corrected (true-eff-%) efficiency:
// with independent instances nothing is shared but the harness, so both
// must stay near 100 %. The agents ingest a 3-file corpus, so that the
// measurement is of the harness's concurrency, not of 32 agents reading
// 101 files on a 2-core machine.
func BenchmarkAgents(b *testing.B) {
	for _, n := range []int{2, 4, 8, 16, 32} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			agents := make([]*agent.Agent, n)
			corpus := smallCorpus(b)
			for i := range agents {
				fake := ollamatest.Start(b, ollamatest.Options{Models: []ollamatest.Model{agentsModel}})
				u, _ := url.Parse(fake.URL)
				agents[i] = &agent.Agent{Name: fmt.Sprint("agent", i), Client: measure.NewClient(u, fake.Client()), URL: fake.URL,
					Model: agentsModel.Name, Corpus: corpus}
			}
			benchAgents(b, agents)
		})
	}
}

// benchAgents is one iteration: every agent alone (one after the other,
// giving T_i alone), then all together ([multiagent.Interleave]). The fakes
// load nothing, so no warm-up is needed.
func benchAgents(b *testing.B, agents []*agent.Agent) {
	var m multiagent.Metrics
	for b.Loop() {
		s, err := multiagent.Interleave(b.Context(), "agents", agents...)
		if err != nil {
			b.Fatal(err)
		}
		m.Add(s)
	}
	v := m.Values()
	for _, unit := range []string{"eff-%", "true-eff-%", "speedup-x", "balance-%", "overhead-ns"} {
		b.ReportMetric(v[unit], unit)
	}
}

// smallCorpus is three files of the default corpus, one of each kind.
func smallCorpus(tb testing.TB) string {
	tb.Helper()
	src := CorpusDir(tb)
	dst := tb.TempDir()
	for _, p := range []string{
		"reports/gemma3/gemma3_1b-it-qat_baseline_00.csv",
		"reports/ascii/ascii_bench_01.json",
		"reports/compilation/notes_00.md",
	} {
		data, err := os.ReadFile(filepath.Join(src, p))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(p)), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}
