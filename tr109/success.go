package tr109

import (
	"bytes"
	"fmt"
	"math"
	"slices"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/units"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// Our definition of a configuration that beats the baseline: benchmath's
// Mann-Whitney U test (benchstat's default) finds the difference
// significant at Alpha, over at least MinSamples samples a side.
const (
	Alpha      = 0.05
	MinSamples = 10
)

// A Rule says how to read a sweep's configurations and their baseline out
// of a benchfmt set: the rows named agent=baseline are the baseline, every
// other agent=chimera name is a configuration (harness.AgentConfig names).
type Rule struct {
	// Unit is the metric a configuration must beat the baseline on, as
	// written ("tok/s"); internal/units says which direction is better.
	Unit string
	// Pair, when set, is a name key whose value pairs each configuration
	// with the baseline rows of the same value: the study's "dir", since
	// every config directory ran its own baseline agent. Empty means one
	// baseline for all.
	Pair string
	// Pool lists name keys a configuration's samples pool over
	// ("start"). A -N GOMAXPROCS suffix is always pooled over.
	Pool []string
}

// An Outcome is one configuration against its baseline.
type Outcome struct {
	Config         string // the name, less pooled keys and -N
	N, BaseN       int    // samples of the configuration and of its baseline
	Mean, Base     float64
	StudyWins      bool    // the study's form: its mean is better than the baseline's
	Tested         bool    // at least MinSamples a side
	P              float64 // Mann-Whitney U p-value; NaN when not tested
	Better         bool    // tested, P ≤ Alpha, and its median better
	Worse          bool    // tested, P ≤ Alpha, and its median worse
	MedianDeltaPct float64 // (median / baseline median − 1) × 100
	MeanDeltaPct   float64 // (mean / baseline mean − 1) × 100
}

// A Rate is the optimisation success rate of a sweep, both ways.
type Rate struct {
	Unit     string
	Outcomes []Outcome // in order of first appearance
}

func (r Rate) count(f func(Outcome) bool) int {
	n := 0
	for _, o := range r.Outcomes {
		if f(o) {
			n++
		}
	}
	return n
}

// Configs is the number of configurations compared.
func (r Rate) Configs() int { return len(r.Outcomes) }

// StudyWins counts the configurations whose mean beats the baseline's:
// the study's "success", which with one run each is a coin toss within
// the noise.
func (r Rate) StudyWins() int { return r.count(func(o Outcome) bool { return o.StudyWins }) }

// Tested counts the configurations with at least MinSamples a side.
func (r Rate) Tested() int { return r.count(func(o Outcome) bool { return o.Tested }) }

// Better counts the configurations significantly better than the baseline.
func (r Rate) Better() int { return r.count(func(o Outcome) bool { return o.Better }) }

// Worse counts the configurations significantly worse than the baseline.
func (r Rate) Worse() int { return r.count(func(o Outcome) bool { return o.Worse }) }

// Pct is n as a share of the configurations, in per cent.
func (r Rate) Pct(n int) float64 { return 100 * float64(n) / float64(r.Configs()) }

// SuccessRate compares every configuration of s with its baseline on
// rule.Unit, the study's way (mean against mean, whatever the sample
// sizes) and ours (significant at Alpha over at least MinSamples a side,
// the direction from the medians, as benchstat reports a delta). Rows
// without rule.Unit are not samples. It fails when the unit is unknown or
// has no better direction, when there is no baseline, or when a
// configuration has no baseline rows for its pair.
func SuccessRate(s *golden.Set, rule Rule) (Rate, error) {
	u, ok := units.Lookup(rule.Unit)
	if !ok {
		return Rate{}, fmt.Errorf("success rate: %w", units.Check(rule.Unit))
	}
	if u.Better == units.Neither {
		return Rate{}, fmt.Errorf("success rate: %s is better neither way", rule.Unit)
	}
	better := func(a, b float64) bool { return (a-b)*float64(u.Better) > 0 }
	if len(s.Values(rule.Unit, "agent=baseline")) == 0 {
		return Rate{}, fmt.Errorf("success rate: %s has no agent=baseline rows with %s", s.File, rule.Unit)
	}
	var order []string
	samples := map[string][]float64{}
	pair := map[string]string{}
	for _, r := range s.Rows("agent=chimera") {
		v, ok := r.Values[rule.Unit]
		if !ok {
			continue
		}
		c := configName(r.Name, rule.Pool)
		if _, seen := samples[c]; !seen {
			order = append(order, c)
			pair[c] = r.Keys[rule.Pair]
		}
		samples[c] = append(samples[c], v)
	}
	rate := Rate{Unit: rule.Unit}
	thr := &benchmath.Thresholds{CompareAlpha: Alpha}
	for _, c := range order {
		where := []string{"agent=baseline"}
		if rule.Pair != "" {
			where = append(where, rule.Pair+"="+pair[c])
		}
		base, xs := s.Values(rule.Unit, where...), samples[c]
		if len(base) == 0 {
			return Rate{}, fmt.Errorf("success rate: %s has no baseline rows %v", c, where)
		}
		o := Outcome{Config: c, N: len(xs), BaseN: len(base), Mean: stats.Mean(xs), Base: stats.Mean(base), P: math.NaN()}
		o.StudyWins = better(o.Mean, o.Base)
		o.MeanDeltaPct = 100 * (o.Mean/o.Base - 1)
		mc, mb := stats.Median(xs), stats.Median(base)
		o.MedianDeltaPct = 100 * (mc/mb - 1)
		if o.N >= MinSamples && o.BaseN >= MinSamples {
			o.Tested = true
			cmp := benchmath.AssumeNothing.Compare(benchmath.NewSample(base, thr), benchmath.NewSample(xs, thr))
			o.P = cmp.P
			if cmp.P <= Alpha { // benchstat's rule: it reports a delta unless P > α
				o.Better, o.Worse = better(mc, mb), better(mb, mc)
			}
		}
		rate.Outcomes = append(rate.Outcomes, o)
	}
	return rate, nil
}

// configName is a result name without the -N suffix and the pooled keys.
func configName(name string, pool []string) string {
	base, parts := benchfmt.Name(name).Parts()
	out := slices.Clone(base)
	for _, p := range parts {
		if bytes.HasPrefix(p, []byte("-")) {
			continue
		}
		k, _, _ := bytes.Cut(p[1:], []byte("="))
		if slices.Contains(pool, string(k)) {
			continue
		}
		out = append(out, p...)
	}
	return string(out)
}
