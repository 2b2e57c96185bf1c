package tr117

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// callUnits are what BenchmarkTR117 reports for the calls on either
// backend: from measure.CallMetrics the decode rate, time to first token,
// gap between tokens, mean end-to-end latency and prefill time; from
// TailValues the end-to-end latency's p95 and maximum.
var callUnits = []string{"tok/s", "ttft-ns", "itl-ns", "e2e-ns", "e2e-p95-ns", "e2e-max-ns", "prefill-ns", "invalid-calls"}

// BenchmarkTR117 is the study's cross-backend matrix on what Go can run:
// Ollama serving a synthetic GGUF model against ONNX Runtime on the CPU
// running the synthetic ONNX model nearest to it in parameters, on the
// same prompt lengths and generated tokens, as backend=…/size=…/scenario=….
// One iteration is one call.
//
// Each backend is a benchmark of its own level, so that a -bench pattern
// that leaves a backend out starts none of it (no Ollama for
// backend=onnxruntime alone).
func BenchmarkTR117(b *testing.B) {
	sizes, err := Sizes()
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	for _, s := range sizes {
		lines = append(lines, s.ConfigLine())
	}
	harness.PrintConfig(os.Stdout, lines)
	b.Run("backend=ollama", func(b *testing.B) { benchOllamaBackend(b, sizes) })
	b.Run("backend=onnxruntime", func(b *testing.B) { benchONNXBackend(b, sizes) })
}

// leafNames are the sub-benchmarks of one backend, size by size.
func leafNames(sizes []Size) []string {
	var names []string
	for _, s := range sizes {
		for _, sc := range Scenarios() {
			names = append(names, "size="+s.Name+"/scenario="+sc.Name)
		}
	}
	return names
}

// benchOllamaBackend is backend=ollama: one server (harness.NewLive) and
// each size's GGUF model created on it when its first selected leaf runs.
func benchOllamaBackend(b *testing.B, sizes []Size) {
	l := harness.NewLive(b, harness.LiveConfig{Units: append([]string{"ns/op"}, callUnits...)})
	in := l.Instances[0]
	models := map[string]string{} // GGUF preset → tag, created when first needed
	sw := harness.NewSweep(b, leafNames(sizes))
	for _, s := range sizes {
		for _, sc := range Scenarios() {
			sw.Run(b, "size="+s.Name+"/scenario="+sc.Name, func(b *testing.B) {
				if !in.Alive() {
					b.Logf("instance %s had died; restarting it", in.URL)
					in.Restart(b)
				}
				tag, ok := models[s.GGUF]
				if !ok {
					tag = harness.Model(b, l.Instances, harness.ModelSpec{Synthetic: s.GGUF}).Tag
					models[s.GGUF] = tag
				}
				benchOllama(b, l, in, tag, sc, func(p Prompt) int { return p.Tokens })
			})
		}
	}
}

