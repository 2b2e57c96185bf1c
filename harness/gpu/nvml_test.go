//go:build cgo && linux && nvml

package gpu_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/gpus"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/gpu"
)

const (
	sec = time.Second
	ms  = time.Millisecond
	gib = 1 << 30
)

// A gpuScript is what one mock GPU reads at each instant since the bubble
// began (t).
type gpuScript struct {
	powerW func(t time.Duration) float64
	// energyJ is the integral of the true power (which may differ from
	// powerW between polls); nil: the device has no energy counter.
	energyJ func(t time.Duration) float64
	util    func(t time.Duration) float64
	memB    func(t time.Duration) uint64
	// junk: the poll at t fails (power errs with a junk value) while
	// utilisation and memory "succeed" with junk: every reading of an
	// invalid sample must be excluded.
	junk func(t time.Duration) bool
	// lost: every call at t, the energy counter's too, fails.
	lost func(t time.Duration) bool
	// noTemperature: the device does not report temperature.
	noTemperature bool
}

// The study's curve, as an H100 would draw it: 100 W idle until 1 s, a
// linear ramp to 300 W by 2 s, then 300 W; utilisation ramps 0 → 100 %
// alongside; memory used is 1 GiB, 3 GiB for [2.2 s, 2.3 s), then 2 GiB.
// Polled every 100 ms from 1 s, the power samples lie on the breakpoints,
// so the trapezoid rule is exact.
func powerCurve(t time.Duration) float64 {
	switch {
	case t < sec:
		return 100
	case t < 2*sec:
		return 100 + 200*(t-sec).Seconds()
	}
	return 300
}

func energyCurve(t time.Duration) float64 {
	switch {
	case t < sec:
		return 100 * t.Seconds()
	case t < 2*sec:
		x := (t - sec).Seconds()
		return 100 + 100*x + 100*x*x
	}
	return 300 + 300*(t-2*sec).Seconds()
}

// spikeEnergy is energyCurve plus a 400 W spike over [2.52 s, 2.57 s):
// 20 J that only the energy counter sees, falling between two polls.
func spikeEnergy(t time.Duration) float64 {
	e := energyCurve(t)
	if t > 2520*ms {
		e += 400 * (min(t, 2570*ms) - 2520*ms).Seconds()
	}
	return e
}

func utilCurve(t time.Duration) float64 {
	switch {
	case t < sec:
		return 0
	case t < 2*sec:
		return 100 * (t - sec).Seconds()
	}
	return 100
}

func memCurve(t time.Duration) uint64 {
	switch {
	case t < 2200*ms:
		return 1 * gib
	case t < 2300*ms:
		return 3 * gib
	}
	return 2 * gib
}

var ramp = gpuScript{powerW: powerCurve, energyJ: spikeEnergy, util: utilCurve, memB: memCurve}

// idleGPU draws 100 W doing nothing, with 1 GiB in use.
var idleGPU = gpuScript{
	powerW:  func(time.Duration) float64 { return 100 },
	energyJ: func(t time.Duration) float64 { return 100 * t.Seconds() },
	util:    func(time.Duration) float64 { return 0 },
	memB:    func(time.Duration) uint64 { return gib },
}

func at(ts ...time.Duration) func(time.Duration) bool {
	return func(t time.Duration) bool {
		for _, x := range ts {
			if t == x {
				return true
			}
		}
		return false
	}
}

