package report

import (
	"math"

	"github.com/chimeraforge/chimeraforge/golden"
)

// A Call is one LLM call of a single-agent baseline (one benchfmt line of
// tr111/testdata/baseline.bench): the server's decode rate and timings.
type Call struct {
	Name string
	// TokPerSec is the decode rate as the study stored it,
	// eval_count / eval_duration; 0 for a call whose reply had no tokens.
	TokPerSec float64
	// Tokens is eval_count, tok/s × decode-ns; 0 when the reply had none.
	Tokens float64
	// DecodeNS, TTFTNS and E2ENS are the server's eval_duration, the
	// client's time to first content and its end-to-end time; DecodeNS is
	// 0 when the reply had no tokens (the server reported no timings).
	DecodeNS, TTFTNS, E2ENS float64
	// NoTokens marks a call whose reply carried no tokens (eval_count 0):
	// the baseline has no tok/s for it.
	NoTokens bool
}

// Calls is a list of calls, in file order.
type Calls []Call

// StudyCalls returns the calls of the rows of s matching where (see
// golden.Set.Rows); every row is one call.
func StudyCalls(s *golden.Set, where ...string) Calls {
	var cs Calls
	for _, r := range s.Rows(where...) {
		v := r.Values
		c := Call{Name: r.Name, TTFTNS: v["ttft-ns"], E2ENS: v["e2e-ns"]}
		rate, ok1 := v["tok/s"]
		d, ok2 := v["decode-ns"]
		if ok1 && ok2 {
			c.TokPerSec, c.DecodeNS, c.Tokens = rate, d, rate*d/1e9
		} else {
			c.NoTokens = true
		}
		cs = append(cs, c)
	}
	return cs
}

// DecodeRate is Chimeraforge's tok/s: Σ eval_count / Σ eval_duration over
// the calls. A call without tokens adds nothing to either sum.
func (cs Calls) DecodeRate() float64 {
	var tokens, ns float64
	for _, c := range cs {
		tokens += c.Tokens
		ns += c.DecodeNS
	}
	return tokens / (ns / 1e9)
}

// StudyMean is the study's mean tok/s: the mean of the per-call rates over
// every call, a call that returned no tokens counting as 0 tok/s (the
// study's mean(throughput_tok_s), whose column holds 0.0 for those calls).
func (cs Calls) StudyMean() float64 {
	var sum float64
	for _, c := range cs {
		sum += c.TokPerSec
	}
	return sum / float64(len(cs))
}

// Rates returns the per-call decode rates of the calls that returned
// tokens: the sample a mean, CV or interval of decode throughput is taken
// over, since a call without tokens has no decode rate.
func (cs Calls) Rates() []float64 {
	var xs []float64
	for _, c := range cs {
		if !c.NoTokens {
			xs = append(xs, c.TokPerSec)
		}
	}
	return xs
}

// NoTokens counts the calls whose reply had no tokens.
func (cs Calls) NoTokens() int {
	n := 0
	for _, c := range cs {
		if c.NoTokens {
			n++
		}
	}
	return n
}

// A Group is a quantity over the rows sharing one value of a name key.
type Group struct {
	Key   string // the key's value, e.g. a study directory
	Value float64
}

// PerKey applies f to the rows of each value of key among the rows
// matching where, in order of first appearance; f gets where plus
// "key=value".
func PerKey(s *golden.Set, key string, f func(where ...string) float64, where ...string) []Group {
	var gs []Group
	for _, v := range s.KeyValues(key, where...) {
		w := append(append([]string(nil), where...), key+"="+v)
		gs = append(gs, Group{Key: v, Value: f(w...)})
	}
	return gs
}

// Lowest returns the group with the smallest value, the first on ties; the
// zero Group with a NaN value when gs is empty.
func Lowest(gs []Group) Group { return extreme(gs, func(a, b float64) bool { return a < b }) }

// Highest returns the group with the largest value, the first on ties.
func Highest(gs []Group) Group { return extreme(gs, func(a, b float64) bool { return a > b }) }

func extreme(gs []Group, better func(a, b float64) bool) Group {
	if len(gs) == 0 {
		return Group{Value: math.NaN()}
	}
	best := gs[0]
	for _, g := range gs[1:] {
		if better(g.Value, best.Value) {
			best = g
		}
	}
	return best
}
