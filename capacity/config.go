package capacity

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/internal/envvar"
)

// The environment variables the benchmarks read, at run time.
const (
	AgentsEnv    = "CHIMERA_AGENTS"              // agent counts of BenchmarkCapacity: "1,2,4,8"
	SLOEnv       = "CHIMERA_SLO"                 // the latency target: "ttft-p95<=2s,agent-tok/s-p5>=10"
	SetupsEnv    = "CHIMERA_CAPACITY_SETUPS"     // setups as instances×slots: "1x1,2x1,1x2,1x4"
	CallsEnv     = "CHIMERA_CAPACITY_CALLS"      // calls per agent in the closed loop (even)
	RatesEnv     = "CHIMERA_CAPACITY_RATES"      // offered rates of BenchmarkCapacityOpen, calls/s
	ArrivalsEnv  = "CHIMERA_CAPACITY_ARRIVALS"   // "poisson", "constant" or both
	OpenCallsEnv = "CHIMERA_CAPACITY_OPEN_CALLS" // calls per open-loop run and per search step
	InFlightEnv  = "CHIMERA_CAPACITY_INFLIGHT"   // cap on calls in flight in the open loop
	SeedEnv      = "CHIMERA_CAPACITY_SEED"       // seed of the Poisson arrivals
	MaxAgentsEnv = "CHIMERA_CAPACITY_MAX_AGENTS" // where the search for max-agents stops
)

// Bounds of the counts above: beyond them a run would start more
// goroutines and requests than any machine serves.
const (
	MaxAgents = 4096   // an agent count, the search's limit, the cap in flight
	MaxCalls  = 100000 // calls per agent, per open-loop run
)

// Defaults of the variables above.
const (
	DefaultAgents    = "1,2,4,8"
	DefaultSLO       = "ttft-p95<=2s,agent-tok/s-p5>=10"
	DefaultCalls     = 4 // two workflows (analysis + report) per agent
	DefaultRates     = "4,8,16"
	DefaultArrivals  = "poisson"
	DefaultOpenCalls = 20 // a p95 from 20 calls lies between the 19th and the 20th
	DefaultInFlight  = 64
	DefaultSeed      = 1
	DefaultMaxAgents = 64
)

// A Setup is one way to serve the agents: how many instances (agent i on
// instance i mod Instances, open-loop call k on instance k mod Instances)
// and each instance's OLLAMA_NUM_PARALLEL, named as tr114 names its arms.
type Setup struct {
	Instances   int
	NumParallel int
}

// Name is the setup's part of a sub-benchmark name: "instances=1/parallel=2".
func (s Setup) Name() string {
	return "instances=" + strconv.Itoa(s.Instances) + "/parallel=" + strconv.Itoa(s.NumParallel)
}

// Slots is the number of calls the setup serves at once.
func (s Setup) Slots() int { return s.Instances * s.NumParallel }

// DefaultSetups are tr114's three: one instance with one slot, two
// instances, one instance with two slots.
func DefaultSetups() []Setup { return []Setup{{1, 1}, {2, 1}, {1, 2}} }

// Config is what the capacity benchmarks run. Its zero value is not
// useful: use [FromEnv].
type Config struct {
	Setups    []Setup
	Agents    []int     // N of BenchmarkCapacity, increasing
	Calls     int       // calls per agent per closed-loop run; even (whole workflows)
	Rates     []float64 // offered calls/s of BenchmarkCapacityOpen, increasing
	Arrivals  []string  // "poisson", "constant"
	OpenCalls int       // calls per open-loop run; also the least calls a search step decides from
	InFlight  int       // cap on calls in flight in the open loop
	Seed      uint64
	MaxAgents int // the agent search stops here
	SLO       SLO
}

