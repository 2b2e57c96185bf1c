package tr115

import (
	"context"
	"maps"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
)

// reportedUnits are what BenchmarkTR115 reports: the units of the TR115
// baseline (the study's legacy figures, a-ns, b-ns, load-ns), the
// corrected figures beside them, the roofline share, the concurrent calls'
// decode rate and TTFT, and the Go scheduler's latency during the
// concurrent runs.
var reportedUnits = harness.MultiAgentUnits("sched-p50-ns", "sched-p99-ns")

// A leaf is one sub-benchmark of BenchmarkTR115: a config of the study's
// run the way a variant says, through clients whose transports are clones
// of base (nil: Go's default, http.DefaultTransport; a test's dials the
// fakes).
type leaf struct {
	t    multiagent.Test
	v    Variant
	base *http.Transport
}

// leaves are the study's six configs, each in every variant of this
// machine (Variants(runtime.NumCPU())).
func leaves(context.Context, *harness.Env) ([]leaf, error) {
	var ls []leaf
	for _, t := range Configs() {
		for _, v := range Variants(runtime.NumCPU()) {
			ls = append(ls, leaf{t: t, v: v})
		}
	}
	return ls, nil
}

// leafName is the baseline's name with the variant as the runtime (Name).
func leafName(l leaf) string { return Name(l.v, l.t) }

// body is one sub-benchmark: the config's two agents on two instances,
// agent A on the first and B on the second, run the way the variant says
// (its GOMAXPROCS, transports and coordinator), harness.MultiAgentValues.
// One iteration is one interleaved sample: agent A alone, agent B alone,
// then both together the variant's way; ns/op is its wall time. The Go
// scheduler's latency is taken over the timed concurrent halves only.
func body(b *testing.B, env *harness.Env, l leaf) map[string]float64 {
	live := env.Live
	prev := runtime.GOMAXPROCS(l.v.GOMAXPROCS(runtime.NumCPU()))
	b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	base := l.base
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	var urls []string
	for _, in := range live.Instances {
		urls = append(urls, in.URL)
	}
	ends, trs, err := l.v.Endpoints(base, urls, 2)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for _, tr := range trs {
			tr.CloseIdleConnections()
		}
	})
	coord := l.v.Together()
	var sched multiagent.SchedHist
	values := harness.MultiAgentValues(b, live, harness.MultiAgentBench{
		Test: l.t, Model: live.Model(), Label: leafName(l), Units: reportedUnits, Endpoints: ends,
		Together: func(ctx context.Context, run string, agents ...*agent.Agent) (multiagent.Concurrent, error) {
			if strings.HasPrefix(run, "warmup/") {
				return coord(ctx, run, agents...)
			}
			region := multiagent.StartSched()
			c, err := coord(ctx, run, agents...)
			sched.Add(region.Stop())
			return c, err
		},
	})
	maps.Copy(values, sched.Values())
	return values
}