// mockNVML is a mock server of H100s, one per script, each answering from
// its script. Call it inside the bubble: t counts from the call.
func mockNVML(tb testing.TB, scripts ...gpuScript) *server.Server {
	tb.Helper()
	srv := dgxh100.NewWithGPUs(gpus.Multiple(len(scripts), gpus.H100_SXM5_80GB)...)
	t0 := time.Now()
	for i, sc := range scripts {
		d := srv.Devices[i].(*server.Device)
		never := func(time.Duration) bool { return false }
		junk, lost := sc.junk, sc.lost
		if junk == nil {
			junk = never
		}
		if lost == nil {
			lost = never
		}
		d.GetPowerUsageFunc = func() (uint32, nvml.Return) {
			t := time.Since(t0)
			switch {
			case lost(t):
				return 0, nvml.ERROR_GPU_IS_LOST
			case junk(t):
				return 999_999, nvml.ERROR_UNKNOWN
			}
			return uint32(math.Round(sc.powerW(t) * 1e3)), nvml.SUCCESS
		}
		d.GetTotalEnergyConsumptionFunc = func() (uint64, nvml.Return) {
			t := time.Since(t0)
			switch {
			case sc.energyJ == nil:
				return 0, nvml.ERROR_NOT_SUPPORTED
			case lost(t):
				return 0, nvml.ERROR_GPU_IS_LOST
			}
			return uint64(math.Round(sc.energyJ(t) * 1e3)), nvml.SUCCESS
		}
		d.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) {
			t := time.Since(t0)
			switch {
			case lost(t):
				return nvml.Utilization{}, nvml.ERROR_GPU_IS_LOST
			case junk(t):
				return nvml.Utilization{Gpu: 100}, nvml.SUCCESS
			}
			return nvml.Utilization{Gpu: uint32(math.Round(sc.util(t)))}, nvml.SUCCESS
		}
		d.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) {
			t := time.Since(t0)
			switch {
			case lost(t):
				return nvml.Memory{}, nvml.ERROR_GPU_IS_LOST
			case junk(t):
				return nvml.Memory{Total: 80 * gib, Used: 80 * gib}, nvml.SUCCESS
			}
			return nvml.Memory{Total: 80 * gib, Used: sc.memB(t)}, nvml.SUCCESS
		}
		d.GetClockInfoFunc = func(c nvml.ClockType) (uint32, nvml.Return) {
			if lost(time.Since(t0)) {
				return 0, nvml.ERROR_GPU_IS_LOST
			}
			if c == nvml.CLOCK_MEM {
				return 2619, nvml.SUCCESS
			}
			return 1980, nvml.SUCCESS
		}
		d.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) {
			if sc.noTemperature {
				return 0, nvml.ERROR_NOT_SUPPORTED
			}
			if lost(time.Since(t0)) {
				return 0, nvml.ERROR_GPU_IS_LOST
			}
			return 41, nvml.SUCCESS
		}
		d.GetMaxClockInfoFunc = func(nvml.ClockType) (uint32, nvml.Return) { return 2619, nvml.SUCCESS }
		d.GetMemoryBusWidthFunc = func() (uint32, nvml.Return) { return 5120, nvml.SUCCESS }
	}
	return srv
}