// FromEnv reads the Config from getenv (os.Getenv in the benchmarks): each
// variable unset or empty takes its default; a value that does not parse is
// an error naming the variable.
func FromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var c Config
	var err error
	if c.Setups, err = ParseSetups(get(SetupsEnv, "1x1,2x1,1x2")); err != nil {
		return c, fmt.Errorf("%s: %w", SetupsEnv, err)
	}
	if c.Agents, err = ParseAgents(get(AgentsEnv, DefaultAgents)); err != nil {
		return c, fmt.Errorf("%s: %w", AgentsEnv, err)
	}
	bounded := func(name string, def, hi int) (int, error) {
		n, ok, err := envvar.Int(getenv, name, 1, hi)
		if !ok {
			n = def
		}
		return n, err
	}
	if c.Calls, err = bounded(CallsEnv, DefaultCalls, MaxCalls); err != nil {
		return c, err
	}
	if c.Calls%2 != 0 {
		return c, fmt.Errorf("%s=%d: want an even number (each workflow makes two calls)", CallsEnv, c.Calls)
	}
	if c.Rates, err = ParseRates(get(RatesEnv, DefaultRates)); err != nil {
		return c, fmt.Errorf("%s: %w", RatesEnv, err)
	}
	if c.Arrivals, err = parseArrivals(get(ArrivalsEnv, DefaultArrivals)); err != nil {
		return c, fmt.Errorf("%s: %w", ArrivalsEnv, err)
	}
	if c.OpenCalls, err = bounded(OpenCallsEnv, DefaultOpenCalls, MaxCalls); err != nil {
		return c, err
	}
	if c.OpenCalls < 2 {
		return c, fmt.Errorf("%s=%d: want at least 2 (rates are measured between calls)", OpenCallsEnv, c.OpenCalls)
	}
	if c.InFlight, err = bounded(InFlightEnv, DefaultInFlight, MaxAgents); err != nil {
		return c, err
	}
	seed, err := strconv.ParseUint(get(SeedEnv, strconv.Itoa(DefaultSeed)), 10, 64)
	if err != nil {
		return c, fmt.Errorf("%s: want an unsigned integer: %w", SeedEnv, err)
	}
	c.Seed = seed
	if c.MaxAgents, err = bounded(MaxAgentsEnv, DefaultMaxAgents, MaxAgents); err != nil {
		return c, err
	}
	if c.SLO, err = ParseSLO(get(SLOEnv, DefaultSLO)); err != nil {
		return c, fmt.Errorf("%s: %w", SLOEnv, err)
	}
	return c, nil
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q: want a positive integer", s)
	}
	return n, nil
}

// ParseSetups parses "1x1,2x1,1x2": instances × slots per instance, each
// positive, none twice.
func ParseSetups(s string) ([]Setup, error) {
	var out []Setup
	for _, f := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(f), "x")
		i, err1 := strconv.Atoi(a)
		p, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || i <= 0 || p <= 0 {
			return nil, fmt.Errorf("setup %q: want <instances>x<slots>, both positive, as in 1x2", f)
		}
		su := Setup{i, p}
		if slices.Contains(out, su) {
			return nil, fmt.Errorf("setup %q twice", f)
		}
		out = append(out, su)
	}
	return out, nil
}

// ParseAgents parses "1,2,4,8": from 1 to MaxAgents, increasing.
func ParseAgents(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := positive(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		if n > MaxAgents {
			return nil, fmt.Errorf("%d agents: want at most %d", n, MaxAgents)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("%q: want increasing agent counts", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// ParseRates parses "2,4,8,16": calls per second, positive, finite and
// increasing.
func ParseRates(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(r > 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("rate %q: want a positive number of calls per second", f)
		}
		if len(out) > 0 && r <= out[len(out)-1] {
			return nil, fmt.Errorf("%q: want increasing rates", s)
		}
		out = append(out, r)
	}
	return out, nil
}

func parseArrivals(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f != Poisson && f != Constant {
			return nil, fmt.Errorf("arrival %q: want %s or %s", f, Poisson, Constant)
		}
		if slices.Contains(out, f) {
			return nil, fmt.Errorf("arrival %q twice", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// RateName is a rate's part of a sub-benchmark name: "rate=2.5".
func RateName(r float64) string { return "rate=" + strconv.FormatFloat(r, 'g', -1, 64) }
