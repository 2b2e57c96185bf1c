package golden

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// ErrRegression is returned by Report.Err when a metric got significantly
// worse by more than its tolerance. The gate exits 1 on it.
var ErrRegression = errors.New("significant regression beyond tolerance")

// ErrTooFewSamples is returned by Report.Err when some metric has too few
// samples for the test to ever reach significance, so a pass would mean
// nothing. The gate exits 3 on it.
var ErrTooFewSamples = errors.New("too few samples to decide")

// Options configures Compare. The zero value uses benchstat's alpha 0.05
// and confidence 0.95, fails on any significant regression (tolerance 0),
// and refuses runs whose identifying config differs.
type Options struct {
	Alpha      float64 // significance level of the Mann-Whitney U test; 0 means 0.05
	Confidence float64 // level of the median confidence intervals shown; 0 means 0.95

	// Tolerance is how much worse (as a fraction of the base median: 0.05
	// is 5 %) a significant change may be before it counts as a regression.
	Tolerance float64
	// UnitTolerance overrides Tolerance per unit, keyed by the unit as
	// written ("tok/s", "ttft-ns") or as benchstat tidies it ("ttft-sec").
	UnitTolerance map[string]float64

	// IgnoreConfig lists identifying config keys not to compare.
	IgnoreConfig []string
	// AllowConfigMismatch compares runs whose identifying config differs,
	// listing the differences in the report instead of refusing.
	AllowConfigMismatch bool

	// IgnoreNameKeys lists sub-benchmark name keys to drop before matching
	// benchmarks, like benchstat's -ignore /key: "gomaxprocs" drops the -N
	// suffix, "dir" and "study-agent" the study-only keys of a baseline.
	IgnoreNameKeys []string
}

// name is r's benchmark name with the ignored name keys dropped.
func (o Options) name(r *benchfmt.Result) string {
	if len(o.IgnoreNameKeys) == 0 {
		return r.Name.String()
	}
	base, parts := r.Name.Parts()
	var b strings.Builder
	b.Write(base)
	for _, p := range parts {
		key := "gomaxprocs"
		if p[0] == '/' {
			key, _, _ = strings.Cut(string(p[1:]), "=")
		}
		if !slices.Contains(o.IgnoreNameKeys, key) {
			b.Write(p)
		}
	}
	return b.String()
}

func (o Options) alpha() float64      { return cmp0(o.Alpha, 0.05) }
func (o Options) confidence() float64 { return cmp0(o.Confidence, 0.95) }