// region opens NVML on srv (idle measured over [0 s, 1 s]), runs one
// region over [1 s, 3 s] in which 600 tokens are generated, and returns
// its metrics and result.
func region(t *testing.T, srv *server.Server) (*gpu.NVML, map[string]float64, gpu.Result) {
	t.Helper()
	s, err := gpu.OpenNVMLWith(t.Context(), srv, gpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := s.Start(t.Context())
	time.Sleep(2 * sec)
	m := r.Stop(600)
	return s, m, r.(*gpu.NVMLRegion).Result()
}

// Known power curves give known joules. Over [1 s, 3 s] the ramp draws
// 500 J (the area under the power curve) and the spike 20 J more; idle is
// 100 W, so 200 J of the total is idle. The counter path sees the spike;
// the trapezoid path, with no counter, cannot, and gives the area exactly.
func TestNVMLKnownCurvesGiveKnownJoules(t *testing.T) {
	noCounter := ramp
	noCounter.energyJ = nil
	junked := noCounter
	junked.junk = at(1500*ms, 2500*ms)
	lost := ramp
	lost.lost = func(t time.Duration) bool { return t >= 2*sec }
	blip := ramp
	blip.lost = func(t time.Duration) bool { return t > 1400*ms && t < 1800*ms }
	for _, tc := range []struct {
		name    string
		scripts []gpuScript
		want    map[string]float64
		energy  *gpu.Energy // nil: none
		invalid int         // samples of the region that must be invalid
		missing string      // in Result.Missing
	}{
		{
			name:    "counter brackets the region, spike included",
			scripts: []gpuScript{ramp},
			want:    map[string]float64{"W": 160, "J/tok": 320.0 / 600, "gpu-util-%": 75, "gpu-mem-B": 3 * gib},
			energy:  &gpu.Energy{Duration: 2 * sec, TotalJ: 520, IdleJ: 200, Method: "counter"},
		},
		{
			name:    "no counter: trapezoid of 100 ms power samples",
			scripts: []gpuScript{noCounter},
			want:    map[string]float64{"W": 150, "J/tok": 300.0 / 600, "gpu-util-%": 75, "gpu-mem-B": 3 * gib},
			energy:  &gpu.Energy{Duration: 2 * sec, TotalJ: 500, IdleJ: 200, Method: "trapezoid"},
		},
		{
			name:    "invalid samples excluded from power, utilisation and memory",
			scripts: []gpuScript{junked},
			want:    map[string]float64{"W": 150, "J/tok": 300.0 / 600, "gpu-util-%": 75, "gpu-mem-B": 3 * gib},
			energy:  &gpu.Energy{Duration: 2 * sec, TotalJ: 500, IdleJ: 200, Method: "trapezoid"},
			invalid: 2,
		},
		{
			name:    "device lost for 300 ms: counter still brackets, samples bridged",
			scripts: []gpuScript{blip},
			want:    map[string]float64{"W": 160, "J/tok": 320.0 / 600, "gpu-util-%": 75, "gpu-mem-B": 3 * gib},
			energy:  &gpu.Energy{Duration: 2 * sec, TotalJ: 520, IdleJ: 200, Method: "counter"},
			invalid: 3,
		},
		{
			name:    "device stops answering mid-run: every metric omitted",
			scripts: []gpuScript{lost},
			want:    map[string]float64{},
			invalid: 11,
			missing: "GPU 0: no valid sample for 1.1s of the 2s region, and no energy counter reading",
		},
		{
			name:    "two devices: active energy summed, utilisation averaged, memory peaks summed",
			scripts: []gpuScript{ramp, idleGPU},
			want:    map[string]float64{"W": 160, "J/tok": 320.0 / 600, "gpu-util-%": 37.5, "gpu-mem-B": 4 * gib},
			energy:  &gpu.Energy{Duration: 2 * sec, TotalJ: 720, IdleJ: 400, Method: "counter"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, got, res := region(t, mockNVML(t, tc.scripts...))
				approx := cmpopts.EquateApprox(0, 1e-9)
				if diff := cmp.Diff(tc.want, got, approx); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
				switch {
				case tc.energy == nil && res.EnergyOK:
					t.Errorf("energy %+v, want none", res.Energy)
				case tc.energy != nil && !res.EnergyOK:
					t.Errorf("no energy (%v), want %+v", res.Missing, *tc.energy)
				case tc.energy != nil:
					if diff := cmp.Diff(*tc.energy, res.Energy, approx); diff != "" {
						t.Errorf("energy mismatch (-want +got):\n%s", diff)
					}
				}
				// A poll and Stop may sample the region's last instant
				// both: count instants.
				invalid := map[[2]int64]bool{}
				for _, s := range res.Samples {
					if !s.Valid {
						invalid[[2]int64{int64(s.Device), s.At.UnixNano()}] = true
					}
				}
				if len(invalid) != tc.invalid {
					t.Errorf("invalid samples at %d instants, want %d", len(invalid), tc.invalid)
				}
				if tc.missing != "" && !strings.Contains(strings.Join(res.Missing, "\n"), tc.missing) {
					t.Errorf("Missing = %q, want it to say %q", res.Missing, tc.missing)
				}
			})
		})
	}
}

