package measure

import (
	"math"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// honest decodes at exactly 500 tok/s: 50 tokens 2 ms apart, so every
// valid call's eval_duration is 100 ms. It is loaded (no load time) and
// prefills prompt80 in 2 ms.
var honest = ollamatest.Model{Name: "tiny", PrefillPerToken: 100 * time.Microsecond, InterToken: 2 * ms, Tokens: 50}

// lyingCalls makes four calls to a fake that runs every one of them
// honestly at 500 tok/s, but whose done line lie rewrites on every every-th
// call, and returns their records, all written to a trace and read back.
func lyingCalls(t *testing.T, every int, lie func(*api.Metrics)) []Record {
	t.Helper()
	s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{honest}})
	var n atomic.Int64
	s.Inject("tiny", ollamatest.Fault{Kind: ollamatest.FaultMisreport, Misreport: func(m *api.Metrics) {
		if n.Add(1)%int64(every) == 0 {
			lie(m)
		}
	}})
	trace, err := OpenTrace(filepath.Join(t.TempDir(), "trace.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80, Run: "1", Stage: "analysis"})
		if err != nil {
			t.Fatalf("call %d: %v; an invalid call is still a successful call", i, err)
		}
		if err := trace.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := trace.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadTrace(trace.Path())
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// checkSane fails on any metric that is negative, NaN or infinite.
func checkSane(t *testing.T, v map[string]float64) {
	t.Helper()
	for u, x := range v {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("%s = %v: a metric no server may make negative, NaN or infinite", u, x)
		}
	}
}

// TestInvalidAccountingIsFlaggedNeverPooled drives each wrong done line of
// issue 17 through the fake. The calls really run at 500 tok/s; main
// copied the done line unchecked and reported what the name says. Now the
// lying calls are invalid, traced with the reason, counted in
// invalid-calls, and pooled into nothing: the other calls' metrics are the
// fake's truth, and a run of only lying calls has nothing to report and an
// error naming the first reason.
func TestInvalidAccountingIsFlaggedNeverPooled(t *testing.T) {
	const (
		eval   = 100 * ms // 50 tokens at 2 ms
		e2e    = 102 * ms // 2 ms prefill, then 50 tokens; the done line at the 50th interval
		rate   = 500.0
		prompt = 20
	)
	truth := map[string]float64{
		"tok/s": rate, "ttft-ns": float64(2 * ms), "first-ttft-ns": float64(2 * ms), "e2e-ns": float64(e2e),
		"itl-ns": float64(2 * ms), "load-ns": 0, "prefill-ns": float64(2 * ms), "study-ttft-ns": float64(2 * ms),
		"prompt-tok": prompt, "no-ttft-calls": 0, "no-load-calls": 0, "no-prefill-calls": 0,
		"stream-tok/s": rate,
	}
	withInvalid := func(n float64) map[string]float64 {
		v := map[string]float64{"invalid-calls": n, "failed-calls": 0}
		if n < 4 {
			for u, x := range truth {
				v[u] = x
			}
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		every int // the lie is on every every-th call of four
		lie   func(*api.Metrics)
		why   string
	}{
		{"eval_duration 0 on every second call (main: 1000 tok/s)", 2,
			func(m *api.Metrics) { m.EvalDuration = 0 }, "50 tokens with no eval_duration"},
		{"eval_count -1 (main: -10 tok/s)", 1,
			func(m *api.Metrics) { m.EvalCount = -1 }, "negative eval_count -1"},
		{"negative load_duration (main: -1000000 load-ns)", 1,
			func(m *api.Metrics) { m.LoadDuration = -ms }, "negative load_duration -1ms"},
		{"negative prompt eval (main: -5000000 prefill-ns, -20 prompt-tok)", 1,
			func(m *api.Metrics) { m.PromptEvalDuration, m.PromptEvalCount = -5*ms, -20 },
			"negative prompt_eval_count -20; negative prompt_eval_duration -5ms"},
		{"absurd load_duration (main: 1000000000000000000 load-ns)", 1,
			func(m *api.Metrics) { m.LoadDuration = 1e18 }, "load_duration 277777h46m40s longer than the call's 102ms (+20.2ms slack)"},
		{"50 tokens in 1 ns (main: 50000000000 tok/s)", 1,
			func(m *api.Metrics) { m.EvalDuration = 1 }, "eval_duration 1ns is under 1/100 of the 98ms over which content chunks 2–50 arrived (-20.2ms slack)"},
		{"no eval_count after 50 content chunks (main: 0 tok/s)", 1,
			func(m *api.Metrics) { m.EvalCount = 0 }, "no eval_count after 50 content chunks"},
		{"eval_count below the content chunks (main: 300 tok/s)", 2,
			func(m *api.Metrics) { m.EvalCount = 10 }, "eval_count 10 below the 50 content chunks received"},
		{"durations summing past the wall time (main: 45000000 load-ns, 46000000 prefill-ns)", 2,
			func(m *api.Metrics) { m.LoadDuration, m.PromptEvalDuration = 90*ms, 90*ms },
			"load, prompt eval and eval durations sum to 280ms, longer than the call's 102ms (+20.2ms slack)"},
		{"total_duration of an hour (main: passed unchecked)", 2,
			func(m *api.Metrics) { m.TotalDuration = time.Hour }, "total_duration 1h0m0s longer than the call's 102ms (+20.2ms slack)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				recs := lyingCalls(t, tc.every, tc.lie)
				var m CallMetrics
				m.Add(recs...)
				nInvalid := 0
				for i, r := range recs {
					lied := (i+1)%tc.every == 0
					if lied {
						nInvalid++
					}
					switch {
					case !r.OK():
						t.Errorf("call %d failed: %s; an invalid call is a successful one", i, r.Err)
					case lied && r.Invalid != tc.why:
						t.Errorf("call %d: traced reason %q, want %q", i, r.Invalid, tc.why)
					case !lied && r.Invalid != "":
						t.Errorf("honest call %d traced as invalid: %s", i, r.Invalid)
					}
				}
				got := m.Values()
				checkSane(t, got)
				if diff := cmp.Diff(withInvalid(float64(nInvalid)), got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
				err := m.Err()
				switch {
				case nInvalid == len(recs) && (err == nil || !strings.Contains(err.Error(), "all 4 calls invalid") || !strings.Contains(err.Error(), tc.why)):
					t.Errorf("every call invalid: Err() = %v, want all 4 calls invalid with the reason %q", err, tc.why)
				case nInvalid < len(recs) && err != nil:
					t.Errorf("Err() = %v with valid calls left", err)
				}
				var tokens TokenCount
				tokens.Add(recs...)
				if n, ok := tokens.Sum(); ok || n != 0 || tokens.ForRegion() != 0 {
					t.Errorf("token sum over a region with invalid calls = %d, %v; want unknown (and 0 for J/tok)", n, ok)
				}
			})
		})
	}
}

