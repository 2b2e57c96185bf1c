package measure

import (
	"fmt"
	"time"
)

// A Reporter takes benchfmt metrics: *testing.B is one. Library code
// reports through it so that it needs no testing import.
type Reporter interface {
	ReportMetric(n float64, unit string)
}

// CallMetrics accumulates Records into the per-call metrics of a benchmark
// (DESIGN.md "What one measurement is"). Failed records are never pooled,
// and a measurement a record lacks is left out of its mean, never counted
// as 0: a call with no content chunk has no TTFT (nor ITL, nor, as a
// workflow's first call, a first TTFT), a done chunk without load_duration
// or prompt_eval_duration adds nothing to load-ns or prefill-ns. How many
// calls lacked each is reported. An invalid call (Record.Invalid) is
// counted (invalid-calls) and pooled into nothing: not its server's
// numbers, and not its client times either, so that every mean is over the
// same calls. The zero value is ready to use.
type CallMetrics struct {
	calls        int
	tokens       int
	evalDuration time.Duration
	e2e          []float64 // ns, one per call
	ttft         []float64 // ns, one per call with a content chunk
	first        []float64 // ns, TTFT of each workflow's first call, when it has one
	itl          []float64 // ns, one per call with at least two content chunks
	load         []float64 // ns, one per call whose done chunk carried it
	prefill      []float64
	studyTTFT    []float64 // ns, load + prefill, one per call that carried both
	promptTokens []float64

	streamTokens int           // Σ tokens after the first, over calls with a StreamSpan
	streamSpan   time.Duration // Σ first → last token chunk, over the same calls
	reasonTTFT   []float64     // ns, one per call with reasoning
	reasonTokens []float64

	noTTFT, noLoad, noPrefill int
	failed                    int // records with Err set: counted, never pooled

	invalid      int
	firstInvalid string // the first invalid call's stage and reason
}

// Add pools the records of one workflow run; the first is the run's first call.
func (m *CallMetrics) Add(recs ...Record) {
	firstSeen := false
	for _, r := range recs {
		if !r.OK() {
			m.failed++
			continue
		}
		if r.Invalid != "" {
			if m.invalid == 0 {
				m.firstInvalid = fmt.Sprintf("run %q %s call at %s: %s", r.Run, r.Stage, r.URL, r.Invalid)
			}
			m.invalid++
			continue
		}
		m.calls++
		if n, ok := r.Tokens(); ok && r.EvalDuration != nil && *r.EvalDuration > 0 {
			m.tokens += n
			m.evalDuration += *r.EvalDuration
		}
		m.e2e = append(m.e2e, float64(r.E2E()))
		ttft, ok := r.TTFT()
		if ok {
			m.ttft = append(m.ttft, float64(ttft))
		} else {
			m.noTTFT++
		}
		if !firstSeen {
			if ok {
				m.first = append(m.first, float64(ttft))
			}
			firstSeen = true
		}
		if itl, ok := r.ITL(); ok {
			m.itl = append(m.itl, float64(itl))
		}
		if r.LoadDuration != nil {
			m.load = append(m.load, float64(*r.LoadDuration))
		} else {
			m.noLoad++
		}
		if r.PromptEvalDuration != nil {
			m.prefill = append(m.prefill, float64(*r.PromptEvalDuration))
		} else {
			m.noPrefill++
		}
		if st, ok := r.StudyTTFT(); ok {
			m.studyTTFT = append(m.studyTTFT, float64(st))
		}
		if r.PromptEvalCount != nil {
			m.promptTokens = append(m.promptTokens, float64(*r.PromptEvalCount))
		}
		if n, span, ok := r.StreamSpan(); ok {
			m.streamTokens += n
			m.streamSpan += span
		}
		if t, ok := r.ReasoningTTFT(); ok {
			m.reasonTTFT = append(m.reasonTTFT, float64(t))
		}
		if n, ok := r.ReasoningCount(); ok {
			m.reasonTokens = append(m.reasonTokens, float64(n))
		}
	}
}