// Every poll of a region reads every reading, 100 ms apart, and a valid
// sample carries what the device said.
func TestNVMLSamplesEveryIntervalWithEveryReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, _, res := region(t, mockNVML(t, ramp))
		// Start, a poll every 100 ms, and Stop at 3 s (where the last
		// poll may sample too).
		var got []gpu.Sample
		for _, s := range res.Samples {
			if len(got) == 0 || !got[len(got)-1].At.Equal(s.At) {
				got = append(got, s)
			}
		}
		if len(got) != 21 {
			t.Fatalf("samples at %d instants, want 21 (1 s to 3 s every 100 ms)", len(got))
		}
		for i, s := range got {
			if d := s.At.Sub(got[0].At); d != time.Duration(i)*100*ms {
				t.Errorf("sample %d at +%v, want +%v", i, d, time.Duration(i)*100*ms)
			}
		}
		mid := got[5] // 1.5 s
		want := gpu.Sample{At: mid.At, Valid: true, PowerW: 200, UtilPct: 50, MemUsedB: gib, SMClockMHz: 1980, MemClockMHz: 2619, TempC: 41}
		if diff := cmp.Diff(want, mid); diff != "" {
			t.Errorf("sample at 1.5 s mismatch (-want +got):\n%s", diff)
		}
	})
}

// The config lines say how energy is measured, what the device does not
// report, the idle power (measured before any region) and the peak
// bandwidth.
func TestNVMLConfig(t *testing.T) {
	noCounter := ramp
	noCounter.energyJ = nil
	noCounter.noTemperature = true
	for _, tc := range []struct {
		name   string
		script gpuScript
		want   []string
	}{
		{"energy counter", ramp, []string{
			"gpu-sampler: nvml, driver 550.54.15, 1 device(s), every 100ms, energy counter",
			"gpu-idle-power: 100.0 W",
			"gpu-mem-bandwidth: 3352.3 GB/s (2619 MHz × 5120 bit × 2)",
		}},
		{"no counter, no temperature", noCounter, []string{
			"gpu-sampler: nvml, driver 550.54.15, 1 device(s), every 100ms, power × time (trapezoid; no energy counter), not reported: GPU 0 temperature",
			"gpu-idle-power: 100.0 W",
			"gpu-mem-bandwidth: 3352.3 GB/s (2619 MHz × 5120 bit × 2)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, err := gpu.OpenNVMLWith(t.Context(), mockNVML(t, tc.script), gpu.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if diff := cmp.Diff(tc.want, s.Config()); diff != "" {
					t.Errorf("config mismatch (-want +got):\n%s", diff)
				}
				if bw, ok := s.Bandwidth(); !ok || bw != 3_352_320_000_000 {
					t.Errorf("Bandwidth = %v, %v; want 3.35232e12, true", bw, ok)
				}
			})
		})
	}
}

// Peak bandwidth from NVML's memory clock and bus width matches the
// published figures.
func TestPeakBandwidth(t *testing.T) {
	for _, tc := range []struct {
		name        string
		mhz, bits   uint32
		wantGBps    float64
		publishedGB float64
	}{
		{"H100 SXM5 80GB HBM3", 2619, 5120, 3352.32, 3350},
		{"A100 SXM4 80GB HBM2e", 1593, 5120, 2039.04, 2039},
		{"RTX 4080 GDDR6X", 11201, 256, 716.864, 716.8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := gpu.PeakBandwidth(tc.mhz, tc.bits) / 1e9
			if math.Abs(got-tc.wantGBps) > 1e-6 {
				t.Errorf("PeakBandwidth = %v GB/s, want %v", got, tc.wantGBps)
			}
			if math.Abs(got-tc.publishedGB)/tc.publishedGB > 0.001 {
				t.Errorf("PeakBandwidth = %v GB/s, published %v", got, tc.publishedGB)
			}
		})
	}
}

