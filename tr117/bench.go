package tr117

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// callUnits are what BenchmarkTR117 reports for the calls on either
// backend: from measure.CallMetrics the decode rate, time to first token,
// gap between tokens, mean end-to-end latency and prefill time; from
// TailValues the end-to-end latency's p95 and maximum.
var callUnits = []string{"tok/s", "ttft-ns", "itl-ns", "e2e-ns", "e2e-p95-ns", "e2e-max-ns", "prefill-ns", "invalid-calls"}

// sizeLines are BenchmarkTR117's own config lines: which GGUF and ONNX
// model pair up in each size.
func sizeLines(testing.TB) ([]string, error) {
	sizes, err := Sizes()
	var lines []string
	for _, s := range sizes {
		lines = append(lines, s.ConfigLine())
	}
	return lines, err
}

// numPredictLine is the ONNX backend's num-predict config line: the
// Ollama side's num_predict, which its calls match.
func numPredictLine(tb testing.TB) []string {
	return []string{"num-predict: " + strconv.Itoa(*harness.NumPredict(tb, harness.ModelInfo{Synthetic: true}))}
}

// A leaf is one sub-benchmark of BenchmarkTR117: a size on one scenario,
// on the backend running.
type leaf struct {
	size Size
	sc   Scenario
	// models are the GGUF models created on the Ollama backend's server
	// (preset → tag), each when its first selected leaf runs; shared by
	// the backend's leaves.
	models map[string]string
}

// leaves are Sizes() × Scenarios(), size by size, on either backend.
func leaves(context.Context, *harness.Env) ([]leaf, error) {
	sizes, err := Sizes()
	if err != nil {
		return nil, err
	}
	models := map[string]string{}
	var ls []leaf
	for _, s := range sizes {
		for _, sc := range Scenarios() {
			ls = append(ls, leaf{size: s, sc: sc, models: models})
		}
	}
	return ls, nil
}

// leafName is size=…/scenario=….
func leafName(l leaf) string { return "size=" + l.size.Name + "/scenario=" + l.sc.Name }

// body is one leaf. backend=ollama: the Live's one server (restarted if
// it died) and the size's GGUF model, created when first needed;
// benchOllama. backend=onnxruntime: the size's ONNX model and a CPU
// session for it, built when its first selected leaf runs and closed when
// the sweep moves on (harness.Keep); benchONNX with num_predict − 1 steps
// a call.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	if o := env.ONNX; o != nil {
		m, err := harness.Keep(o, l.size.ONNX, func() (*model, error) { return buildModel(o.Runtime, l.size.ONNX, o.Threads) })
		if err != nil {
			b.Fatal(err)
		}
		predict := *harness.NumPredict(b, harness.ModelInfo{Synthetic: true})
		return benchONNX(b, m.d, l.sc, predict-1, m.spec.Vocab, o.Trace)
	}
	live := env.Live
	in := live.Instances[0]
	if !in.Alive() {
		b.Logf("instance %s had died; restarting it", in.URL)
		in.Restart(b)
	}
	tag, ok := l.models[l.size.GGUF]
	if !ok {
		tag = harness.Model(b, live.Instances, harness.ModelSpec{Synthetic: l.size.GGUF}).Tag
		l.models[l.size.GGUF] = tag
	}
	return benchOllama(b, live, in, tag, l.sc, func(p Prompt) int { return p.Tokens })
}

// benchOllama is one Ollama sub-benchmark: an untimed warm-up call (it
// loads the model), then one streamed call per iteration with the Live's
// options (num_thread, num_predict), prompts in turn. tokens says what the
// server must count for a prompt: a count that differs means the prompt
// lengths no longer match the ONNX side's, and fails the benchmark. The
// calls are traced and pooled through measure.CallMetrics.
func benchOllama(b *testing.B, l *harness.Live, in *harness.Instance, model string, sc Scenario, tokens func(Prompt) int) map[string]float64 {
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
	values := measure.Pick(m.Values(), callUnits)
	maps.Copy(values, TailValues(e2e))
	maps.Copy(values, energy)
	return values
}

