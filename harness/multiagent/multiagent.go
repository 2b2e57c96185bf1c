// Package multiagent runs N agents at once, on one instance or spread over
// several, and measures what running them together gained.
//
// The study measured each agent's time inside the concurrent run and
// called Σ t_i / T_wall / N its "parallel efficiency". Because the agents
// start together, that is a measure of how balanced they were, not of
// speedup (DESIGN.md "Multi-agent efficiency"). [Interleave] runs each
// agent's workload alone on the same instance and config, then all of them
// together, so that [Metrics] can report both the legacy figures, for parity
// with the study's tables, and the corrected ones: Σ T_i alone / T_wall.
package multiagent

import (
	"context"
	"sync"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// A Concurrent run is N agents started together, as the study's
// demo_multiagent did with try_join!.
type Concurrent struct {
	Wall      time.Duration    // from the common start to the last agent's end
	Workflows []agent.Workflow // in the order of the agents
}

// Run starts every agent's workflow at once and waits for all of them. The
// first error is returned after all agents have finished, with every
// workflow's measurements kept.
func Run(ctx context.Context, run string, agents ...*agent.Agent) (Concurrent, error) {
	return start(ctx, run, nil, agents)
}

// start runs the agents as [Run] does; with lock non-nil, each agent holds
// it for its whole workflow ([Serialised]).
func start(ctx context.Context, run string, lock sync.Locker, agents []*agent.Agent) (Concurrent, error) {
	c := Concurrent{Workflows: make([]agent.Workflow, len(agents))}
	errs := make([]error, len(agents))
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i, a := range agents {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			if lock != nil {
				lock.Lock()
				defer lock.Unlock()
			}
			c.Workflows[i], errs[i] = a.Run(ctx, run)
		}()
	}
	ready.Wait()
	start := time.Now()
	close(gate)
	done.Wait()
	c.Wall = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// Totals returns each agent's workflow time measured inside the run (the
// study's execution_time_s, the input of the legacy efficiency), in seconds.
func (c Concurrent) Totals() []float64 {
	ts := make([]float64, len(c.Workflows))
	for i, w := range c.Workflows {
		ts[i] = w.Total.Seconds()
	}
	return ts
}

// Tokens is the sum of eval_count over every agent's calls, as a
// [measure.TokenCount]: unknown once a call's count is.
func (c Concurrent) Tokens() measure.TokenCount {
	var t measure.TokenCount
	for _, w := range c.Workflows {
		t.Add(w.Calls...)
	}
	return t
}

// A Sample is one interleaved measurement: every agent's workload alone,
// one after the other on its own instance and config, then all of them
// together.
type Sample struct {
	Alone    []agent.Workflow // in the order of the agents
	Together Concurrent
}

// AloneTotals returns each agent's workflow time alone, in seconds.
func (s Sample) AloneTotals() []float64 {
	ts := make([]float64, len(s.Alone))
	for i, w := range s.Alone {
		ts[i] = w.Total.Seconds()
	}
	return ts
}

// Interleave measures one [Sample]: each agent alone (records labelled
// run+"/alone"), then all together (run+"/together"). Running the alone
// half inside every iteration, rather than once before the sweep, keeps
// drift of the machine (thermal, other load) out of the ratio. On error the
// Sample holds what was measured.
func Interleave(ctx context.Context, run string, agents ...*agent.Agent) (Sample, error) {
	return InterleaveWith(ctx, run, Run, agents...)
}

// InterleaveWith is [Interleave] with the together half run by together
// ([Run], [Serialised], or either wrapped to measure around it).
func InterleaveWith(ctx context.Context, run string, together Together, agents ...*agent.Agent) (Sample, error) {
	s := Sample{Alone: make([]agent.Workflow, len(agents))}
	for i, a := range agents {
		w, err := a.Run(ctx, run+"/alone")
		s.Alone[i] = w
		if err != nil {
			return s, err
		}
	}
	c, err := together(ctx, run+"/together", agents...)
	s.Together = c
	return s, err
}

// Metrics pools [Sample]s into the legacy and corrected multi-agent
// metrics, and the per-call metrics of the concurrent calls. The zero value
// is ready to use.
type Metrics struct {
	legacy, legacySpeedup, balance, overhead []float64
	corrected, speedup, agg, wall            []float64
	contended                                int
	aloneInvalid                             int // invalid calls of the alone halves
	calls                                    measure.CallMetrics
	inRun                                    [][]float64 // s, per agent position
}

// Add pools one sample. Samples whose together run has no agents are ignored.
func (m *Metrics) Add(s Sample) {
	in, wall := s.Together.Totals(), s.Together.Wall.Seconds()
	if len(in) == 0 || wall <= 0 {
		return
	}
	l := stats.LegacyEfficiency(in, wall)
	m.legacy = append(m.legacy, l.EfficiencyPct)
	m.legacySpeedup = append(m.legacySpeedup, l.Speedup)
	if l.Contended {
		m.contended++
	}
	m.balance = append(m.balance, stats.BalanceBoundPct(in))
	m.overhead = append(m.overhead, stats.CoordinationOverhead(in, wall)*1e9)
	m.wall = append(m.wall, wall*1e9)
	if n, ok := s.Together.Tokens().Sum(); ok {
		m.agg = append(m.agg, float64(n)/wall)
	}
	for i, t := range in {
		if i == len(m.inRun) {
			m.inRun = append(m.inRun, nil)
		}
		m.inRun[i] = append(m.inRun[i], t)
	}
	if alone := s.AloneTotals(); len(alone) == len(in) {
		k := stats.CorrectedEfficiency(alone, wall)
		m.corrected = append(m.corrected, k.EfficiencyPct)
		m.speedup = append(m.speedup, k.Speedup)
	}
	for _, w := range s.Together.Workflows {
		m.calls.Add(w.Calls...)
	}
	for _, w := range s.Alone {
		for _, r := range w.Calls {
			if r.OK() && r.Invalid != "" {
				m.aloneInvalid++
			}
		}
	}
}

// Err is the per-call metrics' error: every concurrent call was invalid
// ([measure.CallMetrics.Err]).
func (m *Metrics) Err() error { return m.calls.Err() }

// Values returns each measured metric by its unit (internal/units): the
// legacy eff-%, legacy-speedup-x and contention-%; the corrected speedup-x
// and true-eff-% (when the samples had an alone half); agg-tok/s,
// balance-%, overhead-ns and wall-ns; and the concurrent calls' per-call
// metrics (tok/s, ttft-ns, …). A metric with nothing behind it is absent:
// agg-tok/s is the mean over the samples whose every concurrent call
// reported a valid eval_count. invalid-calls counts the invalid calls of
// both halves.
func (m *Metrics) Values() map[string]float64 {
	v := m.calls.Values()
	if m.aloneInvalid > 0 {
		v["invalid-calls"] += float64(m.aloneInvalid)
	}
	if len(m.legacy) == 0 {
		return v
	}
	v["eff-%"] = stats.Mean(m.legacy)
	v["legacy-speedup-x"] = stats.Mean(m.legacySpeedup)
	v["contention-%"] = 100 * float64(m.contended) / float64(len(m.legacy))
	v["balance-%"] = stats.Mean(m.balance)
	v["overhead-ns"] = stats.Mean(m.overhead)
	v["wall-ns"] = stats.Mean(m.wall)
	if len(m.agg) > 0 {
		v["agg-tok/s"] = stats.Mean(m.agg)
	}
	if len(m.speedup) > 0 {
		v["speedup-x"] = stats.Mean(m.speedup)
		v["true-eff-%"] = stats.Mean(m.corrected)
	}
	return v
}

// InRunNs returns each agent's mean time inside the concurrent runs, in
// nanoseconds and in the order of the agents: for two agents, the a-ns and
// b-ns of the study's baselines. Nil when no sample was added.
func (m *Metrics) InRunNs() []float64 {
	var ns []float64
	for _, ts := range m.inRun {
		ns = append(ns, stats.Mean(ts)*1e9)
	}
	return ns
}

// Report reports every measured metric on r (a *testing.B). Call it once,
// after the b.Loop loop.
func (m *Metrics) Report(r measure.Reporter) {
	for unit, x := range m.Values() {
		r.ReportMetric(x, unit)
	}
}
