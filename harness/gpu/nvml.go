//go:build cgo && linux && nvml

package gpu

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// NVML samples NVIDIA GPUs through NVML (go-nvml, which dlopens the
// driver's libnvidia-ml at run time): per device power, utilisation,
// memory used, SM and memory clocks and temperature every interval, the
// energy counter at each end of a region, idle power measured at open,
// and the peak memory bandwidth.
type NVML struct {
	lib     nvml.Interface
	driver  string
	devices []*device
	opts    Options
}

type device struct {
	index    int
	dev      nvml.Device
	readings []reading // those the device supports
	counter  bool      // it has an energy counter
	idleW    float64
	// Peak memory bandwidth in bytes/s, 0 when NVML does not give the
	// memory clock or bus width; and how it was derived.
	bandwidth float64
	bwHow     string
}

// A reading is one quantity of a [Sample].
type reading struct {
	name string
	read func(nvml.Device, *Sample) nvml.Return
}

// readings are what a sample reads, in order. Each sets its field only
// when NVML answered, so that an invalid sample carries no junk.
var readings = []reading{
	{"power", func(d nvml.Device, s *Sample) nvml.Return {
		mw, r := d.GetPowerUsage()
		if r == nvml.SUCCESS {
			s.PowerW = float64(mw) / 1e3
		}
		return r
	}},
	{"utilisation", func(d nvml.Device, s *Sample) nvml.Return {
		u, r := d.GetUtilizationRates()
		if r == nvml.SUCCESS {
			s.UtilPct = float64(u.Gpu)
		}
		return r
	}},
	{"memory", func(d nvml.Device, s *Sample) nvml.Return {
		m, r := d.GetMemoryInfo()
		if r == nvml.SUCCESS {
			s.MemUsedB = m.Used
		}
		return r
	}},
	{"sm-clock", func(d nvml.Device, s *Sample) nvml.Return {
		return readUint32(d.GetClockInfo(nvml.CLOCK_SM))(&s.SMClockMHz)
	}},
	{"mem-clock", func(d nvml.Device, s *Sample) nvml.Return {
		return readUint32(d.GetClockInfo(nvml.CLOCK_MEM))(&s.MemClockMHz)
	}},
	{"temperature", func(d nvml.Device, s *Sample) nvml.Return {
		return readUint32(d.GetTemperature(nvml.TEMPERATURE_GPU))(&s.TempC)
	}},
}

// readUint32 stores v in a field when NVML answered r = SUCCESS.
func readUint32(v uint32, r nvml.Return) func(*uint32) nvml.Return {
	return func(field *uint32) nvml.Return {
		if r == nvml.SUCCESS {
			*field = v
		}
		return r
	}
}

// OpenNVML opens this machine's NVIDIA GPUs through the driver's NVML
// library and measures their idle power over opts.Idle. See
// [OpenNVMLWith].
func OpenNVML(ctx context.Context, opts Options) (*NVML, error) {
	return OpenNVMLWith(ctx, nvml.New(), opts)
}

// openNVML is [OpenNVML] for [Default].
func openNVML(ctx context.Context, opts Options) (Sampler, error) { return OpenNVML(ctx, opts) }

// OpenNVMLWith opens every device of lib (go-nvml's mock in tests): it
// initialises lib (Close shuts it down), finds which readings each device
// supports (power is required), whether it has an energy counter, and its
// peak memory bandwidth, then measures idle power. Errors wrap
// [ErrNoNVML] or [ErrNoGPU].
func OpenNVMLWith(ctx context.Context, lib nvml.Interface, opts Options) (*NVML, error) {
	if r := lib.Init(); r == nvml.ERROR_LIBRARY_NOT_FOUND {
		return nil, fmt.Errorf("%w: init: %v (no NVIDIA driver library)", ErrNoNVML, r)
	} else if r != nvml.SUCCESS {
		return nil, fmt.Errorf("%w: init: %v", ErrNoNVML, r)
	}
	s, err := openDevices(ctx, lib, opts)
	if err != nil {
		lib.Shutdown()
		return nil, err
	}
	return s, nil
}

func openDevices(ctx context.Context, lib nvml.Interface, opts Options) (*NVML, error) {
	n, r := lib.DeviceGetCount()
	if r != nvml.SUCCESS {
		return nil, fmt.Errorf("%w: device count: %v", ErrNoNVML, r)
	}
	if n == 0 {
		return nil, ErrNoGPU
	}
	s := &NVML{lib: lib, opts: opts}
	s.driver, _ = lib.SystemGetDriverVersion()
	for i := range n {
		dev, r := lib.DeviceGetHandleByIndex(i)
		if r != nvml.SUCCESS {
			return nil, fmt.Errorf("%w: GPU %d: %v", ErrNoNVML, i, r)
		}
		d, err := probe(i, dev)
		if err != nil {
			return nil, err
		}
		s.devices = append(s.devices, d)
	}
	r0 := s.start(ctx)
	if err := wait(ctx, opts.idle()); err != nil {
		return nil, fmt.Errorf("%w: measuring idle power: %v", ErrNoNVML, err)
	}
	r0.Stop(0)
	for i, j := range r0.deviceJ {
		if j < 0 {
			return nil, fmt.Errorf("%w: measuring idle power: %s", ErrNoNVML, strings.Join(r0.result.Missing, "; "))
		}
		s.devices[i].idleW = j / r0.result.Energy.Duration.Seconds()
	}
	return s, nil
}

