package golden

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"
)

// runText is benchfmt for one run: config lines, then n results of each
// benchmark with unit, the values spread ±1 % around center
// deterministically (i*7 mod n), as -count n would give.
func runText(config string, n int, benches ...bench) string {
	var b strings.Builder
	b.WriteString(config)
	for i := range n {
		for _, be := range benches {
			jitter := 1.0
			if n > 1 {
				jitter += 0.02 * (float64((i*7)%n)/float64(n-1) - 0.5)
			}
			fmt.Fprintf(&b, "Benchmark%s \t 1 \t %v %s\n", be.name, be.center*jitter, be.unit)
		}
	}
	return b.String()
}

type bench struct {
	name   string
	center float64
	unit   string
}

const cfgA = "goos: linux\ngoarch: amd64\ncpu: test CPU\ngpu: none\nmodel: synthetic\nharness-commit: aaaa\n"

func mustRead(t *testing.T, text, name string) *Set {
	t.Helper()
	s, err := Read(strings.NewReader(text), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCompareVerdicts(t *testing.T) {
	tok := func(c float64) bench { return bench{"TR111/agent=baseline/start=warm-2", c, "tok/s"} }
	ttft := func(c float64) bench { return bench{"TR111/agent=baseline/start=warm-2", c, "ttft-ns"} }
	tests := []struct {
		name       string
		base, head string
		opt        Options
		want       Verdict
		wantErr    error
	}{
		{"same run twice passes", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(100)), Options{Tolerance: 0.05}, Unchanged, nil},
		{"10% throughput drop with 10 samples per side fails", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(90)), Options{Tolerance: 0.05}, Regressed, ErrRegression},
		{"3% throughput drop within 5% tolerance is worse but passes", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(97)), Options{Tolerance: 0.05}, Worse, nil},
		{"per-unit tolerance overrides the default", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(90)), Options{Tolerance: 0.05, UnitTolerance: map[string]float64{"tok/s": 0.15}}, Worse, nil},
		{"zero tolerance fails any significant drop", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(97)), Options{}, Regressed, ErrRegression},
		{"throughput rise is an improvement", runText(cfgA, 10, tok(100)), runText(cfgA, 10, tok(120)), Options{Tolerance: 0.05}, Improved, nil},
		{"longer TTFT regresses: lower is better for -ns units", runText(cfgA, 10, ttft(5e6)), runText(cfgA, 10, ttft(5.5e6)), Options{Tolerance: 0.05}, Regressed, ErrRegression},
		{"per-unit tolerance by the unit as written (ttft-ns)", runText(cfgA, 10, ttft(5e6)), runText(cfgA, 10, ttft(5.5e6)), Options{Tolerance: 0.05, UnitTolerance: map[string]float64{"ttft-ns": 0.2}}, Worse, nil},
		{"three samples per side cannot decide", runText(cfgA, 3, tok(100)), runText(cfgA, 3, tok(50)), Options{Tolerance: 0.05}, TooFew, ErrTooFewSamples},
		{"four samples per side can decide", runText(cfgA, 4, tok(100)), runText(cfgA, 4, tok(50)), Options{Tolerance: 0.05}, Regressed, ErrRegression},
		{"descriptive unit (registered Neither) is reported, not judged",
			runText(cfgA, 10, bench{"X", 100, "prompt-tok"}), runText(cfgA, 10, bench{"X", 50, "prompt-tok"}), Options{}, NotJudged, nil},
		{"descriptive unit with too few samples does not block the gate",
			runText(cfgA, 2, bench{"X", 100, "prompt-tok"}), runText(cfgA, 2, bench{"X", 50, "prompt-tok"}), Options{}, NotJudged, nil},
		{"three samples against ten cannot decide: the need is per side",
			runText(cfgA, 3, tok(100)), runText(cfgA, 10, tok(50)), Options{Tolerance: 0.05}, TooFew, ErrTooFewSamples},
		{"better= metadata of both files overrides the registry",
			"Unit tok/s better=lower\n" + runText(cfgA, 10, tok(100)), "Unit tok/s better=lower\n" + runText(cfgA, 10, tok(120)), Options{Tolerance: 0.05}, Regressed, ErrRegression},
		{"assume=exact compares single samples",
			"Unit size-B better=lower assume=exact\n" + runText(cfgA, 1, bench{"Size", 1000, "size-B"}), runText(cfgA, 1, bench{"Size", 1200, "size-B"}), Options{Tolerance: 0.05}, Regressed, ErrRegression},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Compare(mustRead(t, tt.base, "base.txt"), mustRead(t, tt.head, "head.txt"), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Comparisons) != 1 {
				t.Fatalf("got %d comparisons, want 1: %+v", len(rep.Comparisons), rep.Comparisons)
			}
			if got := rep.Comparisons[0].Verdict; got != tt.want {
				var b bytes.Buffer
				rep.WriteText(&b)
				t.Errorf("verdict = %v, want %v\n%s", got, tt.want, b.String())
			}
			if err := rep.Err(); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestTooFewSamplesExplainsItself(t *testing.T) {
	rep, err := Compare(mustRead(t, runText(cfgA, 2, bench{"A", 100, "tok/s"}), "base.txt"), mustRead(t, runText(cfgA, 3, bench{"A", 90, "tok/s"}), "head.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"too few samples to decide (need ≥ 4 per side for alpha 0.05)", "? (n=2+3)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if err := rep.Err(); !errors.Is(err, ErrTooFewSamples) || !strings.Contains(err.Error(), "need ≥ 4 per side for alpha 0.05") {
		t.Errorf("Err() = %v, want ErrTooFewSamples naming the sample size needed", err)
	}
}

func TestNeedPerSide(t *testing.T) {
	for _, tt := range []struct {
		alpha float64
		want  int
	}{{0.05, 4}, {0.01, 5}, {0.1, 3}, {0.001, 7}} {
		if got := needPerSide(tt.alpha); got != tt.want {
			t.Errorf("needPerSide(%v) = %d, want %d (benchmath's uTestMinP table)", tt.alpha, got, tt.want)
		}
	}
}

func TestProvenance(t *testing.T) {
	b := bench{"A", 100, "tok/s"}
	with := func(cfg string) string { return runText(cfg, 10, b) }
	tests := []struct {
		name      string
		base      string
		head      string
		opt       Options
		wantErr   error
		wantInErr []string
		wantDiffs []ConfigDiff
	}{
		{"different GPU is refused, naming the key", with(cfgA), with(strings.Replace(cfgA, "gpu: none", "gpu: NVIDIA H100", 1)), Options{},
			ErrConfigMismatch, []string{`gpu: base "none", head "NVIDIA H100"`}, nil},
		{"key absent on one side is a difference", with(cfgA), with(cfgA + "ollama-version: 0.17.4\n"), Options{},
			ErrConfigMismatch, []string{`ollama-version: base (absent), head "0.17.4"`}, nil},
		{"every differing key is listed", with(cfgA), with(strings.NewReplacer("gpu: none", "gpu: X", "model: synthetic", "model: gemma3:latest").Replace(cfgA)), Options{},
			ErrConfigMismatch, []string{`gpu: base "none", head "X"`, `model: base "synthetic", head "gemma3:latest"`}, nil},
		{"harness commit may differ: that is what a PR changes", with(cfgA), with(strings.Replace(cfgA, "aaaa", "bbbb", 1)), Options{}, nil, nil, nil},
		{"non-identifying keys may differ", with(cfgA + "pkg: x\n"), with(cfgA + "pkg: y\n"), Options{}, nil, nil, nil},
		{"ignored keys are not compared", with(cfgA), with(strings.Replace(cfgA, "gpu: none", "gpu: X", 1)), Options{IgnoreConfig: []string{"gpu"}}, nil, nil, nil},
		{"allowed mismatch compares and lists the differences", with(cfgA), with(strings.Replace(cfgA, "gpu: none", "gpu: X", 1)), Options{AllowConfigMismatch: true},
			nil, nil, []ConfigDiff{{"gpu", "none", "X"}}},
		{"instance count is identifying", with(cfgA + "instances: 1\n"), with(cfgA + "instances: 2\n"), Options{},
			ErrConfigMismatch, []string{`instances: base "1", head "2"`}, nil},
		{"the embedded build's compiler flags are identifying", with(cfgA + "ollama-cflags: -O3 -march=native\n"), with(cfgA + "ollama-cflags: -O3 -march=x86-64-v3\n"), Options{},
			ErrConfigMismatch, []string{`ollama-cflags: base "-O3 -march=native", head "-O3 -march=x86-64-v3"`}, nil},
		{"numbered model keys are identifying", with(cfgA + "model2-digest: abc\n"), with(cfgA + "model2-digest: def\n"), Options{},
			ErrConfigMismatch, []string{"model2-digest"}, nil},
		{"one name under two configs in one file is an input error", with(cfgA) + with("model: other\n"), with(cfgA), Options{},
			ErrInput, []string{"base.txt:", "two configurations", "model"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Compare(mustRead(t, tt.base, "base.txt"), mustRead(t, tt.head, "head.txt"), tt.opt)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				for _, s := range tt.wantInErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantDiffs, rep.Config); diff != "" {
				t.Errorf("config diffs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"corrupt measurement names file and line", "goos: linux\nBenchmarkA 1 100 tok/s\nBenchmarkA 1 1x0 tok/s\n", []string{"base.txt:3:", "parsing measurement"}},
		{"missing units", "BenchmarkA 1 100\n", []string{"base.txt:1:", "missing units"}},
		{"conflicting unit metadata", "Unit tok/s better=higher\nUnit tok/s better=lower\nBenchmarkA 1 1 tok/s\n", []string{"base.txt:2:", "better"}},
		{"no results at all", "goos: linux\nPASS\n", []string{"base.txt", "no benchmark results"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.text), "base.txt")
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestNoMetricInCommonIsAnInputError(t *testing.T) {
	_, err := Compare(mustRead(t, runText(cfgA, 5, bench{"A", 1, "tok/s"}), "base.txt"), mustRead(t, runText(cfgA, 5, bench{"B", 1, "tok/s"}), "head.txt"), Options{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "no benchmark metric in common") {
		t.Errorf("err = %v, want ErrInput: no benchmark metric in common", err)
	}
}

func TestRowsAndValues(t *testing.T) {
	s := mustRead(t, "cpu: x\n"+
		"BenchmarkTR111/agent=baseline/start=warm/dir=d1 1 100 tok/s 5e8 ttft-ns\n"+
		"BenchmarkTR111/agent=baseline/start=cold/dir=d1 1 90 tok/s 5e9 ttft-ns\n"+
		"BenchmarkTR111/agent=chimera/num_gpu=60/start=warm/dir=d2-8 1 110 tok/s\n", "x")
	if diff := cmp.Diff([]float64{5e8, 5e9}, s.Values("ttft-ns", "TR111")); diff != "" {
		t.Errorf("ttft-ns values in nanoseconds as written mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{100, 110}, s.Values("tok/s", "start=warm")); diff != "" {
		t.Errorf("warm tok/s mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"d1", "d2"}, s.KeyValues("dir")); diff != "" {
		t.Errorf("dir values mismatch (-want +got):\n%s", diff)
	}
	if got := s.Rows("num_gpu=60")[0].Keys["gomaxprocs"]; got != "8" {
		t.Errorf("gomaxprocs key = %q, want 8", got)
	}
	if got := s.Values("tok/s", "OtherBench"); got != nil {
		t.Errorf("values of another benchmark = %v, want none", got)
	}
}

func TestCompareReportText(t *testing.T) {
	base := runText(cfgA, 10,
		bench{"TR111/agent=baseline/start=warm-2", 100, "tok/s"},
		bench{"TR111/agent=baseline/start=warm-2", 5e8, "ttft-ns"},
		bench{"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm-2", 110, "tok/s"},
		bench{"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm-2", 4.8e8, "ttft-ns"},
		bench{"TR111/gone-2", 1, "tok/s"})
	head := runText(strings.Replace(cfgA, "gpu: none", "gpu: other", 1), 10,
		bench{"TR111/agent=baseline/start=warm-2", 90, "tok/s"},
		bench{"TR111/agent=baseline/start=warm-2", 5.1e8, "ttft-ns"},
		bench{"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm-2", 111, "tok/s"},
		bench{"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm-2", 3e8, "ttft-ns"},
		bench{"TR111/new-2", 1, "tok/s"})
	rep, err := Compare(mustRead(t, base, "base.txt"), mustRead(t, head, "head.txt"),
		Options{Tolerance: 0.05, UnitTolerance: map[string]float64{"ttft-ns": 0.1}, AllowConfigMismatch: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, b.String(), "compare.golden")
}

func TestIgnoreNameKeys(t *testing.T) {
	tests := []struct {
		name, in string
		ignore   []string
		want     string
	}{
		{"nothing ignored keeps the full name", "TR111/agent=baseline/dir=d-8", nil, "TR111/agent=baseline/dir=d-8"},
		{"gomaxprocs drops the -N suffix", "TR111/agent=baseline-8", []string{"gomaxprocs"}, "TR111/agent=baseline"},
		{"study keys are dropped wherever they sit", "TR111/dir=d/agent=baseline/study-agent=chimera/start=warm", []string{"dir", "study-agent"}, "TR111/agent=baseline/start=warm"},
		{"positional segments are kept", "TR111/fast/dir=d", []string{"dir"}, "TR111/fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustRead(t, "Benchmark"+tt.in+" 1 1 tok/s\n", "x")
			if got := (Options{IgnoreNameKeys: tt.ignore}).name(s.Results[0]); got != tt.want {
				t.Errorf("name = %q, want %q", got, tt.want)
			}
		})
	}
}
