package tr121

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// A Scenario is one of the study's TR121 prompts: the first of a prompt
// set (prompts/tr117_tier3_prompt_sets.txt micro[0], short[0], medium[0]).
type Scenario struct {
	Name   string
	Prompt onnx.Prompt // its text for Ollama, its GPT-2 tokens for ONNX Runtime
}

// Scenarios are the study's three, in its order.
func Scenarios() []Scenario {
	var ss []Scenario
	for _, set := range []string{"micro", "short", "medium"} {
		ss = append(ss, Scenario{set, onnx.StudyPrompts(set)[0]})
	}
	return ss
}

// GenTokens is the decode length of every call: the study's gen_tokens
// (num_predict for Ollama, KV-cached steps for the Hugging Face runs).
const GenTokens = 64

// ParamsKey formats a parameter count as a name segment's value, in
// millions with every digit kept, as the study's params_millions column
// ("0.102714", "268.1").
func ParamsKey(params int64) string {
	return strconv.FormatFloat(float64(params)/1e6, 'f', -1, 64)
}

// A Point is one model of a scaling fit: its parameters (millions) and
// latency (ms), the study's aggregate: the median latency of each
// scenario's calls, then the geometric mean over scenarios.
type Point struct {
	Model   string
	Params  float64
	Latency float64
}

// A Sample is one call's latency in one scenario of one model.
type Sample struct {
	Model    string
	Params   float64
	Scenario string
	Latency  float64
}

// Points aggregates samples as the study did (analyze_scaling.py): per
// model and scenario the median, per model the geometric mean of those
// medians, ordered by parameters.
func Points(samples []Sample) []Point {
	type key struct{ model, scenario string }
	by := map[key][]float64{}
	params := map[string]float64{}
	var scenarios = map[string][]string{}
	for _, s := range samples {
		k := key{s.Model, s.Scenario}
		if _, ok := by[k]; !ok {
			scenarios[s.Model] = append(scenarios[s.Model], s.Scenario)
		}
		by[k] = append(by[k], s.Latency)
		params[s.Model] = s.Params
	}
	var ps []Point
	for model, scs := range scenarios {
		var medians []float64
		for _, sc := range scs {
			medians = append(medians, stats.Median(by[key{model, sc}]))
		}
		ps = append(ps, Point{Model: model, Params: params[model], Latency: GeoMean(medians)})
	}
	slices.SortFunc(ps, func(a, b Point) int { return cmp.Or(cmp.Compare(a.Params, b.Params), cmp.Compare(a.Model, b.Model)) })
	return ps
}

// GeoMean is the geometric mean of xs: NaN if xs is empty or holds a
// value that is not positive.
func GeoMean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		if !(x > 0) {
			return math.NaN()
		}
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

// Fit is the study's scaling fit of points: latency = A·params^B by least
// squares of log10 latency on log10 params, with B's 95 % t-interval.
func Fit(points []Point) stats.PowerLaw {
	var xs, ys []float64
	for _, p := range points {
		xs = append(xs, p.Params)
		ys = append(ys, p.Latency)
	}
	return stats.FitPowerLaw(xs, ys, 0.95)
}

// Samples reads the calls of a benchmark set matching where: each row's
// model and scenario name keys, its params key (millions) and the latency
// latency(row) gives (false: the row has none).
func Samples(s *golden.Set, latency func(golden.Row) (float64, bool), where ...string) []Sample {
	var out []Sample
	for _, r := range s.Rows(where...) {
		v, ok := latency(r)
		if !ok {
			continue
		}
		p, err := strconv.ParseFloat(r.Keys["params"], 64)
		if err != nil {
			continue
		}
		out = append(out, Sample{Model: r.Keys["model"], Params: p, Scenario: r.Keys["scenario"], Latency: v})
	}
	return out
}