// Values returns each measured metric by its benchfmt unit (internal/units):
// tok/s, ttft-ns, first-ttft-ns, e2e-ns, itl-ns, load-ns, prefill-ns,
// study-ttft-ns, prompt-tok, reasoning-ttft-ns and reasoning-tok, each the
// mean over the calls that measured it and absent, never 0, when none did;
// stream-tok/s, Σ tokens after the first / Σ first → last token chunk
// ([Record.StreamSpan]); whenever a call was pooled, the counts
// no-ttft-calls, no-load-calls and no-prefill-calls, for which 0 is a
// measurement; whenever a successful call was added, invalid-calls; and
// failed-calls, the records with Err set, whenever any call was added.
func (m *CallMetrics) Values() map[string]float64 {
	v := map[string]float64{}
	if m.calls+m.invalid+m.failed > 0 {
		v["failed-calls"] = float64(m.failed)
	}
	if m.calls+m.invalid > 0 {
		v["invalid-calls"] = float64(m.invalid)
	}
	if m.calls == 0 {
		return v
	}
	if m.evalDuration > 0 {
		v["tok/s"] = float64(m.tokens) / m.evalDuration.Seconds()
	}
	if m.streamSpan > 0 {
		v["stream-tok/s"] = float64(m.streamTokens) / m.streamSpan.Seconds()
	}
	for unit, xs := range map[string][]float64{
		"ttft-ns":       m.ttft,
		"first-ttft-ns": m.first,
		"e2e-ns":        m.e2e,
		"itl-ns":        m.itl,
		"load-ns":       m.load,
		"prefill-ns":    m.prefill,
		"study-ttft-ns": m.studyTTFT,
		"prompt-tok":    m.promptTokens,

		"reasoning-ttft-ns": m.reasonTTFT,
		"reasoning-tok":     m.reasonTokens,
	} {
		if len(xs) > 0 {
			v[unit] = mean(xs)
		}
	}
	v["no-ttft-calls"] = float64(m.noTTFT)
	v["no-load-calls"] = float64(m.noLoad)
	v["no-prefill-calls"] = float64(m.noPrefill)
	return v
}

// Err is an error naming the first invalid call when calls were added and
// every one of them was invalid: a benchmark with nothing valid to report
// must fail, not pass with only invalid-calls. Nil otherwise.
func (m *CallMetrics) Err() error {
	if m.calls > 0 || m.invalid == 0 {
		return nil
	}
	return fmt.Errorf("all %d calls invalid, so nothing to report; the first: %s", m.invalid, m.firstInvalid)
}

// Invalid is the number of invalid calls added.
func (m *CallMetrics) Invalid() int { return m.invalid }

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

// A TokenCount sums eval_count over the calls of a timed region, for the
// region's J/tok or agg-tok/s. Once one call's count is unknown (a failed
// or invalid call, or a done chunk without eval_count) the sum is unknown
// too: the region's energy and wall time include that call's tokens, and
// leaving them out would overstate J/tok and understate agg-tok/s. The
// zero value is an empty, known sum.
type TokenCount struct {
	n       int
	unknown bool
}

// Add adds the records' eval_counts.
func (t *TokenCount) Add(recs ...Record) {
	for _, r := range recs {
		n, ok := r.Tokens()
		if !ok {
			t.unknown = true
		}
		t.n += n
	}
}

// Sum is the total; ok is false once any call's count was unknown.
func (t TokenCount) Sum() (n int, ok bool) {
	if t.unknown {
		return 0, false
	}
	return t.n, true
}

// ForRegion is Sum for a gpu.Region's Stop: 0 when unknown, which Stop
// takes as no tokens, leaving J/tok out rather than wrong.
func (t TokenCount) ForRegion() int {
	n, _ := t.Sum()
	return n
}
