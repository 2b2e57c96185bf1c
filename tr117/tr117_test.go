package tr117

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR117 is the study's cross-backend matrix on what Go can run
// (Report): backend=…/size=…/scenario=…. One iteration is one call.
func BenchmarkTR117(b *testing.B) { harness.Run(b, Report) }

// BenchmarkTR117Agents is N agents streaming at once from one Ollama
// instance with N slots, while a goroutine sleeps and records its
// oversleep (Agents): agents=N/op=run.
func BenchmarkTR117Agents(b *testing.B) { harness.Run(b, Agents) }

// TestReport checks the declared report: the baselines against their
// converters, the fragment (the baselines and testdata/ours.bench) and
// charts against their goldens, and every TR117 and TR117_multi_agent
// row of PUBLISHED.md that has data (#175–#177, #179–#189; #178 has
// none): the tier-3 means and maximum, the loop lag's mean, p99 and
// maximum, the chunk count and gap p99 and the efficiencies follow; the
// "under load" p99 (#182), the mean gap (#184), the §5 throttled
// efficiency (#188) and the loop lag as the cause of the ceiling (#189) do
// not, each as the data pack recomputed it.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestTwentyPythonPairs checks that the baseline holds the study's 20
// instrumented Python pairs, which #186–#189 pool.
func TestTwentyPythonPairs(t *testing.T) {
	base := reporttest.Input(t, Report.Spec).Study["tr117"]
	if n := len(report.StudyRuns(base, "TR117Agents", "lang=python")); n != 20 {
		t.Errorf("%d Python pairs, want 20", n)
	}
}

