package gpu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"
)

// A Sampler measures the hardware while a benchmark runs. [NVML] and
// [RAPL] are the two; [Default] picks one for the machine.
type Sampler interface {
	// Config returns the benchfmt config lines that say what the sampler
	// measures ("gpu-sampler: nvml, …"), or why it measures nothing.
	Config() []string
	// Start begins a timed region.
	Start(ctx context.Context) Region
}

// A Region is one timed region of a [Sampler].
type Region interface {
	// Stop ends the region and returns its metrics by registered unit
	// (internal/units): W and J/tok from the active energy, gpu-util-% and
	// gpu-mem-B from the samples. tokens is what was generated in the
	// region (for J/tok). A metric that could not be measured is absent,
	// never 0; [Result] says why. Call Stop once.
	Stop(tokens int) map[string]float64
}

var (
	// ErrNoNVML is returned where NVML cannot be used: built without cgo,
	// no driver library, or NVML failed to initialise.
	ErrNoNVML = errors.New("no NVML")
	// ErrNoGPU is returned where NVML works but finds no device.
	ErrNoGPU = errors.New("no NVIDIA GPU")
	// ErrNoRAPL is returned where the kernel exposes no readable CPU
	// package energy (/sys/class/powercap).
	ErrNoRAPL = errors.New("no RAPL")
)

// DefaultInterval is how often a region polls its devices; DefaultIdle is
// how long [OpenNVML] and [OpenRAPL] measure idle power.
const (
	DefaultInterval = 100 * time.Millisecond
	DefaultIdle     = time.Second
)

// Options configure a sampler. The zero value polls every
// [DefaultInterval] and measures idle power for [DefaultIdle].
type Options struct {
	Interval time.Duration
	Idle     time.Duration
}

func (o Options) interval() time.Duration {
	if o.Interval > 0 {
		return o.Interval
	}
	return DefaultInterval
}

func (o Options) idle() time.Duration {
	if o.Idle > 0 {
		return o.Idle
	}
	return DefaultIdle
}

// maxGap is the longest stretch of a region that may pass without a valid
// sample of a device before its sampled metrics are dropped: a few lost
// polls are bridged, a device that stopped answering is not.
func (o Options) maxGap() time.Duration { return 5 * o.interval() }

// Units are every unit a [Region] may report, for a benchmark's
// LiveConfig.Units.
func Units() []string { return []string{"W", "J/tok", "gpu-util-%", "gpu-mem-B"} }

// Energy is what the devices of a sampler drew during one region.
type Energy struct {
	Duration time.Duration
	TotalJ   float64 // everything the devices drew
	IdleJ    float64 // idle power (measured at open) × Duration
	// Method is "counter" when every device's energy counter bracketed the
	// region, else "trapezoid": power samples integrated.
	Method string
}

// ActiveJ is the energy the work added to idle: TotalJ − IdleJ. Below
// zero (idle drifted by more than the work drew) it is 0: within the idle
// estimate's noise, the work added nothing measurable.
func (e Energy) ActiveJ() float64 { return max(0, e.TotalJ-e.IdleJ) }

// Result is everything a stopped region measured.
type Result struct {
	Metrics map[string]float64 // what Stop returned
	// Energy is valid when EnergyOK; with several devices, only when every
	// device's energy was measured.
	Energy   Energy
	EnergyOK bool
	Samples  []Sample // every NVML poll, valid or not: device by device, each in time order
	Missing  []string // why each absent metric is absent
}

// A Sample is one poll of one GPU. Readings the device does not support
// (found at open, see [NVML.Config]) are 0 and do not count for Valid.
type Sample struct {
	At     time.Time
	Device int
	// Valid reports that every supported reading succeeded. Only valid
	// samples count for any metric.
	Valid       bool
	PowerW      float64
	UtilPct     float64 // GPU (SM) utilisation
	MemUsedB    uint64
	SMClockMHz  uint32
	MemClockMHz uint32
	TempC       uint32
}

// metrics adds W and J/tok of e's active energy to m.
func (e Energy) metrics(m map[string]float64, tokens int) {
	if e.Duration <= 0 {
		return
	}
	m["W"] = e.ActiveJ() / e.Duration.Seconds()
	if tokens > 0 {
		m["J/tok"] = e.ActiveJ() / float64(tokens)
	}
}

// A point is one valid reading of one quantity.
type point struct {
	at time.Time
	v  float64
}

