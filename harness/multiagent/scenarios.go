package multiagent

import (
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// Scenarios of the study's multi-agent runs, as its runs.csv files and the
// baselines' names spell them.
const (
	BaselineVsChimera = "baseline_vs_chimera" // A: server defaults; B: the test's config
	ChimeraHetero     = "chimera_hetero"      // A: config 1; B: config 2
	ChimeraHomo       = "chimera_homo"        // A and B: the same config
)

// A Config is the options one agent of a [Test] sends. The zero Config is
// the study's baseline agent, which sends none: the server's defaults apply.
type Config struct {
	NumGPU      int
	NumCtx      int
	Temperature float64
}

// Options returns the request options of c on top of base (the
// per-instance num_thread and num_predict, which every agent sends).
func (c Config) Options(base measure.Options) measure.Options {
	o := base
	if c == (Config{}) {
		return o
	}
	o.NumGPU = measure.Ptr(c.NumGPU)
	o.NumCtx = measure.Ptr(c.NumCtx)
	o.Temperature = measure.Ptr(c.Temperature)
	return o
}

// Opts is the Config that sends the three options.
func Opts(gpu, ctx int, temp float64) Config {
	return Config{NumGPU: gpu, NumCtx: ctx, Temperature: temp}
}

// A Test is one multi-agent test of the study: two agents, A (the study's
// "collector") and B ("insight"), each running the 2-call workflow. ID is
// the study's test id (T011) where it had one (TR110, TR114_v2), else "".
type Test struct {
	ID       string
	Scenario string
	A, B     Config
}

// BaselineVs is test id of [BaselineVsChimera]: A the baseline agent, B
// sending b.
func BaselineVs(id string, b Config) Test {
	return Test{ID: id, Scenario: BaselineVsChimera, B: b}
}

// Hetero is test id of [ChimeraHetero]: A sending a, B sending b.
func Hetero(id string, a, b Config) Test {
	return Test{ID: id, Scenario: ChimeraHetero, A: a, B: b}
}

// Homo is test id of [ChimeraHomo]: A and B both sending a.
func Homo(id string, a Config) Test {
	return Test{ID: id, Scenario: ChimeraHomo, A: a, B: a}
}

// Dir spells the test's configuration as the study's result directories
// and the baselines' config= segments do: the chimera agent's options (B's
// in baseline_vs_chimera, both agents' in chimera_homo), and in
// chimera_hetero A's and B's joined by '-' per option. With temp the
// temperature is spelled too:
//
//	gpu80_ctx512                      TR115, TR116 (temperature 1.0 throughout)
//	gpu60_ctx512_temp0.8              TR110
//	gpu60-80_ctx512-1024_temp0.8-0.6  TR110 chimera_hetero
func (t Test) Dir(temp bool) string {
	c := t.B
	if t.Scenario == ChimeraHomo {
		c = t.A
	}
	opt := func(f func(Config) string) string {
		if t.Scenario == ChimeraHetero {
			return f(t.A) + "-" + f(t.B)
		}
		return f(c)
	}
	s := "gpu" + opt(func(c Config) string { return strconv.Itoa(c.NumGPU) }) +
		"_ctx" + opt(func(c Config) string { return strconv.Itoa(c.NumCtx) })
	if temp {
		s += "_temp" + opt(func(c Config) string { return Temperature(c.Temperature) })
	}
	return s
}

// Temperature spells a temperature as the study's CSVs do: with at least
// one decimal ("1.0", "0.8").
func Temperature(t float64) string {
	s := strconv.FormatFloat(t, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	return s
}

// An Endpoint is the instance one agent talks to, through the client it
// talks with.
type Endpoint struct {
	URL    string
	Client *measure.Client
}

// Agents returns the test's two agents, A ("collector") and B ("insight")
// as the study named them: copies of tmpl (model, corpus, trace, config
// label) with the test's options for each on top of base, agent i talking
// to ends[i mod len(ends)].
func (t Test) Agents(tmpl agent.Agent, base measure.Options, ends []Endpoint) []*agent.Agent {
	var as []*agent.Agent
	for i, a := range []struct {
		name string
		c    Config
	}{{"collector", t.A}, {"insight", t.B}} {
		ag := tmpl
		ag.Name = a.name
		ag.Options = a.c.Options(base)
		ag.URL, ag.Client = ends[i%len(ends)].URL, ends[i%len(ends)].Client
		as = append(as, &ag)
	}
	return as
}
