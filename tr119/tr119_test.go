package tr119

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// joulesSampler stands in for harness/gpu: every region draws joules, and
// Stop reports them as the real samplers do (W over the region's duration,
// J/tok over its tokens).
type joulesSampler struct{ joules float64 }

func (joulesSampler) Config() []string { return []string{"gpu-sampler: fake"} }

func (s joulesSampler) Start(context.Context) harness.Region {
	return &joulesRegion{joules: s.joules, start: time.Now()}
}

type joulesRegion struct {
	joules float64
	start  time.Time
}

func (r *joulesRegion) Stop(tokens int) map[string]float64 {
	m := map[string]float64{}
	if d := time.Since(r.start).Seconds(); d > 0 {
		m["W"] = r.joules / d
	}
	if tokens > 0 {
		m["J/tok"] = r.joules / float64(tokens)
	}
	return m
}

// TestTR119BodyPricesTheSamplersJoules runs the benchmark body once
// against the fake inside a synctest bubble, with a sampler whose joules
// are known: J/tok, W, tok/s, $/Mtok and gCO2e/Mtok must be exactly what
// the joules, the fake's script and the rates give, and without energy
// the figures that need it are absent.
func TestTR119BodyPricesTheSamplersJoules(t *testing.T) {
	const joules = 2.7
	sc := Scenarios()[1]
	for _, tt := range []struct {
		name    string
		env     map[string]string
		sampler harness.Sampler // nil: nothing measured
		assumed *Assumption     // the power assumed where nothing is measured
		want    func(jPerTok, wallS float64) map[string]float64
	}{
		{
			name: "owned hardware at the study's rates: $/Mtok is the electricity", sampler: joulesSampler{joules},
			want: func(j, _ float64) map[string]float64 {
				return map[string]float64{"$/Mtok": j * 1e6 / 3.6e6 * 0.20, "gCO2e/Mtok": j * 1e6 / 3.6e6 * 500}
			},
		},
		{
			name: "a cloud price that includes power", env: map[string]string{"CHIMERA_USD_PER_GPU_HOUR": "1.006", "CHIMERA_USD_PER_KWH": "0"}, sampler: joulesSampler{joules},
			want: func(j, wall float64) map[string]float64 {
				return map[string]float64{"$/Mtok": 1e6 / (multiagenttest.TinyPredict / wall * 3600) * 1.006, "gCO2e/Mtok": j * 1e6 / 3.6e6 * 500}
			},
		},
		{
			name: "amortised hardware plus its electricity", env: map[string]string{"CHIMERA_USD_PER_GPU_HOUR": "0.05", "CHIMERA_USD_PER_KWH": "0.31", "CHIMERA_GCO2E_PER_KWH": "120"}, sampler: joulesSampler{joules},
			want: func(j, wall float64) map[string]float64 {
				return map[string]float64{"$/Mtok": j*1e6/3.6e6*0.31 + 1e6/(multiagenttest.TinyPredict/wall*3600)*0.05, "gCO2e/Mtok": j * 1e6 / 3.6e6 * 120}
			},
		},
		{
			name: "no energy measured: no $/Mtok, no gCO2e/Mtok",
			want: func(float64, float64) map[string]float64 { return map[string]float64{} },
		},
		{
			name: "no energy measured, a stated power assumed: the cost figures from it, no J/tok or W", assumed: &Assumption{W: 40, Source: "test"},
			want: func(_, wall float64) map[string]float64 {
				j := 40 * wall / multiagenttest.TinyPredict // assumed W × the region's wall time / tokens
				return map[string]float64{"$/Mtok": j * 1e6 / 3.6e6 * 0.20, "gCO2e/Mtok": j * 1e6 / 3.6e6 * 500, "kWh/Mtok": j * 1e6 / 3.6e6, "tok/kWh": 3.6e6 / j}
			},
		},
		{
			name: "no energy measured, a cloud price: $/Mtok from the wall time alone", env: map[string]string{"CHIMERA_USD_PER_GPU_HOUR": "1.006", "CHIMERA_USD_PER_KWH": "0"},
			want: func(_, wall float64) map[string]float64 {
				return map[string]float64{"$/Mtok": 1e6 / (multiagenttest.TinyPredict / wall * 3600) * 1.006}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rates, err := RatesFromEnv(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				f := multiagenttest.New(t, multiagenttest.Tiny(slices.Concat(reportedUnits, []string{"W", "J/tok"})))
				f.Live.Sampler = tt.sampler
				p := &pricing{rates: rates, assumed: tt.assumed}
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), leaf{sc: sc, pricing: p}) })
				calls := f.Prompted()
				if len(calls) != 2 {
					t.Fatalf("%d generate calls, want 2 (a warm-up and one measured call)", len(calls))
				}
				measured := calls[1]
				if measured.Load != 0 || measured.PromptTokens != ollamatest.PromptTokens(sc.Prompts[0]) {
					t.Errorf("measured call: load %v, %d prompt tokens; want a warm call of prompt 1 (%d tokens)", measured.Load, measured.PromptTokens, ollamatest.PromptTokens(sc.Prompts[0]))
				}
				tiny := multiagenttest.TinyModel()
				wall := (time.Duration(measured.PromptTokens)*tiny.PrefillPerToken + multiagenttest.TinyPredict*tiny.InterToken).Seconds()
				want := map[string]float64{"tok/s": float64(time.Second / tiny.InterToken)}
				if tt.sampler != nil {
					want["J/tok"] = joules / multiagenttest.TinyPredict
					want["W"] = joules / wall
				}
				for k, v := range tt.want(joules/multiagenttest.TinyPredict, wall) {
					want[k] = v
				}
				if tt.sampler != nil { // measured energy also gives kWh/Mtok and tok/kWh
					j := joules / multiagenttest.TinyPredict
					want["kWh/Mtok"], want["tok/kWh"] = j*1e6/3.6e6, 3.6e6/j
				}
				if diff := cmp.Diff(want, res.Extra, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestSetupFromTheEnvironment checks the path a user takes, on a machine
// whose energy cannot be read (the sampler forced to none): the rates and
// the reason the energy figures are missing are config lines.
func TestSetupFromTheEnvironment(t *testing.T) {
	tiny := multiagenttest.TinyModel()
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{tiny}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", tiny.Name)
	t.Setenv("CHIMERA_NUM_PREDICT", strconv.Itoa(multiagenttest.TinyPredict))
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	t.Setenv("CHIMERA_SAMPLER", "none")
	t.Setenv("CHIMERA_USD_PER_KWH", "0.31")
	t.Setenv("CHIMERA_ASSUMED_W", "40")
	var out strings.Builder
	harness.BenchOnce(t, func(b *testing.B) {
		l := harness.LiveTo(b, Report.LiveConfig(), &out)
		if _, err := setupPricing(b.Context(), l, os.Getenv, &out); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
		}
	})
	for _, want := range []string{
		"model: " + tiny.Name + "\n", "gpu-sampler: none (CHIMERA_SAMPLER=none)\n", "Unit $/Mtok better=lower\n", "Unit gCO2e/Mtok better=lower\n",
		"usd-per-kwh: 0.31\ngco2e-per-kwh: 500\nusd-per-gpu-hour: 0\n",
		"energy: assumed 40 W, not measured (CHIMERA_ASSUMED_W); J/tok and W are not reported, the cost figures use it\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEnergyLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			sampler harness.Sampler
			rates   Rates
			want    string
		}{
			{"a sampler that measures energy", joulesSampler{1}, DefaultRates(), "energy: measured (J/tok, from the sampler above)"},
			{"none, at the study's rates", nil, DefaultRates(), "energy: not measured here (see gpu-sampler and cpu-energy), so gCO2e/Mtok and $/Mtok are omitted, not 0"},
			{"none, priced by the hour only", nil, Rates{GCO2ePerKWh: 500, USDPerGPUHour: 1.006}, "energy: not measured here (see gpu-sampler and cpu-energy), so gCO2e/Mtok is omitted, not 0"},
		} {
			l := &harness.Live{Sampler: tt.sampler}
			if got, _ := energyLine(t.Context(), l, tt.rates); got != tt.want {
				t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}

func TestRatesFromEnv(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    Rates
		wantErr string
	}{
		{name: "the study's assumptions by default", want: Rates{USDPerKWh: 0.20, GCO2ePerKWh: 500, USDPerGPUHour: 0}},
		{name: "each variable replaces its rate", env: map[string]string{"CHIMERA_USD_PER_KWH": "0.12", "CHIMERA_GCO2E_PER_KWH": "35", "CHIMERA_USD_PER_GPU_HOUR": "2.5"},
			want: Rates{USDPerKWh: 0.12, GCO2ePerKWh: 35, USDPerGPUHour: 2.5}},
		{name: "0 is a price", env: map[string]string{"CHIMERA_USD_PER_KWH": "0"}, want: Rates{GCO2ePerKWh: 500}},
		{name: "a negative price", env: map[string]string{"CHIMERA_USD_PER_GPU_HOUR": "-1"}, wantErr: `CHIMERA_USD_PER_GPU_HOUR="-1": want a number from 0 to 10000`},
		// Issue 17: main took any finite price up to 1e300, and named no bound.
		{name: "a price beyond its bound names it", env: map[string]string{"CHIMERA_USD_PER_KWH": "250"}, wantErr: `CHIMERA_USD_PER_KWH="250": want a number from 0 to 100`},
		{name: "a grid beyond its bound names it", env: map[string]string{"CHIMERA_GCO2E_PER_KWH": "1e6"}, wantErr: `CHIMERA_GCO2E_PER_KWH="1e6": want a number from 0 to 10000`},
		{name: "not a number", env: map[string]string{"CHIMERA_GCO2E_PER_KWH": "high"}, wantErr: `CHIMERA_GCO2E_PER_KWH="high"`},
		{name: "NaN", env: map[string]string{"CHIMERA_USD_PER_KWH": "NaN"}, wantErr: `CHIMERA_USD_PER_KWH="NaN"`},
		{name: "infinity", env: map[string]string{"CHIMERA_USD_PER_KWH": "+Inf"}, wantErr: `CHIMERA_USD_PER_KWH="+Inf"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RatesFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("RatesFromEnv = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// The study's price table as its README quotes matrix.yaml: the prices
// the published rows use are in it.
func TestStudyPrices(t *testing.T) {
	find := func(instance, tier string) float64 {
		for _, p := range StudyPrices() {
			if p.Instance == instance && p.Tier == tier {
				return p.USD
			}
		}
		return math.NaN()
	}
	for _, tt := range []struct {
		instance, tier string
		want           float64
	}{
		{"AWS g5.xlarge", "on-demand", 1.006}, // PUBLISHED.md #223-#232
		{"AWS g5.xlarge", "spot", 0.302},      // #233
		{"Azure NC T4 v3", "on-demand", 0.90}, // #235
		{"GCP a2-highgpu", "reserved 3 yr", 0.56},
		{"own hardware", "on-prem", 0},
	} {
		if got := find(tt.instance, tt.tier); got != tt.want {
			t.Errorf("%s %s = %v $/h, want %v", tt.instance, tt.tier, got, tt.want)
		}
	}
	if n := len(StudyPrices()); n != 13 {
		t.Errorf("%d prices, want 13 (3 instances × 4 tiers + on-prem)", n)
	}
}

// The default assumption is the study's own CPU package power in its CPU
// backends' generate runs, computed from the committed baseline.
func TestStudyCPUPowerIsTheBaselinesMean(t *testing.T) {
	base, err := studyBaseline.Set()
	if err != nil {
		t.Fatal(err)
	}
	a, err := StudyCPUPower(base)
	if err != nil {
		t.Fatal(err)
	}
	var ws []float64
	for _, r := range base.Rows("TR119Power") {
		k := r.Keys
		if (k["backend"] == "onnxruntime-cpu" || k["backend"] == "transformers-cpu") && k["mode"] == "generate" && k["device"] == "cpu" {
			ws = append(ws, r.Values["W"])
		}
	}
	if len(ws) == 0 || math.Abs(a.W-stats.Mean(ws)) > 1e-9*a.W {
		t.Errorf("StudyCPUPower = %v W over %q; want the mean of %d readings, %v", a.W, a.Source, len(ws), stats.Mean(ws))
	}
	for _, v := range []string{"-3", "0", "2e6"} {
		want := `CHIMERA_ASSUMED_W="` + v + `": want a number from 0.001 to 1000000`
		if _, err := AssumptionFromEnv(func(string) string { return v }, nil); err == nil || err.Error() != want {
			t.Errorf("CHIMERA_ASSUMED_W=%s: err = %v, want %q", v, err, want)
		}
	}
}
