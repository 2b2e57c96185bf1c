package harness

import (
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"golang.org/x/perf/benchfmt"
)

func TestCheckReportedRefusesUnregisteredAndUndeclared(t *testing.T) {
	declared := []string{"tok/s", "ttft-ns"}
	for _, tc := range []struct {
		name   string
		values map[string]float64
		want   string // "" = no error
	}{
		{"declared and registered", map[string]float64{"tok/s": 1, "ttft-ns": 2}, ""},
		{"unregistered", map[string]float64{"tok/s": 1, "toks/s": 2}, "unregistered unit(s) toks/s"},
		{"registered but undeclared", map[string]float64{"tok/s": 1, "J/tok": 2}, "[J/tok] reported but not declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckReported(declared, tc.values)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckReported = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckReported = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// A benchmark reporting a unit it did not declare fails, before anything
// is reported.
func TestLiveReportFailsOnAnUndeclaredUnit(t *testing.T) {
	l := &Live{Units: []string{"tok/s"}}
	res := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
		}
		l.Report(b, map[string]float64{"tok/s": 1, "speedup-x": 2})
	})
	if len(res.Extra) != 0 {
		t.Errorf("reported %v after refusing an undeclared unit", res.Extra)
	}
}

// What the live setup prints on stdout, through benchfmt's reader: config
// lines and Unit lines only, the Unit lines for every declared unit.
func TestLiveOutputIsCleanBenchfmt(t *testing.T) {
	m := ollamatest.Model{Name: "fake:tiny", InterToken: time.Millisecond, Tokens: 4}
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{m}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", m.Name)
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	var out strings.Builder
	units := []string{"tok/s", "ttft-ns", "eff-%"}
	BenchOnce(t, func(b *testing.B) {
		LiveTo(b, LiveConfig{Units: units}, &out)
		for b.Loop() {
		}
	})
	text := out.String() + "BenchmarkZ 1 1 ns/op\n"
	r := benchfmt.NewReader(strings.NewReader(text), "live")
	gotUnits := map[string]string{}
	var config []string
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.UnitMetadata:
			gotUnits[rec.Unit] = rec.Value
		case *benchfmt.Result:
			for _, c := range rec.Config {
				config = append(config, c.Key)
			}
		case *benchfmt.SyntaxError:
			t.Errorf("syntax error in the live setup's output: %v", rec)
		}
	}
	for _, u := range []string{"tok/s", "ttft-sec", "eff-%"} {
		if gotUnits[u] == "" {
			t.Errorf("no Unit line for %s in:\n%s", u, text)
		}
	}
	for _, key := range []string{"ollama-version", "model", "model-digest", "corpus", "harness-commit"} {
		if !strings.Contains(" "+strings.Join(config, " ")+" ", " "+key+" ") {
			t.Errorf("config lacks %s: %v", key, config)
		}
	}
}

// Measured provenance (bandwidth, idle power) differs between two runs of
// the same setup: as config it would split benchstat's tables, so it is a
// comment that benchfmt skips.
func TestPrintConfigKeepsMeasurementsOutOfTheConfig(t *testing.T) {
	var out strings.Builder
	PrintConfig(&out, []string{"model: m", "mem-bandwidth: 38.5 GB/s", "gpu-idle-power: 78.8 W", "not a line"})
	want := "model: m\n# mem-bandwidth: 38.5 GB/s\n# gpu-idle-power: 78.8 W\n"
	if out.String() != want {
		t.Errorf("PrintConfig wrote\n%s\nwant\n%s", out.String(), want)
	}
	r := benchfmt.NewReader(strings.NewReader(out.String()+"BenchmarkZ 1 1 ns/op\n"), "cfg")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok && len(res.Config) != 1 {
			t.Errorf("config %v, want only model", res.Config)
		}
	}
}
