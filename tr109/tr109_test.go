package tr109

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// fakeModel is the fake's script for the hermetic runs (multiagenttest's
// tiny fixture): every metric the body reports is checked against it.
var fakeModel = multiagenttest.TinyModel()

const fakePredict = multiagenttest.TinyPredict

// fakes serve fakeModel inside the current synctest bubble, with the
// report's environment on them.
func fakes(t *testing.T) *multiagenttest.Fakes {
	t.Helper()
	return multiagenttest.New(t, multiagenttest.Tiny(reportedUnits))
}

// TestTR109BodyReportsTheFakesTruth runs the benchmark body for the
// baseline and then a chimera config, as the sweep does, against the fake
// inside a synctest bubble, where the fake's script is exact: the chimera
// config's options reload the model, its warm-up pays that, and every
// reported metric is the script's value for the measured run alone.
func TestTR109BodyReportsTheFakesTruth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t)
		cs := harness.AgentConfigs()
		for i, c := range []harness.AgentConfig{cs[0], cs[len(cs)-1]} {
			res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), c) })
			all := f.Prompted()
			if len(all) != 4*(i+1) {
				t.Fatalf("%s: %d calls so far, want %d (a warm-up run and a measured run of 2 calls per config)", c.Name(), len(all), 4*(i+1))
			}
			warmup, calls := all[4*i:4*i+2], all[4*i+2:4*i+4]
			if warmup[0].Load != fakeModel.Load {
				t.Errorf("%s: the warm-up loaded for %v, want the (re)load of %v", c.Name(), warmup[0].Load, fakeModel.Load)
			}
			for _, r := range calls {
				if r.Load != 0 {
					t.Errorf("%s: a measured call paid %v of load: the warm-up did not warm", c.Name(), r.Load)
				}
				if want := c.Options(f.Live.Base).Map(); len(r.Options) != len(want) {
					t.Errorf("%s sent options %v, want %v", c.Name(), r.Options, want)
				}
			}
			want := multiagenttest.CallTruth(fakeModel, fakePredict, calls)
			multiagenttest.AssertValues(t, want, res.Extra) // config c
			// ns/op is the workflow's wall time: both calls (ingest takes no
			// virtual time).
			if got, e2e := float64(res.NsPerOp()), 2*want["e2e-ns"]; got != e2e {
				t.Errorf("%s: ns/op = %v, want the two calls' %v", c.Name(), got, e2e)
			}
		}
	})
}

// set reads benchfmt lines written as "name value unit".
func set(t *testing.T, lines ...string) *golden.Set {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		f := strings.Fields(l)
		fmt.Fprintf(&b, "Benchmark%s 1 %s %s\n", f[0], f[1], f[2])
	}
	s, err := golden.Read(strings.NewReader(b.String()), "test.bench")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// samples returns n lines of name with values from, from+step, ….
func samples(name, unit string, n int, from, step float64) []string {
	var ls []string
	for i := range n {
		ls = append(ls, fmt.Sprintf("%s %g %s", name, from+float64(i)*step, unit))
	}
	return ls
}

