package capacity

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseSLO(t *testing.T) {
	for _, tc := range []struct {
		in    string
		terms []Term
		err   string // substring of the error; "" = valid
	}{
		{in: "ttft-p95<=2s", terms: []Term{{Metric: "ttft", Pct: 95, AtMost: true, Bound: 2e9, Text: "ttft-p95<=2s"}}},
		{in: " ttft-p95 <= 2s , agent-tok/s-p5>=10", terms: []Term{
			{Metric: "ttft", Pct: 95, AtMost: true, Bound: 2e9, Text: "ttft-p95<=2s"},
			{Metric: "agent-tok/s", Pct: 5, Bound: 10, Text: "agent-tok/s-p5>=10"},
		}},
		{in: "e2e-p99.9<=1m30s,queue-p50<=250ms", terms: []Term{
			{Metric: "e2e", Pct: 99.9, AtMost: true, Bound: float64(90 * time.Second), Text: "e2e-p99.9<=1m30s"},
			{Metric: "queue", Pct: 50, AtMost: true, Bound: float64(250 * time.Millisecond), Text: "queue-p50<=250ms"},
		}},
		{in: "", err: "empty term"},
		{in: "ttft-p95<=2s,", err: "term 2: empty term"},
		{in: "ttft-p95=<2s", err: "no <= or >="},
		{in: "ttft-p95<2s", err: "no <= or >="},
		{in: "ttft95<=2s", err: "no -p<percentile>"},
		{in: "ttft-p0<=2s", err: `percentile "0"`},
		{in: "ttft-p101<=2s", err: `percentile "101"`},
		{in: "ttft-p95<=2", err: "positive Go duration"},
		{in: "ttft-p95<=-1s", err: "positive Go duration"},
		{in: "ttft-p95>=2s", err: "ttft is a latency: bound it with <="},
		{in: "agent-tok/s-p5<=10", err: "agent-tok/s is a rate: bound it with >="},
		{in: "agent-tok/s-p5>=fast", err: "positive number of tokens per second"},
		{in: "tpot-p95<=2s", err: `unknown metric "tpot"`},
		{in: "ttft-p95<=2s,ttft-p95<=1s", err: "ttft-p95 bounded twice"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSLO(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseSLO(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.terms, got.Terms); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Each variable that does not parse fails with its name; unset ones take
// the stated defaults.
func TestFromEnv(t *testing.T) {
	def, err := FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Setups: DefaultSetups(), Agents: []int{1, 2, 4, 8}, Calls: DefaultCalls, Rates: []float64{4, 8, 16},
		Arrivals: []string{Poisson}, OpenCalls: DefaultOpenCalls, InFlight: DefaultInFlight, Seed: DefaultSeed,
		MaxAgents: DefaultMaxAgents,
	}
	if diff := cmp.Diff(want, def, cmpopts.IgnoreFields(Config{}, "SLO")); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
	if def.SLO.Text != DefaultSLO {
		t.Errorf("default SLO %q, want %q", def.SLO.Text, DefaultSLO)
	}
	for _, tc := range []struct{ name, value, err string }{
		{AgentsEnv, "1,2,16,32", ""},
		{AgentsEnv, "1,4,2", "increasing"},
		{AgentsEnv, "0,1", "positive"},
		{AgentsEnv, "1,100000", "at most 4096"},
		{SetupsEnv, "1x1,1x4,4x1", ""},
		{SetupsEnv, "1x1,1*2", "<instances>x<slots>"},
		{SetupsEnv, "1x2,1x2", "twice"},
		{CallsEnv, "3", "even"},
		{RatesEnv, "0.5,1,x", `rate "x"`},
		{ArrivalsEnv, "poisson,uniform", `"uniform"`},
		{OpenCallsEnv, "1", "at least 2"},
		{InFlightEnv, "-1", "from 1 to 4096"},
		{SeedEnv, "-3", "unsigned"},
		{MaxAgentsEnv, "many", "integer from 1 to 4096"},
		{OpenCallsEnv, "1000000", "from 1 to 100000"},
		{SLOEnv, "ttft<2s", "no <= or >="},
	} {
		_, err := FromEnv(func(name string) string {
			if name == tc.name {
				return tc.value
			}
			return ""
		})
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s=%s: %v", tc.name, tc.value, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s=%s: error %v; want one naming %s and containing %q", tc.name, tc.value, err, tc.name, tc.err)
		}
	}
}

// The same seed gives the same Poisson schedule; its mean gap is 1/rate
// within sampling error; a constant one is exact.
func TestSchedule(t *testing.T) {
	a, err := Schedule(Poisson, 4, 4000, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Schedule(Poisson, 4, 4000, 7)
	c, _ := Schedule(Poisson, 4, 4000, 8)
	if !cmp.Equal(a, b) || cmp.Equal(a, c) {
		t.Errorf("seeded schedules: same seed equal %v, other seed equal %v; want true, false", cmp.Equal(a, b), cmp.Equal(a, c))
	}
	// 4000 exponential gaps: the mean's relative SD is 1/√3999 ≈ 1.6 %.
	if rate := 3999 / a[3999].Seconds(); rate < 4*0.94 || rate > 4*1.06 {
		t.Errorf("Poisson schedule's rate %v, want 4 within 6 %%", rate)
	}
	k, _ := Schedule(Constant, 4, 5, 0)
	if want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond, time.Second}; !cmp.Equal(want, k) {
		t.Errorf("constant schedule %v, want %v", k, want)
	}
	if _, err := Schedule("bursty", 1, 2, 0); err == nil {
		t.Error("an unknown arrival process was accepted")
	}
}

// The searches find the edge of a monotone target in the stated number of
// steps: doubling, then bisection.
func TestSearches(t *testing.T) {
	for _, tc := range []struct {
		edge, limit int
		want        int
		loads       []float64
	}{
		{edge: 6, limit: 64, want: 6, loads: []float64{1, 2, 4, 8, 6, 7}},
		{edge: 0, limit: 64, want: 0, loads: []float64{1}},
		{edge: 100, limit: 64, want: 64, loads: []float64{1, 2, 4, 8, 16, 32, 64}},
		{edge: 40, limit: 48, want: 40, loads: []float64{1, 2, 4, 8, 16, 32, 48, 40, 44, 42, 41}},
	} {
		got, steps, err := LargestAgents(tc.limit, func(n int) (Step, error) { return Step{Verdict: Verdict{Met: n <= tc.edge}}, nil })
		var loads []float64
		for _, s := range steps {
			loads = append(loads, s.Load)
		}
		if err != nil || got != tc.want || !cmp.Equal(loads, tc.loads) {
			t.Errorf("edge %d: LargestAgents = %d after %v (%v); want %d after %v", tc.edge, got, loads, err, tc.want, tc.loads)
		}
	}
	for _, edge := range []float64{0.01, 0.7, 7.3, 3000} {
		got, _, err := LargestRate(2, 2048, func(r float64) (Step, error) { return Step{Verdict: Verdict{Met: r <= edge}}, nil })
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case edge < 2.0/64:
			if got != 0 {
				t.Errorf("edge %v: LargestRate = %v, want 0 (below start/64)", edge, got)
			}
		case edge > 2048:
			if got != 2048 {
				t.Errorf("edge %v: LargestRate = %v, want the limit 2048", edge, got)
			}
		default:
			if got > edge || got*(1+RateTolerance) < edge {
				t.Errorf("edge %v: LargestRate = %v, want within %v below it", edge, got, RateTolerance)
			}
		}
	}
}