// integral is ∫v dt over pts, in value × seconds, by the trapezoid rule
// (linear between readings).
func integral(pts []point) float64 {
	var sum float64
	for i := 1; i < len(pts); i++ {
		sum += (pts[i].v + pts[i-1].v) / 2 * pts[i].at.Sub(pts[i-1].at).Seconds()
	}
	return sum
}

// regionIntegral is ∫v dt over [start, end]: the trapezoid rule between
// readings, each end held flat to the region's edge.
func regionIntegral(start, end time.Time, pts []point) float64 {
	if len(pts) == 0 {
		return 0
	}
	first, last := pts[0], pts[len(pts)-1]
	return integral(pts) + first.v*first.at.Sub(start).Seconds() + last.v*end.Sub(last.at).Seconds()
}

// timeMean is the time-weighted mean of pts (one reading, or readings all
// at one instant: their plain mean), so that a sample taken twice at one
// instant does not count twice.
func timeMean(pts []point) float64 {
	if span := pts[len(pts)-1].at.Sub(pts[0].at).Seconds(); span > 0 {
		return integral(pts) / span
	}
	var sum float64
	for _, p := range pts {
		sum += p.v
	}
	return sum / float64(len(pts))
}

// longestGap is the longest stretch of [start, end] without a reading.
func longestGap(start, end time.Time, pts []point) time.Duration {
	if len(pts) == 0 {
		return end.Sub(start)
	}
	gap := max(pts[0].at.Sub(start), end.Sub(pts[len(pts)-1].at))
	for i := 1; i < len(pts); i++ {
		gap = max(gap, pts[i].at.Sub(pts[i-1].at))
	}
	return gap
}

// poll calls read from its own goroutine every interval until ctx is done
// or the returned stop is called. stop waits for that goroutine, so that
// its caller may then use what read wrote.
func poll(ctx context.Context, interval time.Duration, read func(time.Time)) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-quit:
				return
			case <-tick.C:
				read(time.Now())
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// wait sleeps for d, or until ctx is done.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// Powercap is where Linux exposes RAPL energy counters.
const Powercap = "/sys/class/powercap"

// Default picks the sampler for this machine: [NVML] when it finds a GPU,
// else [RAPL] when the kernel exposes CPU package energy, else one that
// measures nothing; its config lines say which, and why the others were
// not used. CHIMERA_SAMPLER (read at call time) forces a choice: nvml,
// rapl or none; a forced sampler that cannot be had is an error.
// Opening a sampler measures idle power for opts.Idle.
func Default(ctx context.Context, opts Options) (Sampler, error) {
	force := os.Getenv("CHIMERA_SAMPLER")
	switch force {
	case "", "auto", "nvml", "rapl":
	case "none":
		return none{"gpu-sampler: none (CHIMERA_SAMPLER=none)", "cpu-energy: none (CHIMERA_SAMPLER=none)"}, nil
	default:
		return nil, fmt.Errorf("CHIMERA_SAMPLER=%q: want nvml, rapl, none or auto", force)
	}
	var noGPU error
	if force != "rapl" {
		s, err := openNVML(ctx, opts)
		if err == nil {
			return s, nil
		}
		if force == "nvml" {
			return nil, fmt.Errorf("CHIMERA_SAMPLER=nvml: %w", err)
		}
		noGPU = err
	}
	gpuLine := "gpu-sampler: none (CHIMERA_SAMPLER=rapl)"
	if noGPU != nil {
		gpuLine = "gpu-sampler: none (" + noGPU.Error() + ")"
	}
	s, err := openSystemRAPL(ctx, opts)
	if err == nil {
		return withLines{s, []string{gpuLine}}, nil
	}
	if force == "rapl" {
		return nil, fmt.Errorf("CHIMERA_SAMPLER=rapl: %w", err)
	}
	return none{gpuLine, "cpu-energy: none (" + err.Error() + ")"}, nil
}

// openSystemRAPL opens the machine's own powercap interface.
func openSystemRAPL(ctx context.Context, opts Options) (*RAPL, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("%w: powercap is Linux's", ErrNoRAPL)
	}
	s, err := OpenRAPL(ctx, os.DirFS(Powercap), opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Powercap, err)
	}
	return s, nil
}

// none measures nothing; its lines say why.
type none []string

func (n none) Config() []string           { return n }
func (none) Start(context.Context) Region { return noRegion{} }

type noRegion struct{}

func (noRegion) Stop(int) map[string]float64 { return nil }

// withLines is a sampler with config lines put before its own.
type withLines struct {
	Sampler
	lines []string
}

func (w withLines) Config() []string {
	return append(append([]string(nil), w.lines...), w.Sampler.Config()...)
}