func cmp0(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// tolerance returns the tolerance of a unit (tidied) written as orig.
func (o Options) tolerance(unit, orig string) float64 {
	if t, ok := o.UnitTolerance[orig]; ok {
		return t
	}
	if t, ok := o.UnitTolerance[unit]; ok {
		return t
	}
	return o.Tolerance
}

// A Verdict is the outcome of comparing one metric of one benchmark.
type Verdict int

const (
	Unchanged Verdict = iota // no significant difference
	Improved                 // significantly better
	Worse                    // significantly worse, within tolerance
	Regressed                // significantly worse, beyond tolerance
	Changed                  // significantly different, but the unit has no known direction
	TooFew                   // too few samples for the test to reach significance
	OnlyBase                 // measured in base only
	OnlyHead                 // measured in head only
)

var verdictNames = [...]string{"unchanged", "improved", "worse", "regressed", "changed", "too few samples", "only in base", "only in head"}

func (v Verdict) String() string { return verdictNames[v] }

// A Comparison is one metric of one benchmark in base and head.
type Comparison struct {
	Name      string  // full benchmark name without "Benchmark"
	Unit      string  // unit as benchstat tidies it (ttft-ns → ttft-sec)
	Better    int     // +1 higher is better, -1 lower is better, 0 unknown
	Tolerance float64 // fraction
	Exact     bool    // the unit declares assume=exact

	Base, Head   benchmath.Summary // median and its confidence interval; zero if absent
	NBase, NHead int
	P            float64 // U-test p-value; NaN if not compared
	Delta        float64 // head median / base median − 1
	Need         int     // samples per side needed at Alpha (for TooFew)
	Verdict      Verdict
}

// A Report is the outcome of Compare.
type Report struct {
	Base, Head string  // file labels
	Alpha      float64 // as used
	Confidence float64 // as used
	Tolerance  float64
	// UnitTolerance as given.
	UnitTolerance map[string]float64
	// Config lists identifying keys that differ; non-empty only when
	// AllowConfigMismatch let the comparison go ahead.
	Config []ConfigDiff
	// Ignored lists the IgnoreConfig keys.
	Ignored []string
	// IgnoredNameKeys lists the IgnoreNameKeys.
	IgnoredNameKeys []string
	Comparisons     []Comparison
}

// Compare compares every metric of every benchmark of head with base, the
// way benchstat does (medians with confidence intervals, Mann-Whitney U
// test via benchmath.AssumeNothing, or exact comparison for units declared
// assume=exact), and judges each change against its tolerance and the
// unit's direction (Unit … better= metadata, else: lower is better for
// durations (*-ns, ns/op), higher for rates (*/s) and efficiencies
// (*eff-%, speedup-x)).
//
// Compare refuses, with an error wrapping ErrConfigMismatch that lists the
// differing keys, to compare benchmarks whose identifying config
// (IsIdentifying) differs, unless opt allows it. It fails with ErrInput
// when the sets share no benchmark metric. The verdicts are in the
// Report; Report.Err turns them into the gate's error.
func Compare(base, head *Set, opt Options) (*Report, error) {
	rep := &Report{Base: base.File, Head: head.File, Alpha: opt.alpha(), Confidence: opt.confidence(),
		Tolerance: opt.Tolerance, UnitTolerance: opt.UnitTolerance, Ignored: opt.IgnoreConfig, IgnoredNameKeys: opt.IgnoreNameKeys}
	diffs, err := provenance(base, head, opt)
	if err != nil {
		return nil, err
	}
	if len(diffs) > 0 {
		if !opt.AllowConfigMismatch {
			var b strings.Builder
			for _, d := range diffs {
				b.WriteString("\n\t" + d.String())
			}
			return nil, fmt.Errorf("%s vs %s: %w:%s", base.File, head.File, ErrConfigMismatch, b.String())
		}
		rep.Config = diffs
	}

	bs, hs := samples(base, opt), samples(head, opt)
	thr := &benchmath.Thresholds{CompareAlpha: rep.Alpha}
	var common int
	for _, k := range mergeKeys(bs.order, hs.order) {
		b, h := bs.vals[k], hs.vals[k]
		orig := bs.orig[k]
		if orig == "" {
			orig = hs.orig[k]
		}
		c := Comparison{Name: k.name, Unit: k.unit, P: math.NaN(), Delta: math.NaN(),
			Better: better(head.Units, base.Units, k.unit), Tolerance: opt.tolerance(k.unit, orig),
			NBase: len(b), NHead: len(h)}
		assume := head.Units.GetAssumption(k.unit)
		if base.Units.GetAssumption(k.unit) == benchmath.AssumeExact {
			assume = benchmath.AssumeExact
		}
		c.Exact = assume == benchmath.AssumeExact
		if len(b) > 0 {
			c.Base = assume.Summary(benchmath.NewSample(b, thr), rep.Confidence)
		}
		if len(h) > 0 {
			c.Head = assume.Summary(benchmath.NewSample(h, thr), rep.Confidence)
		}
		switch {
		case len(h) == 0:
			c.Verdict = OnlyBase
		case len(b) == 0:
			c.Verdict = OnlyHead
		default:
			common++
			judge(&c, assume, b, h, thr)
		}
		rep.Comparisons = append(rep.Comparisons, c)
	}
	if common == 0 {
		return nil, fmt.Errorf("%s vs %s: %w: no benchmark metric in common", base.File, head.File, ErrInput)
	}
	return rep, nil
}

// judge fills in the comparison of two non-empty samples.
func judge(c *Comparison, assume benchmath.Assumption, b, h []float64, thr *benchmath.Thresholds) {
	c.Delta = delta(c.Base.Center, c.Head.Center)
	if !c.Exact {
		if minP(len(b), len(h)) > thr.CompareAlpha {
			c.Need = needPerSide(thr.CompareAlpha)
			c.Verdict = TooFew
			return
		}
	}
	cmp := assume.Compare(benchmath.NewSample(b, thr), benchmath.NewSample(h, thr))
	c.P = cmp.P
	// benchstat's rule: a difference is significant unless P > alpha.
	if cmp.P > thr.CompareAlpha || c.Delta == 0 {
		c.Verdict = Unchanged
		return
	}
	switch d := c.Delta * float64(c.Better); {
	case c.Better == 0:
		c.Verdict = Changed
	case d > 0:
		c.Verdict = Improved
	case -d > c.Tolerance:
		c.Verdict = Regressed
	default:
		c.Verdict = Worse
	}
}

func delta(base, head float64) float64 {
	switch {
	case base == head:
		return 0
	case base == 0:
		return math.Copysign(math.Inf(1), head)
	}
	return head/base - 1
}

// minP is the smallest two-sided p-value the Mann-Whitney U test can give
// for samples of sizes n1 and n2 (complete separation, no ties):
// 2 / C(n1+n2, n1).
func minP(n1, n2 int) float64 {
	return math.Min(1, 2/binomial(n1+n2, n1))
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// needPerSide is the smallest equal sample size at which the U test can
// reach alpha (4 for alpha 0.05).
func needPerSide(alpha float64) int {
	n := 1
	for minP(n, n) > alpha {
		n++
	}
	return n
}

// better returns a unit's direction: declared metadata (head's, then
// base's), else the suite's defaults.
func better(head, base benchfmt.UnitMetadataMap, unit string) int {
	for _, m := range []benchfmt.UnitMetadataMap{head, base} {
		if md := m.Get(unit, "better"); md != nil {
			return m.GetBetter(unit)
		}
	}
	switch {
	case unit == "sec/op" || strings.HasSuffix(unit, "-sec") || strings.HasPrefix(unit, "sec/"),
		unit == "B/op" || unit == "allocs/op":
		return -1
	case strings.HasSuffix(unit, "/s"), strings.HasSuffix(unit, "eff-%"), strings.HasSuffix(unit, "speedup-x"):
		return 1
	}
	return 0
}

type sampleKey struct{ name, unit string }

type sampleSet struct {
	order []sampleKey
	vals  map[sampleKey][]float64
	orig  map[sampleKey]string // unit as written
}

// samples groups a set's values by benchmark name and tidied unit, in
// order of first appearance.
func samples(s *Set, opt Options) sampleSet {
	ss := sampleSet{vals: map[sampleKey][]float64{}, orig: map[sampleKey]string{}}
	for _, r := range s.Results {
		for _, v := range r.Values {
			k := sampleKey{opt.name(r), v.Unit}
			if _, ok := ss.vals[k]; !ok {
				ss.order = append(ss.order, k)
				ss.orig[k] = v.Unit
				if v.OrigUnit != "" {
					ss.orig[k] = v.OrigUnit
				}
			}
			ss.vals[k] = append(ss.vals[k], v.Value)
		}
	}
	return ss
}

// mergeKeys returns a's keys, then b's keys not in a.
func mergeKeys(a, b []sampleKey) []sampleKey {
	seen := make(map[sampleKey]bool, len(a))
	out := append([]sampleKey(nil), a...)
	for _, k := range a {
		seen[k] = true
	}
	for _, k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// Err is the gate's verdict on the report: an error wrapping ErrRegression
// naming every regressed metric, else one wrapping ErrTooFewSamples naming
// the undecided ones, else nil.
func (r *Report) Err() error {
	var reg, few []string
	need := 0
	for _, c := range r.Comparisons {
		switch c.Verdict {
		case Regressed:
			reg = append(reg, fmt.Sprintf("%s %s %+.2f%% (tolerance %s)", c.Name, c.Unit, 100*c.Delta, pct(c.Tolerance)))
		case TooFew:
			if c.Better == 0 {
				continue // an unjudged unit cannot fail the gate, so cannot leave it undecided
			}
			few = append(few, fmt.Sprintf("%s %s (n=%d+%d)", c.Name, c.Unit, c.NBase, c.NHead))
			need = c.Need
		}
	}
	if len(reg) > 0 {
		return fmt.Errorf("%w: %s", ErrRegression, strings.Join(reg, "; "))
	}
	if len(few) > 0 {
		return fmt.Errorf("%w (need ≥ %d per side for alpha %v): %s", ErrTooFewSamples, need, r.Alpha, strings.Join(few, "; "))
	}
	return nil
}

// pct formats a fraction as a percentage without needless digits.
func pct(f float64) string {
	return fmt.Sprintf("%s%%", strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", 100*f), "0"), "."))
}
