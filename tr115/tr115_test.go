package tr115

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
)

func variant(t *testing.T, runtime string) Variant {
	t.Helper()
	for _, v := range Variants(4) {
		if v.Runtime == runtime {
			return v
		}
	}
	t.Fatalf("no variant %s", runtime)
	return Variant{}
}

// homo is the study's chimera_homo gpu80_ctx512 config.
func homo(t *testing.T) multiagent.Test {
	t.Helper()
	for _, c := range Configs() {
		if c.Scenario == multiagent.ChimeraHomo && c.Dir(false) == "gpu80_ctx512" {
			return c
		}
	}
	t.Fatal("no chimera_homo gpu80_ctx512 config")
	return multiagent.Test{}
}

// TestTR115BodyReportsTheFakesTruth runs the benchmark body once (a
// warm-up sample and one measured sample) in each variant, on two fakes
// whose timing is exact inside a synctest bubble, one agent on each, and
// checks every reported metric against the fakes' script.
//
// The instances are independent, so the agents run together gain all they
// can: speedup exactly 2 and legacy 100 %, whatever the GOMAXPROCS,
// transports or keep-alive. The mutex is the negative control: it serves
// the same two workflows one after the other, so the corrected speedup is
// exactly 1; the legacy efficiency reads exactly 50 % and calls every run
// contended, because each agent's time starts when it holds the lock,
// although the agents did the same work at the same rate (tok/s) as when
// they ran at once.
func TestTR115BodyReportsTheFakesTruth(t *testing.T) {
	for _, v := range Variants(4) {
		t.Run(v.Runtime, func(t *testing.T) {
			procs := runtime.GOMAXPROCS(0)
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
				l := leaf{t: homo(t), v: v, base: f.Transport}
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), l) })
				want := f.Apart(t, multiagenttest.TinyModel())
				if v.Mutex { // one workflow after the other: twice the wall
					want["eff-%"], want["legacy-speedup-x"], want["contention-%"] = 50, 1, 100
					want["speedup-x"], want["true-eff-%"] = 1, 50
					want["overhead-ns"] = want["wall-ns"]
					want["wall-ns"] *= 2
					want["agg-tok/s"] /= 2
					want["roofline-%"] /= 2
				}
				// The scheduler's latency is the runtime's, not the fakes':
				// check it was measured, then compare the rest.
				p50, ok50 := res.Extra["sched-p50-ns"]
				p99, ok99 := res.Extra["sched-p99-ns"]
				if !ok50 || !ok99 || !(0 <= p50 && p50 <= p99) {
					t.Errorf("sched-p50-ns %v (%v), sched-p99-ns %v (%v); want both, 0 ≤ p50 ≤ p99", p50, ok50, p99, ok99)
				}
				delete(res.Extra, "sched-p50-ns")
				delete(res.Extra, "sched-p99-ns")
				multiagenttest.AssertValues(t, want, res.Extra)
			})
			if got := runtime.GOMAXPROCS(0); got != procs {
				t.Errorf("GOMAXPROCS is %d after the body, want %d restored", got, procs)
			}
		})
	}
}

// The body runs under the variant's GOMAXPROCS, and dials once per call
// only with keep-alive off: the 16 calls of a warm-up and one sample are
// all its requests.
func TestVariantsChangeWhatTheySay(t *testing.T) {
	for _, tc := range []struct {
		runtime string
		dials   func(n int64) bool
		want    string
	}{
		{"go-procs1", func(n int64) bool { return n < 16 }, "fewer than 16 (connections reused)"},
		{"go-no-keepalive", func(n int64) bool { return n == 16 }, "16, one per call"},
		{"go-transport-per-agent", func(n int64) bool { return n < 16 }, "fewer than 16 (connections reused)"},
	} {
		t.Run(tc.runtime, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
				var dials atomic.Int64
				var procs sync.Map // GOMAXPROCS seen while dialling
				base := f.Transport.Clone()
				dial := base.DialContext
				base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					procs.Store(runtime.GOMAXPROCS(0), true)
					return dial(ctx, network, addr)
				}
				v := variant(t, tc.runtime)
				l := leaf{t: homo(t), v: v, base: base}
				harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), l) })
				want := v.GOMAXPROCS(runtime.NumCPU())
				procs.Range(func(k, _ any) bool {
					if k.(int) != want {
						t.Errorf("GOMAXPROCS %d during the body, want %d", k, want)
					}
					return true
				})
				if n := dials.Load(); !tc.dials(n) {
					t.Errorf("%d dials, want %s", n, tc.want)
				}
			})
		})
	}
}

