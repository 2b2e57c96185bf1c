package golden

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"

	"github.com/chimeraforge/chimeraforge/internal/units"
)

// ErrRegression is returned by Report.Err when a metric got significantly
// worse by more than its tolerance. The gate exits 1 on it.
var ErrRegression = errors.New("significant regression beyond tolerance")

// ErrTooFewSamples is returned by Report.Err when some judged metric has
// fewer samples per side than the U test needs to ever reach significance,
// so a pass would mean nothing. The gate exits 3 on it.
var ErrTooFewSamples = errors.New("too few samples to decide")

// ErrMissing is returned by Report.Err, wrapped together with ErrInput,
// when a metric (benchmark and unit) of the base is absent from the head:
// a head that lost a metric, or was cut short, must not pass for want of
// numbers. The gate exits 2 on it.
var ErrMissing = errors.New("metric of base missing from head")

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

	// IgnoreUnits lists units (as written or tidied) not to compare at
	// all: they need no direction, and the head may lack them.
	IgnoreUnits []string
}

// ignoresUnit reports whether the unit, tidied or as written (orig), is
// in IgnoreUnits.
func (o Options) ignoresUnit(unit, orig string) bool {
	return slices.Contains(o.IgnoreUnits, unit) || slices.Contains(o.IgnoreUnits, orig)
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
	NotJudged                // a descriptive unit (units.Neither): compared, never judged
	TooFew                   // fewer samples per side than the test needs
	OnlyBase                 // measured in base only: missing from head
	OnlyHead                 // measured in head only
)

var verdictNames = [...]string{"unchanged", "improved", "worse", "regressed", "not judged", "too few samples", "missing from head", "only in head"}

func (v Verdict) String() string { return verdictNames[v] }

// A Comparison is one metric of one benchmark in base and head.
type Comparison struct {
	Name      string  // full benchmark name without "Benchmark"
	Unit      string  // unit as benchstat tidies it (ttft-ns → ttft-sec); values are in it
	OrigUnit  string  // unit as written in the files (ttft-ns)
	Better    int     // +1 higher is better, -1 lower is better, 0 descriptive (never judged)
	Tolerance float64 // fraction
	Exact     bool    // the unit declares assume=exact

	Base, Head   benchmath.Summary // median and its confidence interval; zero if absent
	NBase, NHead int
	P            float64 // U-test p-value; NaN if not compared
	Delta        float64 // (head median − base median) / |base median|
	Need         int     // samples per side the U test needs at Alpha
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
	// IgnoredUnits lists the IgnoreUnits.
	IgnoredUnits []string
	Comparisons  []Comparison
}