// Each GGUF size is matched with the ONNX model nearest in parameters,
// within 10 %.
func TestSizesMatchParameterCounts(t *testing.T) {
	sizes, err := Sizes()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	for _, s := range sizes {
		got[s.Name] = [2]string{s.GGUF, s.ONNX}
		if r := float64(s.ONNXParams) / float64(s.GGUFParams); r < 0.9 || r > 1.1 {
			t.Errorf("%s: %s has %d parameters, %s %d: ratio %.3f", s.Name, s.GGUF, s.GGUFParams, s.ONNX, s.ONNXParams, r)
		}
	}
	want := map[string][2]string{"tiny": {"llama3.1-tiny", "gpt2-5m"}, "small": {"llama3.1-small", "gpt2-50m"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sizes mismatch (-want +got):\n%s", diff)
	}
	if n, p, err := Nearest(102_714); n != "tiny-gpt2" || p != 102_714 || err != nil {
		t.Errorf("Nearest(tiny-gpt2's count) = %s, %d, %v", n, p, err)
	}
	if _, _, err := Nearest(0); err == nil {
		t.Error("Nearest(0) matched a model")
	}
}

// The ONNX side gets one row of the Ollama side's prompt length, other ids
// for the other prompt, and the warm-up is the prompt call 0 is not.
func TestScenariosGiveBothBackendsOneLength(t *testing.T) {
	var names []string
	for _, sc := range Scenarios() {
		names = append(names, sc.Name)
		if sc.Prompt(WarmupCall) == sc.Prompt(0) {
			t.Errorf("%s: the warm-up sends call 0's prompt, which Ollama would then serve from its cache", sc.Name)
		}
		var rows [][]int64
		for k := range 2 {
			b := sc.Batch(k, 7, 50257)
			if len(b.Prompts) != 1 || len(b.Prompts[0]) != sc.Prompt(k).Tokens || b.Steps != 7 || b.Len != 0 {
				t.Errorf("%s call %d: %d rows, %d tokens (want %d), %d steps, padded to %d", sc.Name, k, len(b.Prompts), len(b.Prompts[0]), sc.Prompt(k).Tokens, b.Steps, b.Len)
			}
			if slices.ContainsFunc(b.Prompts[0], func(id int64) bool { return id < 0 || id >= 50257 }) {
				t.Errorf("%s call %d: a token outside the vocabulary: %v", sc.Name, k, b.Prompts[0])
			}
			rows = append(rows, b.Prompts[0])
		}
		if slices.Equal(rows[0][:min(len(rows[0]), len(rows[1]))], rows[1][:min(len(rows[0]), len(rows[1]))]) {
			t.Errorf("%s: the two prompts' ids share their start", sc.Name)
		}
	}
	if diff := cmp.Diff([]string{"single_micro", "single_short", "single_medium", "single_long"}, names); diff != "" {
		t.Errorf("scenarios mismatch (-want +got):\n%s", diff)
	}
}

func TestLatencyStats(t *testing.T) {
	var xs []float64
	for i := 1; i <= 20; i++ {
		xs = append(xs, float64(i))
	}
	l := LatencyStats(xs)
	if l.N != 20 || l.Mean != 10.5 || l.Median != 10.5 || math.Abs(l.P95-19.05) > 1e-12 {
		t.Errorf("n %d, mean %v, median %v, p95 %v; want 20, 10.5, 10.5, 19.05 (numpy linear)", l.N, l.Mean, l.Median, l.P95)
	}
	if want := stats.TInterval(xs, 0.95); l.MeanCI != want {
		t.Errorf("mean CI %v, want the t-interval %v", l.MeanCI, want)
	}
	for _, c := range []struct {
		name string
		v    float64
		ci   stats.Interval
	}{{"mean", l.Mean, l.MeanCI}, {"median", l.Median, l.MedianCI}, {"p95", l.P95, l.P95CI}} {
		if !(c.ci.Lo < c.v && c.v <= c.ci.Hi) || c.ci.Hi > 20 {
			t.Errorf("%s %v: interval %v does not hold it, or reaches past the largest sample", c.name, c.v, c.ci)
		}
	}
	if again := LatencyStats(xs); again != l {
		t.Errorf("two summaries of the same data differ: %+v, %+v", l, again)
	}
	one := LatencyStats([]float64{5})
	if one.Mean != 5 || !math.IsNaN(one.MeanCI.Lo) {
		t.Errorf("one sample: %+v; want mean 5 and no t-interval", one)
	}
	if none := LatencyStats(nil); !math.IsNaN(none.Mean) || !math.IsNaN(none.P95) {
		t.Errorf("no sample: %+v; want NaN", none)
	}
}

// The tail of a benchmark's calls is the p95 LatencyStats reports and the
// slowest call; no call, no tail.
func TestTailValues(t *testing.T) {
	var xs []float64
	for i := 20; i >= 1; i-- {
		xs = append(xs, float64(i))
	}
	want := map[string]float64{"e2e-p95-ns": LatencyStats(xs).P95, "e2e-max-ns": 20}
	if diff := cmp.Diff(want, TailValues(xs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if v := TailValues(nil); len(v) != 0 {
		t.Errorf("no call reports %v", v)
	}
}

// An oversleep region keeps one oversleep a sleep that ended in it, each
// exactly 0 on synctest's clock; the sleep in progress at Stop is left out,
// and a region too short for one sleep reports nothing.
func TestOversleepRegionOnTheBubblesClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := StartOversleep(OversleepPeriod)
		time.Sleep(9*OversleepPeriod + OversleepPeriod/2)
		over := r.Stop()
		if again := r.Stop(); !slices.Equal(over, again) {
			t.Errorf("a second Stop returned %v, the first %v", again, over)
		}
		if diff := cmp.Diff(make(Oversleeps, 9), over); diff != "" {
			t.Errorf("oversleeps mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]float64{"oversleep-p50-ns": 0, "oversleep-p99-ns": 0}, over.Values()); diff != "" {
			t.Errorf("values mismatch (-want +got):\n%s", diff)
		}
		if v := StartOversleep(OversleepPeriod).Stop().Values(); len(v) != 0 {
			t.Errorf("a region with no sleep reports %v", v)
		}
	})
}

// Oversleeps are actual − requested: their percentiles are numpy's.
func TestOversleepsValues(t *testing.T) {
	var o Oversleeps
	for i := range 101 {
		o = append(o, time.Duration(i)*time.Microsecond)
	}
	want := map[string]float64{"oversleep-p50-ns": 50e3, "oversleep-p99-ns": 99e3}
	if diff := cmp.Diff(want, o.Values(), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// The Ollama body reports exactly the fake's script (multiagenttest's
// tiny fixture, from which the wants derive): call 0 alone is timed,
// after a warm-up with the other prompt that paid the load.
func TestOllamaBodyReportsTheFakesTruth(t *testing.T) {
	sc := Scenarios()[1]
	fakeTokens := func(p Prompt) int { return ollamatest.PromptTokens(p.Text) }
	synctest.Test(t, func(t *testing.T) {
		f := multiagenttest.New(t, multiagenttest.Tiny(callUnits))
		l, in := f.Live, f.Live.Instances[0]
		res := harness.BenchOnce(t, func(b *testing.B) {
			l.Report(b, benchOllama(b, l, in, multiagenttest.TinyModel().Name, sc, fakeTokens))
		})
		calls := f.Prompted()
		if len(calls) != 2 || calls[0].PromptTokens != fakeTokens(sc.Prompt(WarmupCall)) || calls[1].PromptTokens != fakeTokens(sc.Prompt(0)) {
			t.Fatalf("served %+v; want the warm-up's prompt, then call 0's", calls)
		}
		prefill := time.Duration(fakeTokens(sc.Prompt(0))) * multiagenttest.TinyModel().PrefillPerToken
		e2e := float64(prefill + multiagenttest.TinyPredict*multiagenttest.TinyModel().InterToken)
		want := map[string]float64{
			"tok/s":         float64(time.Second / multiagenttest.TinyModel().InterToken),
			"invalid-calls": 0, // no call lied
			"ttft-ns":       float64(prefill),
			"itl-ns":        float64(multiagenttest.TinyModel().InterToken),
			"e2e-ns":        e2e,
			"e2e-p95-ns":    e2e, // one call: its own tail
			"e2e-max-ns":    e2e,
			"prefill-ns":    float64(prefill),
		}
		if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
			t.Errorf("metrics mismatch (-want +got):\n%s", diff)
		}
	})
}

// A server that counts other prompt tokens than the ONNX side is given
// fails the benchmark: the lengths would no longer match.
func TestOllamaBodyFailsOnAnotherPromptLength(t *testing.T) {
	sc := Scenarios()[1]
	synctest.Test(t, func(t *testing.T) {
		f := multiagenttest.New(t, multiagenttest.Tiny(callUnits))
		l, in := f.Live, f.Live.Instances[0]
		log := harness.BenchFails(t, func(b *testing.B) {
			benchOllama(b, l, in, multiagenttest.TinyModel().Name, sc, func(p Prompt) int { return ollamatest.PromptTokens(p.Text) + 1 })
		})
		if !strings.Contains(log, "the prompt lengths no longer match the ONNX side's") {
			t.Errorf("the body on prompts one token short logged %q, want the mismatch named", log)
		}
	})
}

const ms = time.Millisecond

// decodeRecord is a call of 3 steps: a 4 ms prefill, steps of 1 ms, each
// token chosen 0.1 ms after its forward.
func decodeRecord() onnx.Record {
	r := onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 1, Len: 12, Real: 12, Padded: 12, Prefill: 4 * ms}
	return onnxtest.Timed(r, 3, ms, ms/10)
}

// The ONNX body reports exactly what its record says, through the same
// per-call metrics as Ollama's calls.
func TestONNXBodyReportsTheRecordsTruth(t *testing.T) {
	sc := Scenarios()[1]
	s := &onnxtest.Script{Records: []onnx.Record{decodeRecord()}}
	trace := harness.NewTrace(t)
	env := &harness.Env{Units: backendUnits}
	res := harness.BenchOnce(t, func(b *testing.B) { env.Report(b, benchONNX(b, s, sc, 3, 50257, trace)) })
	want := map[string]float64{
		"tok/s":         3 / 0.003,
		"invalid-calls": 0, // no call lied
		"ttft-ns":       float64(4*ms + ms/10),
		"itl-ns":        float64(ms + ms/10),
		"e2e-ns":        float64(s.Records[0].End),
		"e2e-p95-ns":    float64(s.Records[0].End),
		"e2e-max-ns":    float64(s.Records[0].End),
		"prefill-ns":    float64(4 * ms),
	}
	if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("metrics mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]onnx.Batch{sc.Batch(WarmupCall, 3, 50257), sc.Batch(0, 3, 50257)}, s.Calls); diff != "" {
		t.Errorf("calls mismatch, want the warm-up then call 0 (-want +got):\n%s", diff)
	}
	bad := decodeRecord()
	bad.Degraded = "decode step 2: boom"
	degraded := &onnxtest.Script{Records: []onnx.Record{bad}}
	if log := harness.BenchFails(t, func(b *testing.B) { benchONNX(b, degraded, sc, 3, 50257, trace) }); !strings.Contains(log, "all 1 calls degraded") {
		t.Errorf("a sub-benchmark whose every call degraded logged %q, want it failed as all degraded", log)
	}
}

// The ONNX body runs on ONNX Runtime itself, through Report.RunLeaf:
// tiny-gpt2 on the CPU, every unit measured.
func TestONNXBodyOnONNXRuntime(t *testing.T) {
	t.Setenv("CHIMERA_NUM_PREDICT", "8")
	env := harness.ONNXEnv(t, "onnxruntime", 1, backendUnits)
	sizes, err := Sizes()
	if err != nil {
		t.Fatal(err)
	}
	res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, env, leaf{size: sizes[0], sc: Scenarios()[3]}) })
	// invalid-calls is a count: 0 is the measurement (ONNX Runtime's
	// calls are never a server's word).
	onnxtest.AssertMeasured(t, res.Extra, callUnits, "invalid-calls")
}