// probe finds what device i supports. Power is required: a device that
// cannot report it (or is lost) is an error. Any other reading that fails
// at open (not supported, or refused in a VM or container) is left out of
// every sample, and Config says so.
func probe(i int, dev nvml.Device) (*device, error) {
	d := &device{index: i, dev: dev}
	for _, rd := range readings {
		r := rd.read(dev, &Sample{})
		switch {
		case r == nvml.SUCCESS:
			d.readings = append(d.readings, rd)
		case rd.name == "power":
			return nil, fmt.Errorf("%w: GPU %d: power: %v", ErrNoNVML, i, r)
		}
	}
	_, r := dev.GetTotalEnergyConsumption()
	d.counter = r == nvml.SUCCESS
	mhz, r1 := dev.GetMaxClockInfo(nvml.CLOCK_MEM)
	bits, r2 := dev.GetMemoryBusWidth()
	if r1 == nvml.SUCCESS && r2 == nvml.SUCCESS && mhz > 0 && bits > 0 {
		d.bandwidth = PeakBandwidth(mhz, bits)
		d.bwHow = fmt.Sprintf("%d MHz × %d bit × 2", mhz, bits)
	}
	return d, nil
}

// PeakBandwidth is a GPU's peak memory bandwidth in bytes/s: NVML's
// maximum memory clock (MHz) × bus width (bits) / 8, × 2 for the two
// transfers per clock that NVML's clock counts for DDR, GDDR and HBM
// alike (H100 SXM: 2619 MHz × 5120 bit → 3.35 TB/s; RTX 4080: 11201 MHz
// × 256 bit → 717 GB/s, both as specified).
func PeakBandwidth(memClockMHz, busWidthBits uint32) float64 {
	return float64(memClockMHz) * 1e6 * float64(busWidthBits) / 8 * 2
}

// Bandwidth is the first GPU's peak memory bandwidth in bytes/s, for the
// roofline share of decode: a model's layers decode one device at a time,
// so one device's bandwidth bounds it. False when NVML does not give it.
func (s *NVML) Bandwidth() (float64, bool) {
	d := s.devices[0]
	return d.bandwidth, d.bandwidth > 0
}

// IdleW is the GPUs' idle power, summed, measured at open.
func (s *NVML) IdleW() float64 {
	var w float64
	for _, d := range s.devices {
		w += d.idleW
	}
	return w
}

// Config says what is sampled and how: the driver, the devices, the
// interval, where energy comes from, what a device does not report, the
// idle power and the peak bandwidth.
func (s *NVML) Config() []string {
	energy := "energy counter"
	var unsupported []string
	for _, d := range s.devices {
		if !d.counter {
			energy = "power × time (trapezoid; no energy counter)"
		}
		for _, rd := range readings {
			if !d.supports(rd.name) {
				unsupported = append(unsupported, fmt.Sprintf("GPU %d %s", d.index, rd.name))
			}
		}
	}
	line := fmt.Sprintf("gpu-sampler: nvml, driver %s, %d device(s), every %v, %s", s.driver, len(s.devices), s.opts.interval(), energy)
	if len(unsupported) > 0 {
		line += ", not reported: " + strings.Join(unsupported, ", ")
	}
	lines := []string{line, fmt.Sprintf("gpu-idle-power: %.1f W", s.IdleW())}
	if d := s.devices[0]; d.bandwidth > 0 {
		lines = append(lines, fmt.Sprintf("gpu-mem-bandwidth: %.1f GB/s (%s)", d.bandwidth/1e9, d.bwHow))
	}
	return lines
}

func (d *device) supports(name string) bool {
	for _, rd := range d.readings {
		if rd.name == name {
			return true
		}
	}
	return false
}

// Close shuts NVML down (it is reference-counted: other users go on).
func (s *NVML) Close() error {
	if r := s.lib.Shutdown(); r != nvml.SUCCESS {
		return fmt.Errorf("nvml shutdown: %v", r)
	}
	return nil
}

func (d *device) sample(at time.Time) Sample {
	s := Sample{At: at, Device: d.index, Valid: true}
	for _, rd := range d.readings {
		if rd.read(d.dev, &s) != nvml.SUCCESS {
			s.Valid = false
		}
	}
	return s
}