// benchOllama is one Ollama sub-benchmark: an untimed warm-up call (it
// loads the model), then one streamed call per iteration with the Live's
// options (num_thread, num_predict), prompts in turn. tokens says what the
// server must count for a prompt: a count that differs means the prompt
// lengths no longer match the ONNX side's, and fails the benchmark. The
// calls are traced and pooled through measure.CallMetrics.
func benchOllama(b *testing.B, l *harness.Live, in *harness.Instance, model string, sc Scenario, tokens func(Prompt) int) {
	ctx := b.Context()
	opts := l.Options(measure.Options{}).Map()
	call := func(k int, run string) (measure.Record, error) {
		p := sc.Prompt(k)
		r, err := measure.Measure(ctx, measure.Call{Client: in.Client, URL: in.URL, Model: model, Prompt: p.Text, Options: opts,
			Run: run, Config: "backend=ollama/scenario=" + sc.Name, Stage: sc.Name})
		if l.Trace != nil {
			err = errors.Join(err, l.Trace.Write(r))
		}
		if err == nil && (r.PromptEvalCount == nil || *r.PromptEvalCount != tokens(p)) {
			got := "none"
			if r.PromptEvalCount != nil {
				got = strconv.Itoa(*r.PromptEvalCount)
			}
			err = fmt.Errorf("%s made %s prompt tokens of %q, want %d: the prompt lengths no longer match the ONNX side's (update Scenarios)", model, got, p.Text, tokens(p))
		}
		return r, err
	}
	if _, err := call(WarmupCall, "warmup"); err != nil {
		b.Fatal(in.Annotate(err))
	}
	var m measure.CallMetrics
	var e2e []float64
	var tokensOut measure.TokenCount
	region := l.Start(ctx) // energy over the timed calls, where measured
	for k := 0; b.Loop(); k++ {
		r, err := call(k, strconv.Itoa(k))
		if err != nil {
			b.Fatal(in.Annotate(err))
		}
		m.Add(r)
		if r.Valid() {
			e2e = append(e2e, float64(r.E2E()))
		}
		tokensOut.Add(r)
	}
	energy := region.Stop(tokensOut.ForRegion())
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	values := pick(m.Values(), callUnits)
	maps.Copy(values, TailValues(e2e))
	maps.Copy(values, energy)
	l.Report(b, values)
}

// pick returns the values of v in units.
func pick(v map[string]float64, units []string) map[string]float64 {
	out := map[string]float64{}
	for _, u := range units {
		if x, ok := v[u]; ok {
			out[u] = x
		}
	}
	return out
}

// onnxThreads is the intra-op threads of an ONNX Runtime session: what
// each request of the Ollama side sends as num_thread, so that both
// backends get the same cores. That is CHIMERA_NUM_THREAD, else the
// harness's rule for one started server, one core left to the client.
func onnxThreads(tb testing.TB) int {
	tb.Helper()
	n, err := harness.NumThreadFromEnv()
	if err != nil {
		tb.Fatal(err)
	}
	if n > 0 {
		return n
	}
	return max(1, runtime.NumCPU()-1)
}

// benchONNXBackend is backend=onnxruntime: ONNX Runtime's provenance and
// Unit lines, then each size's model built when its first selected leaf
// runs (and closed when the sweep moves on), num_predict − 1 steps a call.
func benchONNXBackend(b *testing.B, sizes []Size) {
	rt := onnxtest.Require(b)
	threads := onnxThreads(b)
	predict := *harness.NumPredict(b, harness.ModelInfo{Synthetic: true})
	lines, err := rt.Provenance()
	if err != nil {
		b.Fatal(err)
	}
	lines = append(lines, "onnxruntime-threads: "+strconv.Itoa(threads), "onnxsynth: v"+strconv.Itoa(onnxsynth.Version),
		"num-predict: "+strconv.Itoa(predict))
	lines = append(lines, harness.Provenance(b, nil, nil, measure.Options{})...)
	harness.PrintConfig(os.Stdout, lines)
	if err := units.WriteLines(os.Stdout, false, append([]string{"ns/op"}, callUnits...)...); err != nil {
		b.Fatal(err)
	}
	trace := harness.NewTrace(b)
	var cur struct {
		spec onnxsynth.Spec
		d    *onnx.Decoder
	}
	defer func() {
		if cur.d != nil {
			cur.d.Close()
		}
	}()
	sw := harness.NewSweep(b, leafNames(sizes))
	for _, s := range sizes {
		for _, sc := range Scenarios() {
			sw.Run(b, "size="+s.Name+"/scenario="+sc.Name, func(b *testing.B) {
				if cur.spec.Name != s.ONNX {
					if cur.d != nil {
						cur.d.Close()
					}
					cur.spec, cur.d = onnxsynth.Spec{}, nil
					d, spec, err := buildDecoder(rt, s.ONNX, threads)
					if err != nil {
						b.Fatal(err)
					}
					cur.spec, cur.d = spec, d
				}
				benchONNX(b, cur.d, sc, predict-1, cur.spec.Vocab, trace)
			})
		}
	}
}

