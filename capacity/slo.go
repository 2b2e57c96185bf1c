package capacity

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The metrics an SLO term may bound, each per call ([Call]).
const (
	MetricTTFT     = "ttft"        // from when the call was due to its first content chunk
	MetricE2E      = "e2e"         // from when the call was due to its done chunk
	MetricQueue    = "queue"       // time waited for a slot ([Call.Queue])
	MetricAgentTok = "agent-tok/s" // the call's decode rate, eval_count / eval_duration
)

// A Term is one bound of an SLO: the Pct-th percentile of Metric over a
// run's calls must be at most (latencies) or at least (rates) Bound.
type Term struct {
	Metric string
	Pct    float64 // in (0, 100]
	AtMost bool    // "<=" (latencies); else ">=" (rates)
	Bound  float64 // ns for latencies, tokens/s for agent-tok/s
	Text   string  // as written
}

// An SLO is a latency target: every term must hold.
type SLO struct {
	Terms []Term
	Text  string // as written, canonical spacing
}

// ParseSLO parses a comma list of terms <metric>-p<percentile><op><value>:
// ttft, e2e and queue take "<=" and a Go duration ("ttft-p95<=2s",
// "queue-p99<=500ms"); agent-tok/s takes ">=" and tokens per second
// ("agent-tok/s-p5>=10"). Anything else is an error that says what was
// expected.
func ParseSLO(s string) (SLO, error) {
	var slo SLO
	var texts []string
	for i, raw := range strings.Split(s, ",") {
		t, err := parseTerm(strings.TrimSpace(raw))
		if err != nil {
			return SLO{}, fmt.Errorf("SLO %q, term %d: %w", s, i+1, err)
		}
		for _, o := range slo.Terms {
			if o.Metric == t.Metric && o.Pct == t.Pct {
				return SLO{}, fmt.Errorf("SLO %q: %s-p%v bounded twice", s, t.Metric, t.Pct)
			}
		}
		slo.Terms = append(slo.Terms, t)
		texts = append(texts, t.Text)
	}
	slo.Text = strings.Join(texts, ",")
	return slo, nil
}

const termForm = "want <metric>-p<percentile><op><value>, as in ttft-p95<=2s or agent-tok/s-p5>=10 (metrics ttft, e2e, queue with <= and a duration; agent-tok/s with >= and tokens per second)"

func parseTerm(s string) (Term, error) {
	if s == "" {
		return Term{}, fmt.Errorf("empty term: %s", termForm)
	}
	op, atMost := "<=", true
	lhs, rhs, ok := strings.Cut(s, op)
	if !ok {
		op, atMost = ">=", false
		if lhs, rhs, ok = strings.Cut(s, op); !ok {
			return Term{}, fmt.Errorf("%q has no <= or >=: %s", s, termForm)
		}
	}
	lhs, rhs = strings.TrimSpace(lhs), strings.TrimSpace(rhs)
	dash := strings.LastIndex(lhs, "-p")
	if dash < 0 {
		return Term{}, fmt.Errorf("%q has no -p<percentile>: %s", s, termForm)
	}
	metric := lhs[:dash]
	pct, err := strconv.ParseFloat(lhs[dash+2:], 64)
	if err != nil || !(pct > 0 && pct <= 100) {
		return Term{}, fmt.Errorf("%q: percentile %q: want a number in (0, 100]", s, lhs[dash+2:])
	}
	t := Term{Metric: metric, Pct: pct, AtMost: atMost}
	switch metric {
	case MetricTTFT, MetricE2E, MetricQueue:
		if !atMost {
			return Term{}, fmt.Errorf("%q: %s is a latency: bound it with <=", s, metric)
		}
		d, err := time.ParseDuration(rhs)
		if err != nil || d <= 0 {
			return Term{}, fmt.Errorf("%q: %q: want a positive Go duration such as 2s or 500ms", s, rhs)
		}
		t.Bound = float64(d)
	case MetricAgentTok:
		if atMost {
			return Term{}, fmt.Errorf("%q: %s is a rate: bound it with >=", s, metric)
		}
		v, err := strconv.ParseFloat(rhs, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return Term{}, fmt.Errorf("%q: %q: want a positive number of tokens per second", s, rhs)
		}
		t.Bound = v
	default:
		return Term{}, fmt.Errorf("%q: unknown metric %q: %s", s, metric, termForm)
	}
	t.Text = lhs + op + rhs
	return t, nil
}

// holds reports whether value v meets the term's bound.
func (t Term) holds(v float64) bool {
	if t.AtMost {
		return v <= t.Bound
	}
	return v >= t.Bound
}

// Bound returns the bound of the SLO's term on metric at percentile pct.
func (s SLO) Bound(metric string, pct float64) (float64, bool) {
	for _, t := range s.Terms {
		if t.Metric == metric && t.Pct == pct {
			return t.Bound, true
		}
	}
	return 0, false
}

// A Verdict says whether a run met an SLO, and why not.
type Verdict struct {
	Met bool
	// Why lists the terms that failed, each with its measured value, or
	// that the run could not measure.
	Why []string
}

// Judge checks run r against the SLO: each term's percentile over the
// calls that measured its metric. A term no call measured fails (the run
// cannot show it holds) and says so.
func (s SLO) Judge(r Run) Verdict {
	v := Verdict{Met: true}
	for _, t := range s.Terms {
		x, ok := r.Percentile(t.Metric, t.Pct)
		switch {
		case !ok:
			v.Met = false
			v.Why = append(v.Why, t.Text+": not measured")
		case !t.holds(x):
			v.Met = false
			v.Why = append(v.Why, fmt.Sprintf("%s: measured %s", t.Text, t.format(x)))
		}
	}
	return v
}

func (t Term) format(x float64) string {
	if t.Metric == MetricAgentTok {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	return time.Duration(x).Round(time.Microsecond).String()
}

// KeepUp is the share of the offered rate an open-loop run must achieve
// to count as keeping up: a run of a few calls at a rate far beyond the
// setup's is a burst that ends before its queue grows past the target, so
// the rate search also asks that completions keep pace with arrivals.
const KeepUp = 0.9

// JudgeOpen is [SLO.Judge] for an open-loop run, which must also keep up:
// achieved-rps at least [KeepUp] × offered-rps.
func (s SLO) JudgeOpen(r Run) Verdict {
	v := s.Judge(r)
	o := r.openValues()
	offered, ok1 := o["offered-rps"]
	achieved, ok2 := o["achieved-rps"]
	switch {
	case !ok1 || !ok2:
		v.Met = false
		v.Why = append(v.Why, "achieved-rps: not measured")
	case achieved < KeepUp*offered:
		v.Met = false
		v.Why = append(v.Why, fmt.Sprintf("achieved-rps %.3g below %g × offered-rps %.3g", achieved, KeepUp, offered))
	}
	return v
}