// Compare compares every metric of every benchmark of head with base, the
// way benchstat does (medians with confidence intervals, Mann-Whitney U
// test via benchmath.AssumeNothing, or exact comparison for units declared
// assume=exact), and judges each change against its tolerance and the
// unit's direction: each file's declared "Unit … better=" metadata, else
// the registry in internal/units; base and head must agree.
//
// Compare fails with an error wrapping ErrInput when a compared unit is
// neither declared nor registered (naming it and where it first appears),
// when its direction differs between base and head (naming both sources),
// when a value is NaN or infinite, or negative in a unit that cannot be
// (Read refuses those already; a Set built by hand is checked here, so
// that no such value reaches benchmath), or
// when the sets share no benchmark metric. It refuses, with an error
// wrapping ErrConfigMismatch that lists the differing keys, to compare
// benchmarks whose identifying config (IsIdentifying) differs, unless opt
// allows it. The verdicts are in the Report; Report.Err turns them into
// the gate's error.
func Compare(base, head *Set, opt Options) (*Report, error) {
	rep := &Report{Base: base.File, Head: head.File, Alpha: opt.alpha(), Confidence: opt.confidence(),
		Tolerance: opt.Tolerance, UnitTolerance: opt.UnitTolerance, Ignored: opt.IgnoreConfig,
		IgnoredNameKeys: opt.IgnoreNameKeys, IgnoredUnits: opt.IgnoreUnits}
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

	bs, err := samples(base, opt)
	if err != nil {
		return nil, err
	}
	hs, err := samples(head, opt)
	if err != nil {
		return nil, err
	}
	dirs, err := directions(base, head, bs, hs)
	if err != nil {
		return nil, err
	}
	thr := &benchmath.Thresholds{CompareAlpha: rep.Alpha}
	need := needPerSide(rep.Alpha)
	var common int
	for _, k := range mergeKeys(bs.order, hs.order) {
		b, h := bs.vals[k], hs.vals[k]
		orig := cmp.Or(bs.orig[k], hs.orig[k])
		c := Comparison{Name: k.name, Unit: k.unit, OrigUnit: orig, P: math.NaN(), Delta: math.NaN(),
			Better: dirs[k.unit], Tolerance: opt.tolerance(k.unit, orig), NBase: len(b), NHead: len(h), Need: need}
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
	// The rule the verdict states ("need ≥ 4 per side"), not the U test's
	// own minimum p, which an unequal pair such as 3+10 can pass: a gate
	// that says "per side" must mean it.
	if !c.Exact && min(len(b), len(h)) < c.Need {
		c.Verdict = TooFew
		if c.Better == 0 {
			c.Verdict = NotJudged
		}
		return
	}
	res := assume.Compare(benchmath.NewSample(b, thr), benchmath.NewSample(h, thr))
	c.P = res.P
	// benchstat's rule: a difference is significant unless P > alpha.
	switch d := c.Delta * float64(c.Better); {
	case c.Better == 0:
		c.Verdict = NotJudged
	case res.P > thr.CompareAlpha || c.Delta == 0:
		c.Verdict = Unchanged
	case d > 0:
		c.Verdict = Improved
	case -d > c.Tolerance:
		c.Verdict = Regressed
	default:
		c.Verdict = Worse
	}
}

// delta is the relative change from base to head, signed as the values
// move: head/base − 1 flips its sign when base is negative (-1 ms → -5 ms
// is +400 % by it, a rise though the value fell), so a negative base is
// divided out by its magnitude. Only a unit the registry allows to be
// negative, or one it does not know, gets here with one.
func delta(base, head float64) float64 {
	switch {
	case base == head:
		return 0
	case base == 0:
		return math.Copysign(math.Inf(1), head)
	case base < 0:
		return (head - base) / -base
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

// side is one file's direction for a unit: its own declaration (only
// higher or lower count; GetBetter's fallback for ns/op is a guess, so
// Get is asked first), else, where the file has values in the unit, the
// registry; known is false when neither says (a file that neither
// declares nor measures a unit has no say in its direction). from says
// where the direction came from, for messages.
func side(s *Set, unit string, measured bool) (dir int, known bool, from string) {
	if m := s.Units.Get(unit, "better"); m != nil {
		if d := s.Units.GetBetter(unit); d != 0 {
			file, line := m.Pos()
			return d, true, fmt.Sprintf("declared at %s:%d", cmp.Or(file, s.File), line)
		}
	}
	if u, ok := units.Lookup(unit); ok && measured {
		return int(u.Better), true, "undeclared in " + s.File + ", so the registry's"
	}
	return 0, false, ""
}

// dirName is a direction as benchfmt declares it.
func dirName(d int) string {
	return cmp.Or(units.Better(d).String(), "descriptive")
}

// directions returns the direction of every compared unit, by tidied
// unit: each file's own (its declaration, else the registry), which must
// agree. A unit neither declared nor registered in either file is an
// input error that names it and where it first appears: judging it by its
// spelling could judge it backwards, leaving it unjudged would pass its
// regressions, and a spurious unit is how a file cut mid-line shows. A
// unit whose direction differs between base and head is an input error
// too: taking either side's word would let one file turn a regression
// into an improvement (benchfmt already refuses the conflict within one
// file).
func directions(base, head *Set, bs, hs sampleSet) (map[string]int, error) {
	dirs := map[string]int{}
	var unknown, conflict []string
	for _, ss := range []sampleSet{bs, hs} {
		for _, k := range ss.order {
			if _, ok := dirs[k.unit]; ok {
				continue
			}
			bd, bok, bfrom := side(base, k.unit, bs.has(k.unit))
			hd, hok, hfrom := side(head, k.unit, hs.has(k.unit))
			dirs[k.unit] = hd
			switch {
			case bok && hok && bd != hd:
				conflict = append(conflict, fmt.Sprintf("%s is better=%s in base (%s) but better=%s in head (%s)",
					ss.orig[k], dirName(bd), bfrom, dirName(hd), hfrom))
			case bok && !hok:
				dirs[k.unit] = bd
			case !bok && !hok:
				unknown = append(unknown, fmt.Sprintf("%q (%s)", ss.orig[k], ss.pos[k]))
			}
		}
	}
	if len(conflict) > 0 {
		return nil, fmt.Errorf("%w: unit %s; a unit's direction must agree between base and head, or a file could turn a regression into an improvement",
			ErrInput, few(conflict))
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: unit %s neither declared nor registered (a file cut mid-line shows as such a unit); declare it (Unit <unit> better=higher|lower) or add it to internal/units",
			ErrInput, few(unknown))
	}
	return dirs, nil
}

type sampleKey struct{ name, unit string }

type sampleSet struct {
	order []sampleKey
	vals  map[sampleKey][]float64
	orig  map[sampleKey]string // unit as written
	pos   map[sampleKey]string // file:line of the first value
}

// samples groups a set's values by benchmark name and tidied unit, in
// order of first appearance, leaving out the ignored units. A value that
// is NaN or infinite is an input error.
func samples(s *Set, opt Options) (sampleSet, error) {
	ss := sampleSet{vals: map[sampleKey][]float64{}, orig: map[sampleKey]string{}, pos: map[sampleKey]string{}}
	for _, r := range s.Results {
		for _, v := range r.Values {
			orig := cmp.Or(v.OrigUnit, v.Unit)
			if opt.ignoresUnit(v.Unit, orig) {
				continue
			}
			if err := valid(r, v); err != nil {
				return sampleSet{}, err
			}
			// benchfmt leaves a value's unit untidied when tidying does not
			// change the value, as for 0: a warm call's "0 load-ns" would
			// otherwise be a metric of its own, apart from load-sec.
			_, unit := benchunit.Tidy(1, v.Unit)
			k := sampleKey{opt.name(r), unit}
			if _, ok := ss.vals[k]; !ok {
				ss.order = append(ss.order, k)
				ss.orig[k] = orig
				ss.pos[k] = pos(r)
			}
			ss.vals[k] = append(ss.vals[k], v.Value)
		}
	}
	return ss, nil
}

// has reports whether the set holds values in unit (tidied).
func (ss sampleSet) has(unit string) bool {
	return slices.ContainsFunc(ss.order, func(k sampleKey) bool { return k.unit == unit })
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

// Err is the gate's verdict on the report: nil when it passes, else one
// line that wraps, for each that applies and in this order,
//
//   - ErrRegression: some metric regressed beyond its tolerance;
//   - ErrInput and ErrMissing: some metric of the base is missing from the
//     head (Options.IgnoreUnits names units the head may lack);
//   - ErrTooFewSamples: some judged metric has fewer samples per side than
//     the U test needs at Alpha.
//
// It names the first few metrics of each; WriteSummary lists them all.
func (r *Report) Err() error {
	var reg, missing, undecided []string
	need := 0
	for _, c := range r.Comparisons {
		switch c.Verdict {
		case Regressed:
			reg = append(reg, fmt.Sprintf("%s %s %+.2f%% (tolerance %s)", c.Name, c.OrigUnit, 100*c.Delta, pct(c.Tolerance)))
		case OnlyBase:
			missing = append(missing, c.Name+" "+c.OrigUnit)
		case TooFew:
			undecided = append(undecided, fmt.Sprintf("%s %s (n=%d+%d)", c.Name, c.OrigUnit, c.NBase, c.NHead))
			need = c.Need
		}
	}
	n := len(r.Comparisons)
	var format []string
	var errs []any
	if len(reg) > 0 {
		format = append(format, "%w: %s")
		errs = append(errs, ErrRegression, ofN(reg, n)+": "+few(reg))
	}
	if len(missing) > 0 {
		format = append(format, "%w: %w: %s")
		errs = append(errs, ErrInput, ErrMissing, ofN(missing, n)+": "+few(missing))
	}
	if len(undecided) > 0 {
		format = append(format, "%w (need ≥ %d per side for alpha %v): %s")
		errs = append(errs, ErrTooFewSamples, need, r.Alpha, ofN(undecided, n)+": "+few(undecided))
	}
	if len(format) == 0 {
		return nil
	}
	return fmt.Errorf(strings.Join(format, "; "), errs...)
}

// ofN says how many of n metrics xs are: "1 of 4 metrics".
func ofN(xs []string, n int) string {
	return fmt.Sprintf("%d of %d metrics", len(xs), n)
}

// few joins the first three of xs and says how many more there are, so
// that a message stays one readable line however many metrics it concerns.
func few(xs []string) string {
	const show = 3
	if len(xs) <= show {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[:show], ", "), len(xs)-show)
}

// pct formats a fraction as a percentage without needless digits.
func pct(f float64) string {
	return fmt.Sprintf("%s%%", strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", 100*f), "0"), "."))
}