// Start begins a region: it reads every device's energy counter and a
// first sample, then polls every interval until Stop. Its Result is the
// region's [NVMLRegion.Result].
func (s *NVML) Start(ctx context.Context) Region { return s.start(ctx) }

// An NVMLRegion is one timed region of an [NVML] sampler.
type NVMLRegion struct {
	s       *NVML
	start   time.Time
	e0      []uint64 // energy counters at start, mJ
	e0ok    []bool
	samples [][]Sample // by device, each in time order
	stop    func()
	done    bool
	deviceJ []float64 // each device's energy; −1 where not measured
	result  Result
}

func (s *NVML) start(ctx context.Context) *NVMLRegion {
	n := len(s.devices)
	r := &NVMLRegion{s: s, e0: make([]uint64, n), e0ok: make([]bool, n), samples: make([][]Sample, n)}
	r.start = time.Now()
	for i, d := range s.devices {
		if d.counter {
			var ret nvml.Return
			r.e0[i], ret = d.dev.GetTotalEnergyConsumption()
			r.e0ok[i] = ret == nvml.SUCCESS
		}
		r.samples[i] = append(r.samples[i], d.sample(r.start))
	}
	r.stop = poll(ctx, s.opts.interval(), func(now time.Time) {
		for i, d := range s.devices {
			r.samples[i] = append(r.samples[i], d.sample(now))
		}
	})
	return r
}

// Stop ends the region; see [Region]. Each device's energy is its energy
// counter's advance when the counter answered at both ends, else the
// trapezoid integral of its valid power samples. A device left without a
// valid sample for longer than 5 intervals (it stopped answering) has no
// sampled metrics, and no energy unless its counter answered. With several
// devices, W and J/tok sum their active energy, gpu-util-% is the mean of
// their utilisations and gpu-mem-B the sum of their peaks, each only when
// every device gave it.
func (r *NVMLRegion) Stop(tokens int) map[string]float64 {
	if r.done {
		return r.result.Metrics
	}
	r.done = true
	r.stop()
	end := time.Now()
	dur := end.Sub(r.start)
	e := Energy{Duration: dur, Method: "counter"}
	energyOK, utilOK, memOK := true, true, true
	var utilSum float64
	var memSum uint64
	r.deviceJ = make([]float64, len(r.s.devices))
	for i, d := range r.s.devices {
		var e1 uint64
		e1ok := false
		if d.counter {
			var ret nvml.Return
			e1, ret = d.dev.GetTotalEnergyConsumption()
			e1ok = ret == nvml.SUCCESS
		}
		r.samples[i] = append(r.samples[i], d.sample(end))
		var power, util []point
		var memPeak uint64
		for _, s := range r.samples[i] {
			if s.Valid {
				power = append(power, point{s.At, s.PowerW})
				util = append(util, point{s.At, s.UtilPct})
				memPeak = max(memPeak, s.MemUsedB)
			}
		}
		gap := longestGap(r.start, end, power)
		covered := gap <= r.s.opts.maxGap()
		switch {
		case d.counter && r.e0ok[i] && e1ok && e1 >= r.e0[i]:
			r.deviceJ[i] = float64(e1-r.e0[i]) / 1e3
		case covered:
			r.deviceJ[i] = regionIntegral(r.start, end, power)
			e.Method = "trapezoid"
		default:
			r.deviceJ[i] = -1
			energyOK = false
		}
		if r.deviceJ[i] >= 0 {
			e.TotalJ += r.deviceJ[i]
			e.IdleJ += d.idleW * dur.Seconds()
		}
		if !covered {
			utilOK, memOK = false, false
			why := fmt.Sprintf("GPU %d: no valid sample for %v of the %v region", i, gap, dur)
			if r.deviceJ[i] < 0 {
				why += ", and no energy counter reading"
			}
			r.result.Missing = append(r.result.Missing, why)
		}
		if covered && d.supports("utilisation") {
			utilSum += timeMean(util)
		} else if covered {
			utilOK = false
			r.result.Missing = append(r.result.Missing, fmt.Sprintf("GPU %d: reports no utilisation", i))
		}
		if covered && d.supports("memory") {
			memSum += memPeak
		} else if covered {
			memOK = false
			r.result.Missing = append(r.result.Missing, fmt.Sprintf("GPU %d: reports no memory used", i))
		}
		r.result.Samples = append(r.result.Samples, r.samples[i]...)
	}
	m := map[string]float64{}
	if energyOK {
		r.result.Energy, r.result.EnergyOK = e, true
		e.metrics(m, tokens)
	}
	if utilOK {
		m["gpu-util-%"] = utilSum / float64(len(r.s.devices))
	}
	if memOK {
		m["gpu-mem-B"] = float64(memSum)
	}
	r.result.Metrics = m
	return m
}

// Result is what the stopped region measured.
func (r *NVMLRegion) Result() Result { return r.result }