// schedOK checks that the scheduler latency was measured and is finite.
func schedOK(t *testing.T, extra map[string]float64) {
	t.Helper()
	p50, ok50 := extra["sched-p50-ns"]
	p99, ok99 := extra["sched-p99-ns"]
	if !ok50 || !ok99 || !(p50 >= 0) || !(p99 >= p50) || math.IsInf(p99, 0) || p99 > 1e9 {
		t.Errorf("scheduler latency p50 %v (%v), p99 %v (%v): want measured, finite, ordered and under a second", p50, ok50, p99, ok99)
	}
}

// N agents on an instance with N slots never wait for each other: both
// efficiencies are exactly 100 % and the speedup exactly N, the scheduler
// latency of the concurrent half is measured, the concurrent calls' tail
// is the fake's script, and the sleeps taken meanwhile, on the bubble's
// clock, oversleep by exactly 0.
func TestAgentsRunOnSlotsOfTheirOwnScorePerfectly(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("agents=%d", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Tiny(agentUnits, n))
				res := harness.BenchOnce(t, func(b *testing.B) { Agents.RunLeaf(b, f.Env(), n) })
				// The timed together half is the last 2n calls served.
				calls := f.Prompted()
				var e2e []float64
				for _, c := range calls[len(calls)-2*n:] {
					e2e = append(e2e, float64(time.Duration(c.PromptTokens)*multiagenttest.TinyModel().PrefillPerToken+multiagenttest.TinyPredict*multiagenttest.TinyModel().InterToken))
				}
				want := map[string]float64{"eff-%": 100, "legacy-speedup-x": float64(n), "speedup-x": float64(n), "true-eff-%": 100,
					"balance-%": 100, "overhead-ns": 0, "tok/s": float64(time.Second / multiagenttest.TinyModel().InterToken), "invalid-calls": 0,
					"e2e-ns": stats.Mean(e2e), "e2e-p95-ns": stats.Percentile(e2e, 95), "e2e-max-ns": stats.Max(e2e),
					"oversleep-p50-ns": 0, "oversleep-p99-ns": 0}
				got := map[string]float64{}
				for u := range want {
					if v, ok := res.Extra[u]; ok {
						got[u] = v
					}
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
				schedOK(t, res.Extra)
			})
		})
	}
}