func TestValidateRules(t *testing.T) {
	chunks := func(n int, gap time.Duration) []time.Duration { return steps(10*ms, gap, n) }
	for _, tc := range []struct {
		name string
		r    Record
		why  string
	}{
		{"a bare done line is valid: nothing reported, nothing generated", Record{End: 5 * ms}, ""},
		{"Ollama's zeros omitted after no content are valid", Record{End: 5 * ms, LoadDuration: Ptr(time.Duration(0))}, ""},
		{"merged tokens: fewer chunks than tokens", Record{Chunks: chunks(3, ms), End: 20 * ms, EvalCount: Ptr(9), EvalDuration: Ptr(9 * ms)}, ""},
		{"thinking tokens: no content at all", Record{End: 20 * ms, EvalCount: Ptr(9), EvalDuration: Ptr(9 * ms)}, ""},
		{"Ollama leaves sampling out of eval_duration: a tenth of the chunks' span is valid",
			Record{Chunks: chunks(101, 10*ms), End: 1100 * ms, EvalCount: Ptr(101), EvalDuration: Ptr(100 * ms)}, ""},
		{"chunk span within 100 eval_durations plus slack", Record{Chunks: chunks(41, 2*ms), End: 100 * ms, EvalCount: Ptr(41), EvalDuration: Ptr(600 * time.Microsecond)}, ""},
		{"chunk span past 100 eval_durations plus slack", Record{Chunks: chunks(41, 2*ms), End: 100 * ms, EvalCount: Ptr(41), EvalDuration: Ptr(500 * time.Microsecond)},
			"eval_duration 500µs is under 1/100 of the 80ms over which content chunks 2–41 arrived (-20ms slack)"},
		{"a 0 eval_count reported with content", Record{Chunks: chunks(1, ms), End: 20 * ms, EvalCount: Ptr(0)},
			"eval_count 0 below the 1 content chunks received"},
		{"one token without decode time is Ollama's answer to num_predict 1", Record{Chunks: chunks(1, ms), End: 20 * ms, EvalCount: Ptr(1)}, ""},
		{"zero eval_duration reported explicitly", Record{End: 20 * ms, EvalCount: Ptr(2), EvalDuration: Ptr(time.Duration(0))},
			"2 tokens with no eval_duration"},
		{"every negative named", Record{End: 20 * ms, EvalCount: Ptr(-1), TotalDuration: Ptr(-time.Duration(1))},
			"negative eval_count -1; negative total_duration -1ns"},
		{"durations near MaxInt64 do not wrap", Record{End: 20 * ms, LoadDuration: Ptr(time.Duration(math.MaxInt64)), PromptEvalDuration: Ptr(time.Duration(math.MaxInt64))},
			"load_duration 2562047h47m16.854775807s longer than the call's 20ms (+12ms slack); prompt_eval_duration 2562047h47m16.854775807s longer than the call's 20ms (+12ms slack)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Validate(tc.r); got != tc.why {
				t.Errorf("Validate = %q, want %q", got, tc.why)
			}
		})
	}
}

// Ollama's answer to num_predict 1 (one token, its time in the prompt
// evaluation, eval_duration 0 and so omitted) is a valid call that adds
// nothing to tok/s: counting its token at no time would overstate the rate.
func TestOneTokenWithoutDecodeTimeAddsNothingToTheRate(t *testing.T) {
	full := Record{Chunks: steps(10*ms, 2*ms, 50), End: 110 * ms, EvalCount: Ptr(50), EvalDuration: Ptr(100 * ms)}
	omitted := Record{Chunks: steps(10*ms, 0, 1), End: 11 * ms, EvalCount: Ptr(1)}
	explicit := omitted
	explicit.EvalDuration = Ptr(time.Duration(0))
	var m CallMetrics
	for _, r := range []Record{full, omitted, explicit} {
		if why := Validate(r); why != "" {
			t.Fatalf("Validate(%+v) = %q, want valid", r, why)
		}
		m.Add(r)
	}
	if got := m.Values()["tok/s"]; got != 500 {
		t.Errorf("tok/s = %v, want the 50-token call's 500", got)
	}
}