// onnxThreads is the intra-op threads of an ONNX Runtime session: what
// each request of the Ollama side sends as num_thread, so that both
// backends get the same cores. That is CHIMERA_NUM_THREAD, else the
// harness's rule for one started server, one core left to the client.
func onnxThreads() (int, error) {
	n, err := harness.NumThreadFromEnv()
	if err != nil || n > 0 {
		return n, err
	}
	return max(1, runtime.NumCPU()-1), nil
}

// A model is one size's ONNX model and a CPU session for it.
type model struct {
	d    *onnx.Decoder
	spec onnxsynth.Spec
}

func (m *model) Close() error { return m.d.Close() }

// buildModel builds preset's model and a CPU session for it.
func buildModel(rt *onnx.Runtime, preset string, threads int) (*model, error) {
	spec, err := onnxsynth.Preset(preset)
	if err != nil {
		return nil, err
	}
	w, err := onnxsynth.NewWeights(spec)
	if err != nil {
		return nil, err
	}
	d, err := onnx.NewDecoder(rt, spec, onnxsynth.Model(w), onnx.SessionConfig{Provider: onnx.CPU, IntraOpThreads: threads})
	if err != nil {
		return nil, err
	}
	return &model{d: d, spec: spec}, nil
}

// benchONNX is one ONNX Runtime sub-benchmark: an untimed warm-up call
// (the first run of a session allocates), then one call per iteration: a
// prefill of the prompt's tokens and steps greedy decode steps with the KV
// cache, so that it emits steps + 1 tokens, as many as the Ollama side's
// num_predict. The records go to the trace, degraded ones too (counted
// and logged, never pooled; all degraded fails), and the clean ones
// through measure.CallMetrics, as Ollama's calls.
func benchONNX(b *testing.B, d harness.ONNXCaller, sc Scenario, steps, vocab int, trace *measure.Trace) map[string]float64 {
	recs := harness.ONNXCalls(b, d, sc.Batch(WarmupCall, steps, vocab), func(k int) onnx.Batch { return sc.Batch(k, steps, vocab) })
	mrs := harness.TraceONNX(b, trace, recs, func(k int, mr *measure.Record) {
		mr.Run, mr.Config, mr.Stage = strconv.Itoa(k), "backend=onnxruntime/scenario="+sc.Name, sc.Name
	})
	var m measure.CallMetrics
	var e2e []float64
	for k, r := range recs {
		if r.OK() {
			m.Add(mrs[k])
			e2e = append(e2e, float64(mrs[k].E2E()))
		}
	}
	values := measure.Pick(m.Values(), callUnits)
	maps.Copy(values, TailValues(e2e))
	return values
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

// agentsName is agents=N/op=run.
func agentsName(n int) string { return fmt.Sprintf("agents=%d/op=run", n) }

// newAgents returns n agents (the harness's 2-call workflow) on l's first
// instance, named agent1…agentN.
func newAgents(l *harness.Live, n int) []*agent.Agent {
	in := l.Instances[0]
	as := make([]*agent.Agent, n)
	for i := range as {
		as[i] = &agent.Agent{
			Name: "agent" + strconv.Itoa(i+1), Client: in.Client, URL: in.URL, Model: l.Model().Tag,
			Options: l.Options(measure.Options{}), Corpus: l.Corpus, Trace: l.Trace,
			Config: agentsName(n),
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
func benchAgentsRun(b *testing.B, l *harness.Live, agents []*agent.Agent) map[string]float64 {
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
	values := measure.Pick(m.Values(), agentUnits)
	maps.Copy(values, TailValues(e2e))
	maps.Copy(values, sched.Values())
	maps.Copy(values, over.Values())
	maps.Copy(values, energy)
	return values
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