// buildDecoder builds preset's model and a CPU session for it.
func buildDecoder(rt *onnx.Runtime, preset string, threads int) (*onnx.Decoder, onnxsynth.Spec, error) {
	spec, err := onnxsynth.Preset(preset)
	if err != nil {
		return nil, spec, err
	}
	w, err := onnxsynth.NewWeights(spec)
	if err != nil {
		return nil, spec, err
	}
	d, err := onnx.NewDecoder(rt, spec, onnxsynth.Model(w), onnx.SessionConfig{Provider: onnx.CPU, IntraOpThreads: threads})
	return d, spec, err
}

// A caller runs ONNX calls: an onnx.Decoder, or a scripted one in tests.
type caller interface {
	Run(onnx.Batch) (onnx.Record, error)
}

// benchONNX is one ONNX Runtime sub-benchmark: an untimed warm-up call
// (the first run of a session allocates), then one call per iteration: a
// prefill of the prompt's tokens and steps greedy decode steps with the KV
// cache, so that it emits steps + 1 tokens, as many as the Ollama side's
// num_predict. The records go to the trace, degraded ones too (counted
// and logged, never pooled; all degraded fails), and the clean ones
// through measure.CallMetrics, as Ollama's calls.
func benchONNX(b *testing.B, d caller, sc Scenario, steps, vocab int, trace *measure.Trace) {
	warm, err := d.Run(sc.Batch(WarmupCall, steps, vocab))
	if err != nil {
		b.Fatal(err)
	}
	if !warm.OK() {
		b.Logf("warm-up call degraded: %s", warm.Degraded)
	}
	var recs []onnx.Record
	for k := 0; b.Loop(); k++ {
		r, err := d.Run(sc.Batch(k, steps, vocab))
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
	}
	var m measure.CallMetrics
	var e2e []float64
	var errs []error
	degraded := 0
	for k, r := range recs {
		mr := r.Measure()
		mr.Run, mr.Config, mr.Stage = strconv.Itoa(k), "backend=onnxruntime/scenario="+sc.Name, sc.Name
		errs = append(errs, trace.Write(mr))
		if r.OK() {
			m.Add(mr)
			e2e = append(e2e, float64(mr.E2E()))
		} else {
			degraded++
		}
	}
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	if degraded == len(recs) {
		b.Fatalf("all %d calls degraded (see the trace)", degraded)
	}
	if degraded > 0 {
		b.Logf("%d of %d calls degraded, left out of the metrics (see the trace)", degraded, len(recs))
	}
	values := pick(m.Values(), callUnits)
	maps.Copy(values, TailValues(e2e))
	for u, v := range values {
		b.ReportMetric(v, u)
	}
}

// AgentCounts are the numbers of agents BenchmarkTR117Agents runs at once.
var AgentCounts = []int{1, 2, 4, 8}

// agentUnits are what BenchmarkTR117Agents reports: the legacy and
// corrected multi-agent figures (harness/multiagent; not contention-%,
// whose rule, legacy speedup < 1.5, was made for two agents), the
// concurrent calls' rate, TTFT and latency (mean, p95 and maximum), the
// scheduler latency of the concurrent halves, and the oversleep of the
// sleeps taken meanwhile.
var agentUnits = []string{"ns/op", "eff-%", "legacy-speedup-x", "speedup-x", "true-eff-%", "agg-tok/s",
	"balance-%", "overhead-ns", "wall-ns", "tok/s", "ttft-ns", "e2e-ns", "e2e-p95-ns", "e2e-max-ns", "invalid-calls",
	"sched-p50-ns", "sched-p99-ns", "oversleep-p50-ns", "oversleep-p99-ns"}

