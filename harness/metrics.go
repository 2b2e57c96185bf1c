package harness

import (
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// CallMetrics accumulates Records into the per-call metrics of a benchmark
// (DESIGN.md "What one measurement is"). Failed records are never pooled.
// The zero value is ready to use.
type CallMetrics struct {
	calls        int
	tokens       int
	evalDuration time.Duration
	ttft, e2e    []float64 // ns, one per call
	itl          []float64 // ns, one per call with at least two content chunks
	load         []float64
	prefill      []float64
	first        []float64 // ns, TTFT of each workflow's first call
}

// Add pools the records of one workflow run; the first is the run's first call.
func (m *CallMetrics) Add(recs ...Record) {
	firstSeen := false
	for _, r := range recs {
		if !r.OK() {
			continue
		}
		m.calls++
		m.tokens += r.EvalCount
		m.evalDuration += r.EvalDuration
		m.ttft = append(m.ttft, float64(r.TTFT()))
		m.e2e = append(m.e2e, float64(r.E2E()))
		if itl, ok := r.ITL(); ok {
			m.itl = append(m.itl, float64(itl))
		}
		m.load = append(m.load, float64(r.LoadDuration))
		m.prefill = append(m.prefill, float64(r.PromptEvalDuration))
		if !firstSeen {
			m.first = append(m.first, float64(r.TTFT()))
			firstSeen = true
		}
	}
}

// Values returns each measured metric by its benchfmt unit. A metric with
// no measurement behind it is absent, never 0.
func (m *CallMetrics) Values() map[string]float64 {
	v := map[string]float64{}
	if m.calls == 0 {
		return v
	}
	if m.evalDuration > 0 {
		v["tok/s"] = float64(m.tokens) / m.evalDuration.Seconds()
	}
	v["ttft-ns"] = stats.Mean(m.ttft)
	v["first-ttft-ns"] = stats.Mean(m.first)
	v["e2e-ns"] = stats.Mean(m.e2e)
	v["load-ns"] = stats.Mean(m.load)
	v["prefill-ns"] = stats.Mean(m.prefill)
	if len(m.itl) > 0 {
		v["itl-ns"] = stats.Mean(m.itl)
	}
	return v
}

// Report reports every measured metric on b. Call it once, after the b.Loop loop.
func (m *CallMetrics) Report(b *testing.B) {
	for unit, x := range m.Values() {
		b.ReportMetric(x, unit)
	}
}
