package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

const ms = time.Millisecond

// scripted loads in 100 ms and prefills 1 ms per prompt token: with the
// 80-byte prompt80 (20 tokens) its TTFT is 120 ms; tokens are 10 ms apart.
var scripted = ollamatest.Model{Name: "tiny", Load: 100 * ms, PrefillPerToken: ms, InterToken: 10 * ms, Tokens: 5}

var prompt80 = strings.Repeat("abcd", 20)

// fakeClient serves a fake over net.Pipe; call it inside a synctest bubble.
func fakeClient(t *testing.T, opts ollamatest.Options) (*ollamatest.Server, *Client) {
	t.Helper()
	s := ollamatest.NewInBubble(t, opts)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s, NewClient(u, s.Client())
}

func steps(from, step time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = from + time.Duration(i)*step
	}
	return out
}

func TestMeasureScriptedTimingIsExact(t *testing.T) {
	for _, endpoint := range []string{"generate", "chat"} {
		t.Run("endpoint="+endpoint, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{scripted}})
				opts := map[string]any{"num_predict": 8, "temperature": 0.5}
				r, err := Measure(t.Context(), Call{
					Client: c, URL: s.URL, Model: "tiny", Endpoint: endpoint, Prompt: prompt80, Options: opts,
					Run: "1", Config: "num_gpu=80", Agent: "chimera", Stage: "analysis",
				})
				if err != nil {
					t.Fatalf("Measure: %v", err)
				}
				opts["temperature"] = 9.0                             // the record keeps what was sent
				wantText := strings.Join(ollamatest.DefaultWords, "") // 8 words, 8 tokens
				want := Record{
					Run: "1", Config: "num_gpu=80", Agent: "chimera", Stage: "analysis",
					Model: "tiny", URL: ollamatest.PipeURL, Endpoint: endpoint,
					Options: map[string]any{"num_predict": 8, "temperature": 0.5}, Prompt: 80,
					Start:     r.Start,
					FirstByte: 120 * ms, FirstContent: 120 * ms,
					Chunks: steps(120*ms, 10*ms, 8), End: 200 * ms,
					LoadDuration: Ptr(100 * ms), PromptEvalCount: Ptr(20), PromptEvalDuration: Ptr(20 * ms),
					EvalCount: Ptr(8), EvalDuration: Ptr(80 * ms), TotalDuration: Ptr(200 * ms), DoneReason: "length",
					Response: wantText, ResponseChars: len(wantText),
				}
				if diff := cmp.Diff(want, r); diff != "" {
					t.Errorf("record mismatch (-want +got):\n%s", diff)
				}
				if ttft, ok := r.TTFT(); !r.OK() || !ok || ttft != 120*ms || r.E2E() != 200*ms {
					t.Errorf("OK %v TTFT %v, %v E2E %v; want true 120ms, true, 200ms", r.OK(), ttft, ok, r.E2E())
				}
				if st, ok := r.StudyTTFT(); !ok || st != 120*ms {
					t.Errorf("StudyTTFT = %v, %v; want load + prefill, 120ms", st, ok)
				}
				if itl, ok := r.ITL(); !ok || itl != 10*ms {
					t.Errorf("ITL = %v, %v; want the scripted 10ms", itl, ok)
				}
				if rate, ok := r.DecodeRate(); !ok || rate != 100 {
					t.Errorf("DecodeRate = %v, %v; want 100 tok/s", rate, ok)
				}
			})
		})
	}
}

func TestMeasureDefaultsToServerTokenCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{scripted}})
		r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: "tiny", Prompt: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Chunks) != scripted.Tokens || *r.EvalCount != scripted.Tokens || r.DoneReason != "stop" || r.Options != nil {
			t.Errorf("chunks %d eval_count %d reason %q options %v; want %d, %d, stop, nil",
				len(r.Chunks), *r.EvalCount, r.DoneReason, r.Options, scripted.Tokens, scripted.Tokens)
		}
	})
}

// errBudget is a cancellation cause.
var errBudget = errors.New("benchmark budget spent")

func TestMeasureFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      ollamatest.Fault // Count 1, on tiny
		stall      time.Duration
		ctx        func(context.Context) (context.Context, context.CancelFunc)
		wantIs     []error
		wantChunks int
		wantEnd    time.Duration // when the failure was seen
		check      func(t *testing.T, err error)
	}{
		{
			name:  "error status is a StatusError",
			fault: ollamatest.Fault{Kind: ollamatest.FaultStatus, Status: http.StatusServiceUnavailable, Message: "server busy"},
			check: func(t *testing.T, err error) {
				var se api.StatusError
				if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable || se.ErrorMessage != "server busy" {
					t.Errorf("err = %v, want StatusError 503 server busy", err)
				}
			},
		},
		{
			name:       "stream cut after 3 chunks",
			fault:      ollamatest.Fault{Kind: ollamatest.FaultCut, After: 3},
			wantIs:     []error{ErrCut, io.ErrUnexpectedEOF},
			wantChunks: 3, wantEnd: 50 * ms,
		},
		{
			name:       "stream ends without done",
			fault:      ollamatest.Fault{Kind: ollamatest.FaultNoDone, After: 99},
			wantIs:     []error{ErrNoDone},
			wantChunks: 8, wantEnd: 100 * ms,
		},
		{
			name:       "stall after 2 chunks",
			fault:      ollamatest.Fault{Kind: ollamatest.FaultStall, After: 2},
			stall:      time.Second,
			wantIs:     []error{ErrStall},
			wantChunks: 2, wantEnd: 30*ms + time.Second,
		},
		{
			// main restarted the stall timer on every line, so the run hung
			// until killed: here, until the minute's deadline, reported as
			// context.DeadlineExceeded after 1 content chunk in 1m0s.
			name:  "empty keep-alive lines every second after 1 chunk stall at 2s (main: hung)",
			fault: ollamatest.Fault{Kind: ollamatest.FaultKeepAlive, After: 1, Delay: time.Second},
			stall: 2 * time.Second,
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, time.Minute)
			},
			wantIs:     []error{ErrStall},
			wantChunks: 1, wantEnd: 20*ms + 2*time.Second,
		},
		{
			name:       "stall before any byte",
			fault:      ollamatest.Fault{Kind: ollamatest.FaultStall},
			stall:      time.Second,
			wantIs:     []error{ErrStall},
			wantChunks: 0, wantEnd: time.Second,
		},
		{
			name: "cancelled context keeps its cause",
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeoutCause(ctx, 55*ms, errBudget)
			},
			wantIs:     []error{context.DeadlineExceeded, errBudget},
			wantChunks: 4, wantEnd: 55 * ms,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				warm := scripted
				warm.Load = 0
				s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{warm}})
				trace, err := OpenTrace(filepath.Join(t.TempDir(), "trace.jsonl"))
				if err != nil {
					t.Fatal(err)
				}
				defer trace.Close()
				call := Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80, Options: map[string]any{"num_predict": 8}, Stall: tc.stall}

				good, err := Measure(t.Context(), call)
				if err != nil {
					t.Fatalf("call before the fault: %v", err)
				}
				if err := trace.Write(good); err != nil {
					t.Fatal(err)
				}

				if tc.fault.Kind != ollamatest.FaultNone {
					tc.fault.Count = 1
					s.Inject("tiny", tc.fault)
				}
				ctx := t.Context()
				if tc.ctx != nil {
					var cancel context.CancelFunc
					ctx, cancel = tc.ctx(ctx)
					defer cancel()
				}
				// Warm, the failing call's chunks arrive at 20, 30, … ms.
				bad, err := Measure(ctx, call)
				if err == nil {
					t.Fatalf("Measure succeeded with %+v, want an error", bad)
				}
				onDisk, rerr := ReadTrace(trace.Path())
				if rerr != nil || len(onDisk) != 1 || !onDisk[0].OK() {
					t.Errorf("before the failing record is written, trace = %d records, %v; want the 1 good one", len(onDisk), rerr)
				}
				if err := trace.Write(bad); err != nil {
					t.Fatal(err)
				}

				for _, target := range tc.wantIs {
					if !errors.Is(err, target) {
						t.Errorf("err = %v, want errors.Is %v", err, target)
					}
				}
				if tc.check != nil {
					tc.check(t, err)
				}
				for _, part := range []string{"generate tiny at " + ollamatest.PipeURL, fmt.Sprintf("%d content chunks", tc.wantChunks)} {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("err = %q, want it to name %q", err, part)
					}
				}
				if bad.OK() || bad.Err != err.Error() || len(bad.Chunks) != tc.wantChunks {
					t.Errorf("record: OK %v, Err %q, %d chunks; want failed with the error and %d chunks", bad.OK(), bad.Err, len(bad.Chunks), tc.wantChunks)
				}
				if bad.End != tc.wantEnd {
					t.Errorf("failure seen at %v, want %v", bad.End, tc.wantEnd)
				}
				onDisk, rerr = ReadTrace(trace.Path())
				if rerr != nil || len(onDisk) != 2 || onDisk[1].Err != err.Error() || len(onDisk[1].Chunks) != tc.wantChunks {
					t.Errorf("after writing, trace = %+v, %v; want the good record then the failed one", onDisk, rerr)
				}
			})
		})
	}
}

func TestStallFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      time.Duration
		wantErr   bool
	}{
		{"unset is the default", "", DefaultStall, false},
		{"a Go duration", "5m", 5 * time.Minute, false},
		{"not a duration", "soon", 0, true},
		{"a number without a unit", "300", 0, true},
		{"zero would never stall", "0s", 0, true},
		{"negative", "-1m", 0, true},
		{"a day is the most", "24h", 24 * time.Hour, false},
		{"past a day is a typo", "5000h", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(StallEnv, tc.env)
			got, err := StallFromEnv()
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("StallFromEnv() = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "CHIMERA_STALL="+strconv.Quote(tc.env)) {
				t.Errorf("error %q does not name the variable and its value", err)
			}
		})
	}
}

// A Call with no Stall takes CHIMERA_STALL at call time; a Call's own
// Stall wins; a bad value fails the call before any request.
func TestMeasureStallFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		stall     time.Duration
		wantEnd   time.Duration
		wantErr   string
	}{
		{"CHIMERA_STALL sets the limit", "3s", 0, 3 * time.Second, "stream stalled: no generated text for 3s"},
		{"Call.Stall wins", "3s", time.Second, time.Second, "stream stalled: no generated text for 1s"},
		{"a bad value is an error naming the variable", "3", 0, 0, `CHIMERA_STALL="3": want a positive Go duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(StallEnv, tc.env)
			synctest.Test(t, func(t *testing.T) {
				s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{scripted}})
				s.Inject("tiny", ollamatest.Fault{Kind: ollamatest.FaultStall})
				r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80, Stall: tc.stall})
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || r.Err != err.Error() || r.End != tc.wantEnd {
					t.Errorf("err = %v, record Err %q, end %v; want %q in both, end %v", err, r.Err, r.End, tc.wantErr, tc.wantEnd)
				}
				if tc.wantEnd == 0 && len(s.Requests()) != 0 {
					t.Errorf("%d requests sent with a bad CHIMERA_STALL, want none", len(s.Requests()))
				}
			})
		})
	}
}

func TestMeasureSlowFirstByteSucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{scripted}})
		s.Inject("tiny", ollamatest.Fault{Kind: ollamatest.FaultSlowStart, Delay: 300 * ms, Count: 1})
		r, err := Measure(t.Context(), Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80})
		if err != nil {
			t.Fatal(err)
		}
		if ttft, _ := r.TTFT(); r.FirstByte != 420*ms || ttft != 420*ms || *r.TotalDuration != 170*ms {
			t.Errorf("first byte %v, TTFT %v, server total %v; want 420ms, 420ms (delay + load + prefill), 170ms",
				r.FirstByte, ttft, *r.TotalDuration)
		}
	})
}

func TestMeasureQueueingShowsInTTFT(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		warm := scripted
		warm.Load = 0
		s, c := fakeClient(t, ollamatest.Options{Models: []ollamatest.Model{warm}})
		call := Call{Client: c, URL: s.URL, Model: "tiny", Prompt: prompt80}
		first := make(chan Record)
		go func() {
			r, _ := Measure(t.Context(), call)
			first <- r
		}()
		time.Sleep(ms)
		second, err := Measure(t.Context(), call)
		if err != nil {
			t.Fatal(err)
		}
		<-first
		// The first holds the only slot for 70 ms (prefill 20, tokens at
		// 20…60, done at 70); the second, sent at 1 ms, waits 69 ms of it.
		if ttft, _ := second.TTFT(); ttft != 89*ms || *second.TotalDuration != 139*ms || *second.EvalDuration != 50*ms {
			t.Errorf("queued call: TTFT %v, total %v, eval %v; want 89ms, 139ms, 50ms", ttft, *second.TotalDuration, *second.EvalDuration)
		}
	})
}

func TestMeasureRealSocket(t *testing.T) {
	s := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{{Name: "tiny", InterToken: ms, Tokens: 5}}})
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(u, s.Client())
	call := Call{Client: c, URL: s.URL, Model: "tiny", Endpoint: "chat", Prompt: "hello"}
	r, err := Measure(t.Context(), call)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Chunks) != 5 || *r.EvalCount != 5 || *r.EvalDuration != 5*ms {
		t.Errorf("%d chunks, eval_count %d, eval_duration %v; want 5, 5, 5ms", len(r.Chunks), *r.EvalCount, *r.EvalDuration)
	}
	// Real time: only order and lower bounds hold (chunks may arrive batched).
	if !slices.IsSorted(r.Chunks) || r.FirstByte > r.FirstContent || r.FirstContent != r.Chunks[0] || r.Chunks[4] > r.End || r.End < *r.EvalDuration {
		t.Errorf("times out of order or too short: first byte %v, chunks %v, end %v", r.FirstByte, r.Chunks, r.End)
	}
	s.Inject("tiny", ollamatest.Fault{Kind: ollamatest.FaultCut, After: 2, Count: 1})
	if _, err := Measure(t.Context(), call); !errors.Is(err, ErrCut) {
		t.Errorf("cut over TCP: err = %v, want ErrCut", err)
	}
}

func TestMeasureRejectsUnknownEndpoint(t *testing.T) {
	r, err := Measure(t.Context(), Call{Client: NewClient(&url.URL{Scheme: "http", Host: "127.0.0.1:1"}, nil), Model: "m", Endpoint: "embed"})
	if err == nil || !strings.Contains(err.Error(), `unknown endpoint "embed"`) || r.OK() {
		t.Errorf("err = %v, record OK %v; want an unknown endpoint error and a failed record", err, r.OK())
	}
}

func TestRecordMetricsNotMeasured(t *testing.T) {
	for _, tc := range []struct {
		name      string
		r         Record
		wantTTFT  bool
		wantITL   bool
		wantRate  bool
		wantStudy bool
	}{
		{"no chunks, no accounting", Record{}, false, false, false, false},
		{"one chunk has no gap", Record{Chunks: []time.Duration{5}, EvalCount: Ptr(1), EvalDuration: Ptr(ms)}, true, false, true, false},
		{"two chunks have one gap", Record{Chunks: []time.Duration{5, 9}}, true, true, false, false},
		{"load without prefill is no study TTFT", Record{LoadDuration: Ptr(ms)}, false, false, false, false},
		{"zero load and prefill reported are a study TTFT", Record{LoadDuration: Ptr(time.Duration(0)), PromptEvalDuration: Ptr(time.Duration(0))}, false, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.r.TTFT(); ok != tc.wantTTFT {
				t.Errorf("TTFT ok = %v, want %v", ok, tc.wantTTFT)
			}
			if _, ok := tc.r.StudyTTFT(); ok != tc.wantStudy {
				t.Errorf("StudyTTFT ok = %v, want %v", ok, tc.wantStudy)
			}
			if _, ok := tc.r.ITL(); ok != tc.wantITL {
				t.Errorf("ITL ok = %v, want %v", ok, tc.wantITL)
			}
			if _, ok := tc.r.DecodeRate(); ok != tc.wantRate {
				t.Errorf("DecodeRate ok = %v, want %v", ok, tc.wantRate)
			}
		})
	}
}

func ExampleMeasure() {
	fake := ollamatest.New(ollamatest.Options{Models: []ollamatest.Model{{Name: "tiny", Tokens: 4}}})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)

	dir, _ := os.MkdirTemp("", "trace")
	defer os.RemoveAll(dir)
	trace, _ := OpenTrace(filepath.Join(dir, "run.jsonl"))
	defer trace.Close()

	r, err := Measure(context.Background(), Call{
		Client: NewClient(u, srv.Client()), URL: srv.URL,
		Model: "tiny", Prompt: "Summarise the benchmark files.", Agent: "baseline", Stage: "analysis",
	})
	if err != nil {
		fmt.Println(err)
	}
	trace.Write(r) // failed calls are written too, with Err set
	itl, measured := r.ITL()
	fmt.Println(r.OK(), len(r.Chunks), *r.EvalCount, *r.PromptEvalCount, r.DoneReason, measured, itl >= 0)
	// Output: true 4 4 8 stop true true
}