// Open fails with a sentinel the caller can tell apart.
func TestOpenNVMLErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*server.Server)
		want  error
		msg   string
	}{
		{"no driver library", func(s *server.Server) {
			s.InitFunc = func() nvml.Return { return nvml.ERROR_LIBRARY_NOT_FOUND }
		}, gpu.ErrNoNVML, "no NVML: init: ERROR_LIBRARY_NOT_FOUND (no NVIDIA driver library)"},
		{"no device", func(s *server.Server) { s.Devices = nil }, gpu.ErrNoGPU, "no NVIDIA GPU"},
		{"device lost at open", func(s *server.Server) {
			s.Devices[0].(*server.Device).GetPowerUsageFunc = func() (uint32, nvml.Return) { return 0, nvml.ERROR_GPU_IS_LOST }
		}, gpu.ErrNoNVML, "no NVML: GPU 0: power: ERROR_GPU_IS_LOST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := mockNVML(t, ramp)
				tc.setup(srv)
				_, err := gpu.OpenNVMLWith(t.Context(), srv, gpu.Options{})
				if !errors.Is(err, tc.want) || err.Error() != tc.msg {
					t.Errorf("OpenNVMLWith = %v, want %q (errors.Is %v)", err, tc.msg, tc.want)
				}
			})
		})
	}
}

// On a machine with an NVIDIA GPU, the real library: a 3 s region gives
// every metric from valid samples polled about every 100 ms, and the
// energy counter agrees with the power samples. It logs what it measured
// (run with -v; load the GPU meanwhile to see W rise). It skips where
// there is no driver or no GPU, and fails where one is but NVML is broken.
func TestNVMLOnThisMachine(t *testing.T) {
	lib := nvml.New()
	if r := lib.Init(); r != nvml.SUCCESS {
		t.Skipf("nvml: init: %v (this test reads a real NVIDIA GPU; run it on a machine with one and its driver)", r)
	}
	defer lib.Shutdown()
	if n, r := lib.DeviceGetCount(); r != nvml.SUCCESS || n == 0 {
		t.Skipf("nvml: %d devices (%v): no NVIDIA GPU here", n, r)
	}
	s, err := gpu.OpenNVML(t.Context(), gpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, l := range s.Config() {
		t.Log(l)
	}
	const dur = 3 * time.Second
	r := s.Start(t.Context())
	time.Sleep(dur)
	m := r.Stop(1000)
	res := r.(*gpu.NVMLRegion).Result()
	t.Logf("metrics %v; energy %+v (total %.1f W); missing %q", m, res.Energy, res.Energy.TotalJ/res.Energy.Duration.Seconds(), res.Missing)
	for _, u := range gpu.Units() {
		if _, ok := m[u]; !ok {
			t.Errorf("no %s: %q", u, res.Missing)
		}
	}
	byDevice := map[int][]gpu.Sample{}
	for _, smp := range res.Samples {
		if !smp.Valid {
			t.Errorf("invalid sample %+v", smp)
		}
		byDevice[smp.Device] = append(byDevice[smp.Device], smp)
	}
	var trapJ float64
	for d, ss := range byDevice {
		if n := len(ss); n < 20 {
			t.Errorf("GPU %d: %d samples in %v, want about %d", d, n, dur, dur/gpu.DefaultInterval)
		}
		for i := 1; i < len(ss); i++ {
			trapJ += (ss[i].PowerW + ss[i-1].PowerW) / 2 * ss[i].At.Sub(ss[i-1].At).Seconds()
		}
		t.Logf("GPU %d: first sample %+v", d, ss[0])
	}
	if bw, ok := s.Bandwidth(); !ok || bw < 100e9 || bw > 20e12 {
		t.Errorf("Bandwidth = %.1f GB/s, %v; want a GPU's (0.1 to 20 TB/s)", bw/1e9, ok)
	}
	if w := s.IdleW(); w < 1 || w > 5000 {
		t.Errorf("idle power %.1f W: not a GPU's", w)
	}
	if res.Energy.Method == "counter" {
		t.Logf("energy: counter %.2f J, power samples %.2f J", res.Energy.TotalJ, trapJ)
		if math.Abs(res.Energy.TotalJ-trapJ) > 0.2*trapJ {
			t.Errorf("energy counter %.2f J and power samples %.2f J differ by over 20%%", res.Energy.TotalJ, trapJ)
		}
	}
}
