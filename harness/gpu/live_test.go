//go:build cgo && linux && nvml

package gpu_test

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/gpu"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// A benchmark body on the live setup brackets its work with Live.Start and
// Region.Stop and reports what the sampler measured: the scripted curve's
// truth (see TestNVMLKnownCurvesGiveKnownJoules), through Live.Report.
func TestLiveReportsTheSamplersTruth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := gpu.OpenNVMLWith(t.Context(), mockNVML(t, ramp), gpu.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		l := &harness.Live{Sampler: s, Units: gpu.Units()}
		res := harness.BenchOnce(t, func(b *testing.B) {
			r := l.Start(b.Context())
			for b.Loop() {
				time.Sleep(2 * time.Second) // the work: 600 tokens
			}
			l.Report(b, r.Stop(600))
		})
		want := map[string]float64{"W": 160, "J/tok": 320.0 / 600, "gpu-util-%": 75, "gpu-mem-B": 3 * gib}
		if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("reported metrics mismatch (-want +got):\n%s", diff)
		}
	})
}

// With a GPU sampler, the live setup prints its config lines, and the
// roofline takes the GPU's peak bandwidth instead of measuring the CPU's.
func TestLiveToTakesTheGPUsLinesAndBandwidth(t *testing.T) {
	m := ollamatest.Model{Name: "fake:tiny", InterToken: time.Millisecond, Tokens: 4}
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{m}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", m.Name)
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	s, err := gpu.OpenNVMLWith(t.Context(), mockNVML(t, idleGPU), gpu.Options{Interval: 10 * time.Millisecond, Idle: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out strings.Builder
	var l *harness.Live
	harness.BenchOnce(t, func(b *testing.B) {
		l = harness.LiveTo(b, harness.LiveConfig{Sampler: s, Units: gpu.Units(), Roofline: true}, &out)
		for b.Loop() {
		}
	})
	r := benchfmt.NewReader(strings.NewReader(out.String()+"BenchmarkZ 1 1 ns/op\n"), "live")
	config := map[string]string{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			for _, c := range rec.Config {
				config[c.Key] = string(c.Value)
			}
		case *benchfmt.SyntaxError:
			t.Errorf("syntax error in the live setup's output: %v", rec)
		}
	}
	want := map[string]string{
		"gpu-sampler":       "nvml, driver 550.54.15, 1 device(s), every 10ms, energy counter",
		"gpu-mem-bandwidth": "3352.3 GB/s (2619 MHz × 5120 bit × 2)",
	}
	// Idle power is measured, so it is a comment, not config: as config it
	// would split two runs' benchstat tables.
	if !strings.Contains(out.String(), "\n# gpu-idle-power: 100.0 W\n") {
		t.Errorf("no # gpu-idle-power comment in:\n%s", out.String())
	}
	if _, ok := config["gpu-idle-power"]; ok {
		t.Errorf("gpu-idle-power is a config line: %q", config["gpu-idle-power"])
	}
	for k, v := range want {
		if config[k] != v {
			t.Errorf("config %s = %q, want %q", k, config[k], v)
		}
	}
	if _, ok := config["mem-bandwidth"]; ok {
		t.Errorf("the CPU's bandwidth was measured too: %q", config["mem-bandwidth"])
	}
	if l.Bandwidth != 3_352_320_000_000 {
		t.Errorf("Live.Bandwidth = %v, want the GPU's 3.35232e12", l.Bandwidth)
	}
	for _, u := range []string{"Unit W better=lower", "Unit J/tok better=lower", "Unit gpu-mem-B better=lower"} {
		if !slices.Contains(strings.Split(out.String(), "\n"), u) {
			t.Errorf("no %q line in:\n%s", u, out.String())
		}
	}
}