// realLive is a Live on a fake served over loopback in real time, with
// slots for every agent.
func realLive(t *testing.T, slots int) *harness.Live {
	t.Helper()
	m := ollamatest.Model{Name: "fake-synth:tiny", PrefillPerToken: 20 * time.Microsecond, InterToken: time.Millisecond}
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{m}, NumParallel: slots})
	u, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &harness.Live{
		Instances: []*harness.Instance{{URL: fake.URL, Client: measure.NewClient(u, fake.Client())}},
		Models:    []harness.ModelInfo{{Tag: m.Name, Synthetic: true}},
		Base:      measure.Options{NumPredict: measure.Ptr(32)},
		Trace:     harness.NewTrace(t),
		Corpus:    harness.CorpusDir(t),
		Units:     agentUnits,
	}
}

// On the real clock, agents that do not share a slot show no ceiling: the
// legacy efficiency stays well above what a serialising loop gives (25 % for
// four agents), the scheduler latency is measured, and the sleeps taken
// meanwhile are measured and ordered. The bounds are loose on purpose: the
// test shares two cores with the rest of go test ./..., and how near 100 %
// the efficiency comes is a performance figure, BenchmarkTR117Agents's to
// report, not a test's to assert.
func TestGoHasNoCeilingOnTheRealClock(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time: about a second")
	}
	const n = 4
	l := realLive(t, n)
	res := harness.BenchOnce(t, func(b *testing.B) { Agents.RunLeaf(b, &harness.Env{Live: l}, n) })
	if eff := res.Extra["eff-%"]; !(eff >= 50 && eff <= 100) {
		t.Errorf("eff-%% %v with %d agents on slots of their own, want 50–100 (a serialising loop gives %v)", eff, n, 100.0/n)
	}
	schedOK(t, res.Extra)
	p50, ok50 := res.Extra["oversleep-p50-ns"]
	p99, ok99 := res.Extra["oversleep-p99-ns"]
	if !ok50 || !ok99 || !(p50 >= 0) || !(p99 >= p50) || p99 > float64(time.Second) {
		t.Errorf("oversleep p50 %v (%v), p99 %v (%v) of %v sleeps: want measured, ordered and under 1 s", p50, ok50, p99, ok99, OversleepPeriod)
	}
}