func TestSuccessRate(t *testing.T) {
	const (
		base = "TR109/agent=baseline-2"
		fast = "TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6-2"
		slow = "TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.8-2"
		same = "TR109/agent=chimera/num_gpu=80/num_ctx=256/temp=0.6-2"
		few  = "TR109/agent=chimera/num_gpu=80/num_ctx=256/temp=0.8-2"
	)
	type row struct {
		Config                           string
		N, BaseN                         int
		StudyWins, Tested, Better, Worse bool
	}
	concat := func(ls ...[]string) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l...)
		}
		return out
	}
	for _, tc := range []struct {
		name                 string
		lines                []string
		rule                 Rule
		want                 []row
		study, better, worse int
	}{
		{
			name: "ten a side: better, worse, a mean win that is noise, too few samples",
			lines: concat(
				samples(base, "tok/s", 10, 100, 1), // 100..109
				samples(fast, "tok/s", 10, 120, 1),
				samples(slow, "tok/s", 10, 80, 1),
				samples(same, "tok/s", 10, 100.5, 1), // interleaves the baseline's values
				samples(few, "tok/s", 9, 200, 1),
			),
			rule: Rule{Unit: "tok/s"},
			want: []row{
				{"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6", 10, 10, true, true, true, false},
				{"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.8", 10, 10, false, true, false, true},
				{"TR109/agent=chimera/num_gpu=80/num_ctx=256/temp=0.6", 10, 10, true, true, false, false},
				{"TR109/agent=chimera/num_gpu=80/num_ctx=256/temp=0.8", 9, 10, true, false, false, false},
			},
			study: 3, better: 1, worse: 1,
		},
		{
			name: "lower is better for a TTFT",
			lines: concat(
				samples(base, "ttft-ns", 10, 1e6, 1e3),
				samples(fast, "ttft-ns", 10, 5e5, 1e3),
			),
			rule:  Rule{Unit: "ttft-ns"},
			want:  []row{{"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6", 10, 10, true, true, true, false}},
			study: 1, better: 1,
		},
		{
			name: "the study's shape: one run each, paired by directory",
			lines: []string{
				"TR109/agent=baseline/dir=a/study-agent=baseline 100 tok/s",
				"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/dir=a/study-agent=chimera 101 tok/s",
				"TR109/agent=baseline/dir=b/study-agent=baseline 100 tok/s",
				"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.8/dir=b/study-agent=chimera 99.9 tok/s",
			},
			rule: Rule{Unit: "tok/s", Pair: "dir"},
			want: []row{
				{"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/dir=a/study-agent=chimera", 1, 1, true, false, false, false},
				{"TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.8/dir=b/study-agent=chimera", 1, 1, false, false, false, false},
			},
			study: 1,
		},
		{
			name: "pooled over start, rows without the unit are no samples",
			lines: []string{
				"TR111/agent=baseline/start=warm/dir=a 100 tok/s",
				"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=cold/dir=a 98 tok/s",
				"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm/dir=a 104 tok/s",
				"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm/dir=a 4e8 ttft-ns",
			},
			rule:  Rule{Unit: "tok/s", Pair: "dir", Pool: []string{"start"}},
			want:  []row{{"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/dir=a", 2, 1, true, false, false, false}},
			study: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := SuccessRate(set(t, tc.lines...), tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, o := range r.Outcomes {
				got = append(got, row{o.Config, o.N, o.BaseN, o.StudyWins, o.Tested, o.Better, o.Worse})
				if o.Tested == math.IsNaN(o.P) {
					t.Errorf("%s: tested %v but P = %v", o.Config, o.Tested, o.P)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			if r.StudyWins() != tc.study || r.Better() != tc.better || r.Worse() != tc.worse || r.Configs() != len(tc.want) {
				t.Errorf("counts: %d configs, study %d, better %d, worse %d; want %d, %d, %d, %d",
					r.Configs(), r.StudyWins(), r.Better(), r.Worse(), len(tc.want), tc.study, tc.better, tc.worse)
			}
		})
	}
}

func TestSuccessRateErrors(t *testing.T) {
	ok := []string{"TR109/agent=baseline 100 tok/s", "TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6 101 tok/s"}
	for _, tc := range []struct {
		name  string
		lines []string
		rule  Rule
		want  string
	}{
		{"unregistered unit", ok, Rule{Unit: "widgets/s"}, "widgets/s"},
		{"a unit better neither way", []string{"TR109/agent=baseline 100 prompt-tok"}, Rule{Unit: "prompt-tok"}, "better neither way"},
		{"no baseline", ok[1:], Rule{Unit: "tok/s"}, "no agent=baseline rows"},
		{"no baseline in the pair", []string{"TR109/agent=baseline/dir=a 100 tok/s", "TR109/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/dir=b 101 tok/s"},
			Rule{Unit: "tok/s", Pair: "dir"}, "no baseline rows [agent=baseline dir=b]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SuccessRate(set(t, tc.lines...), tc.rule)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// A server that answers every call with a bare done line (no content, no
// counts, no durations) measured nothing but the calls' end-to-end time:
// the body must omit every other metric (no TTFT of any call or of the
// first, no decode rate, no load or prefill, no study TTFT, no prompt
// tokens), never report one as 0 or NaN, and count both calls of the
// measured run as lacking each.
func TestTR109BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t)
		f.Servers[0].Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		cs := harness.AgentConfigs()
		for _, c := range []harness.AgentConfig{cs[0], cs[len(cs)-1]} {
			res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), c) })
			multiagenttest.AssertBare(t, res.Extra, 2) // both calls of the measured run
		}
	})
}