// One transport is shared by both agents unless the variant gives each
// its own; keep-alive is off in every transport of a variant that says so.
func TestEndpointsTransports(t *testing.T) {
	base := &http.Transport{}
	urls := []string{"http://a", "http://b"}
	for _, tc := range []struct {
		runtime    string
		transports int
		keepAlive  bool
	}{
		{"go-default", 1, true},
		{"go-transport-per-agent", 2, true},
		{"go-no-keepalive", 1, false},
		{"go-mutex", 1, true},
	} {
		t.Run(tc.runtime, func(t *testing.T) {
			ends, trs, err := variant(t, tc.runtime).Endpoints(base, urls, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(trs) != tc.transports || len(ends) != 2 || ends[0].URL != "http://a" || ends[1].URL != "http://b" {
				t.Fatalf("%d transports, endpoints %v; want %d, agent i on URL i", len(trs), ends, tc.transports)
			}
			for _, tr := range trs {
				if tr == base || tr.DisableKeepAlives == tc.keepAlive {
					t.Errorf("transport %p: base %v, keep-alive %v; want a clone, keep-alive %v", tr, tr == base, !tr.DisableKeepAlives, tc.keepAlive)
				}
			}
		})
	}
}

// Go's default runs at NumCPU; the GOMAXPROCS variants are 1 and 2, each
// left out where it is NumCPU; every other variant changes one thing.
func TestVariants(t *testing.T) {
	for _, tc := range []struct {
		numCPU int
		want   []string
	}{
		{1, []string{"go-default", "go-procs2", "go-transport-per-agent", "go-no-keepalive", "go-mutex"}},
		{2, []string{"go-default", "go-procs1", "go-transport-per-agent", "go-no-keepalive", "go-mutex"}},
		{16, []string{"go-default", "go-procs1", "go-procs2", "go-transport-per-agent", "go-no-keepalive", "go-mutex"}},
	} {
		t.Run("numcpu="+strconv.Itoa(tc.numCPU), func(t *testing.T) {
			var got []string
			for _, v := range Variants(tc.numCPU) {
				got = append(got, v.Runtime)
				changes := 0
				for _, c := range []bool{v.Procs > 0, v.PerAgentTransport, v.NoKeepAlive, v.Mutex} {
					if c {
						changes++
					}
				}
				want := 1
				if v.Runtime == "go-default" {
					want = 0
				}
				if changes != want {
					t.Errorf("%s changes %d things from go-default, want %d", v.Runtime, changes, want)
				}
				if v.Procs > 0 && v.GOMAXPROCS(tc.numCPU) == tc.numCPU {
					t.Errorf("%s runs at NumCPU, as go-default does", v.Runtime)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigsAreTheStudys checks the configs against the options the
// study's runs.csv records for each agent of each config directory.
func TestConfigsAreTheStudys(t *testing.T) {
	key := func(c multiagent.Test) string { return c.Scenario + "_" + c.Dir(false) }
	want := multiagenttest.StudyTests(t, multiagenttest.StudyRuns(t, "tr115/runs.csv"),
		func(r multiagenttest.StudyRun) string { return r.Col["config_id"] })
	for _, c := range want {
		if c.ID != "" {
			t.Errorf("config %s has test id %s; the study gave none", key(c), c.ID)
		}
	}
	if diff := cmp.Diff(want, Configs(), cmpopts.SortSlices(func(a, b multiagent.Test) bool { return key(a) < key(b) })); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestSubBenchmarkNamesAreTheBaselines checks that every sub-benchmark is
// named as the study's runs of the same config in testdata/baseline.bench,
// with the Go variant as the runtime, so that benchstat -col /runtime puts
// the Go variants next to the Rust runtimes; and that every config of the
// baseline runs.
func TestSubBenchmarkNamesAreTheBaselines(t *testing.T) {
	_, configs := runtimesAndConfigs(t, multiagenttest.BaselineNames(t, Report.Baselines[0]))
	ours := multiagenttest.SubBenchmarks(t, Report, nil)
	runtimes, _ := runtimesAndConfigs(t, ours)
	var want []string // every Go variant runs every config of the study
	for _, rt := range runtimes {
		for _, c := range configs {
			want = append(want, "TR115/runtime="+rt+"/"+c)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, ours); diff != "" {
		t.Errorf("sub-benchmarks mismatch (-every runtime × the study's configs +ours):\n%s", diff)
	}
}

// runtimesAndConfigs splits TR115 names ("TR115/runtime=…/scenario=…") into
// their runtimes and the rest, the configs, each once, failing t on a name
// with no runtime.
func runtimesAndConfigs(t *testing.T, names []string) (runtimes, configs []string) {
	t.Helper()
	for _, name := range names {
		rest, ok := strings.CutPrefix(name, "TR115/runtime=")
		if !ok {
			t.Fatalf("%s has no runtime", name)
		}
		rt, config, _ := strings.Cut(rest, "/")
		if !slices.Contains(runtimes, rt) {
			runtimes = append(runtimes, rt)
		}
		if !slices.Contains(configs, config) {
			configs = append(configs, config)
		}
	}
	return runtimes, configs
}

// Fakes that answer every call with a bare done line leave every per-call
// metric unmeasured, and in the bubble the runs take no time: each
// variant's body reports none of them and no ratio over a wall time of 0,
// never 0, NaN or Inf.
func TestTR115BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	for _, v := range Variants(4) {
		t.Run(v.Runtime, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Tiny(reportedUnits, 1, 1))
				f.Bare()
				l := leaf{t: homo(t), v: v, base: f.Transport}
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), l) })
				multiagenttest.AssertOmitted(t, res.Extra, "tok/s", "ttft-ns", "load-ns", "eff-%", "speedup-x", "agg-tok/s")
			})
		})
	}
}