// BenchmarkTR117Agents is the Go analogue of TR117_multi_agent's
// event-loop study: N agents (AgentCounts) streaming at once from one
// Ollama instance with N slots, as agents=N/op=run (one iteration: each
// agent's workflow alone, then all together), while a goroutine of the
// benchmark sleeps OversleepPeriod after OversleepPeriod.
func BenchmarkTR117Agents(b *testing.B) {
	l := harness.NewLive(b, harness.LiveConfig{NumParallel: slices.Max(AgentCounts), Units: agentUnits})
	var names []string
	for _, n := range AgentCounts {
		names = append(names, fmt.Sprintf("agents=%d/op=run", n))
	}
	sw := harness.NewSweep(b, names)
	for _, n := range AgentCounts {
		sw.Run(b, fmt.Sprintf("agents=%d/op=run", n), func(b *testing.B) { benchAgentsRun(b, l, newAgents(l, n)) })
	}
}

// newAgents returns n agents (the harness's 2-call workflow) on l's first
// instance, named agent1…agentN.
func newAgents(l *harness.Live, n int) []*agent.Agent {
	in := l.Instances[0]
	as := make([]*agent.Agent, n)
	for i := range as {
		as[i] = &agent.Agent{
			Name: "agent" + strconv.Itoa(i+1), Client: in.Client, URL: in.URL, Model: l.Model().Tag,
			Options: l.Options(measure.Options{}), Corpus: l.Corpus, Trace: l.Trace,
			Config: fmt.Sprintf("agents=%d/op=run", n),
		}
	}
	return as
}

// benchAgentsRun is agents=N/op=run: a warm-up sample, traced as run
// "warmup" and excluded, then per iteration every agent's workflow alone,
// one after the other, and all of them together, the together half
// bracketed by the scheduler latency histogram. The multi-agent metrics
// pool the samples (multiagent.Metrics), and e2e-p95-ns and e2e-max-ns
// are the tail of the concurrent calls whose mean is e2e-ns (TailValues);
// sched-p50-ns and sched-p99-ns are
// the quantiles of every latency the runtime recorded during the
// together halves; oversleep-p50-ns and oversleep-p99-ns those of the
// sleeps an OversleepRegion took through the whole timed region, as the
// study's monitor slept through its runs.
func benchAgentsRun(b *testing.B, l *harness.Live, agents []*agent.Agent) {
	ctx := b.Context()
	if _, err := multiagent.Interleave(ctx, "warmup", agents...); err != nil {
		b.Fatal(annotate(l, err))
	}
	var m multiagent.Metrics
	var sched multiagent.SchedHist
	var e2e []float64 // ns, the concurrent calls that multiagent.Metrics pools
	var tokens measure.TokenCount
	region := l.Start(ctx)
	sleeps := StartOversleep(OversleepPeriod)
	defer sleeps.Stop() // when an iteration fails
	for run := 1; b.Loop(); run++ {
		s, err := multiagent.InterleaveWith(ctx, strconv.Itoa(run), schedRun(&sched), agents...)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		m.Add(s)
		for _, w := range s.Together.Workflows {
			for _, c := range w.Calls {
				if c.Valid() {
					e2e = append(e2e, float64(c.E2E()))
				}
			}
		}
		for _, w := range slices.Concat(s.Alone, s.Together.Workflows) {
			tokens.Add(w.Calls...)
		}
	}
	energy := region.Stop(tokens.ForRegion())
	over := sleeps.Stop()
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	values := pick(m.Values(), agentUnits)
	maps.Copy(values, TailValues(e2e))
	maps.Copy(values, sched.Values())
	maps.Copy(values, over.Values())
	maps.Copy(values, energy)
	l.Report(b, values)
}

// schedRun is multiagent.Run with the scheduler latencies of the run
// added to sched.
func schedRun(sched *multiagent.SchedHist) multiagent.Together {
	return func(ctx context.Context, run string, agents ...*agent.Agent) (multiagent.Concurrent, error) {
		region := multiagent.StartSched()
		c, err := multiagent.Run(ctx, run, agents...)
		sched.Add(region.Stop())
		return c, err
	}
}

// annotate adds, for every instance that has died, its exit status and
// last log lines to err.
func annotate(l *harness.Live, err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}
