package measure

import (
	"time"
)

// A Reporter takes benchfmt metrics: *testing.B is one. Library code
// reports through it so that it needs no testing import.
type Reporter interface {
	ReportMetric(n float64, unit string)
}

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
	v["ttft-ns"] = mean(m.ttft)
	v["first-ttft-ns"] = mean(m.first)
	v["e2e-ns"] = mean(m.e2e)
	v["load-ns"] = mean(m.load)
	v["prefill-ns"] = mean(m.prefill)
	if len(m.itl) > 0 {
		v["itl-ns"] = mean(m.itl)
	}
	return v
}

// Report reports every measured metric on b. Call it once, after the b.Loop loop.
func (m *CallMetrics) Report(r Reporter) {
	for unit, x := range m.Values() {
		r.ReportMetric(x, unit)
	}
}

// mean is the arithmetic mean of a non-empty xs. (internal/stats has it
// too, but links gonum, which the agent binary must not.)
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
