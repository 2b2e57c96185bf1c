package gpu

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// RAPL measures CPU package energy through Linux's powercap interface: the
// intel-rapl:N zones named package-N (AMD's too), each an energy_uj
// counter in µJ that wraps to 0 at max_energy_range_uj. The intel-rapl:N:M
// subzones (core, uncore, dram) are parts of a package or outside it, and
// the psys zone covers the packages again, so both are left out.
//
// A region polls the counters every interval, so that a wrap between two
// polls is counted however long the region runs. It needs no cgo.
type RAPL struct {
	fsys  fs.FS
	zones []raplZone
	opts  Options
	idleW float64
}

type raplZone struct {
	dir      string // "intel-rapl:0"
	name     string // "package-0"
	maxRange uint64 // µJ
}

// OpenRAPL finds the package zones in fsys (a powercap directory:
// os.DirFS([Powercap]), or a fake one in tests) and measures their idle
// power over opts.Idle. Every error wraps [ErrNoRAPL].
func OpenRAPL(ctx context.Context, fsys fs.FS, opts Options) (*RAPL, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no powercap zones", ErrNoRAPL)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoRAPL, err)
	}
	s := &RAPL{fsys: fsys, opts: opts}
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "intel-rapl:")
		if _, err := strconv.Atoi(n); !ok || err != nil {
			continue
		}
		z := raplZone{dir: e.Name()}
		name, err := fs.ReadFile(fsys, z.dir+"/name")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNoRAPL, err)
		}
		if z.name = strings.TrimSpace(string(name)); !strings.HasPrefix(z.name, "package") {
			continue
		}
		if z.maxRange, err = readUint(fsys, z.dir+"/max_energy_range_uj"); err != nil {
			return nil, raplErr(err)
		}
		if _, err := readUint(fsys, z.dir+"/energy_uj"); err != nil {
			return nil, raplErr(err)
		}
		s.zones = append(s.zones, z)
	}
	if len(s.zones) == 0 {
		return nil, fmt.Errorf("%w: no intel-rapl package zone", ErrNoRAPL)
	}
	r := s.start(ctx, 0)
	if err := wait(ctx, opts.idle()); err != nil {
		return nil, fmt.Errorf("%w: measuring idle power: %v", ErrNoRAPL, err)
	}
	r.Stop(0)
	if !r.result.EnergyOK {
		return nil, fmt.Errorf("%w: measuring idle power: %s", ErrNoRAPL, strings.Join(r.result.Missing, "; "))
	}
	s.idleW = r.result.Energy.TotalJ / r.result.Energy.Duration.Seconds()
	return s, nil
}

// raplErr explains the usual reason a counter cannot be read.
func raplErr(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: %v; energy_uj is root-only since Linux 5.10: run as root or make it readable", ErrNoRAPL, err)
	}
	return fmt.Errorf("%w: %v", ErrNoRAPL, err)
}

func readUint(fsys fs.FS, name string) (uint64, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// IdleW is the packages' idle power, measured at open.
func (s *RAPL) IdleW() float64 { return s.idleW }

// Config says which zones are measured, how often, and their idle power.
func (s *RAPL) Config() []string {
	names := make([]string, len(s.zones))
	for i, z := range s.zones {
		names[i] = z.name
	}
	return []string{
		fmt.Sprintf("cpu-energy: rapl %s, every %v", strings.Join(names, " "), s.opts.interval()),
		fmt.Sprintf("cpu-idle-power: %.1f W", s.idleW),
	}
}

// Start begins a region; Stop returns W and J/tok of the packages' active
// energy. Its Result is the region's [RAPLRegion.Result].
func (s *RAPL) Start(ctx context.Context) Region { return s.start(ctx, s.idleW) }

// A RAPLRegion is one timed region of a [RAPL] sampler.
type RAPLRegion struct {
	s      *RAPL
	idleW  float64
	start  time.Time
	last   []uint64  // each zone's last reading, µJ
	ok     []bool    // the zone's counter was read at start
	sumUJ  []float64 // energy since start, wraps counted
	stop   func()
	done   bool
	result Result
}

func (s *RAPL) start(ctx context.Context, idleW float64) *RAPLRegion {
	r := &RAPLRegion{s: s, idleW: idleW, last: make([]uint64, len(s.zones)), ok: make([]bool, len(s.zones)), sumUJ: make([]float64, len(s.zones))}
	r.start = time.Now()
	for i, z := range s.zones {
		v, err := readUint(s.fsys, z.dir+"/energy_uj")
		r.last[i], r.ok[i] = v, err == nil
	}
	r.stop = poll(ctx, s.opts.interval(), func(time.Time) { r.read() })
	return r
}

// read adds each zone's energy since its last reading. A failed read is
// skipped: the next one covers its time.
func (r *RAPLRegion) read() bool {
	all := true
	for i, z := range r.s.zones {
		v, err := readUint(r.s.fsys, z.dir+"/energy_uj")
		if err != nil {
			all = false
			continue
		}
		if v < r.last[i] { // wrapped
			r.sumUJ[i] += float64(v + z.maxRange - r.last[i])
		} else {
			r.sumUJ[i] += float64(v - r.last[i])
		}
		r.last[i] = v
	}
	return all
}

// Stop ends the region; see [Region].
func (r *RAPLRegion) Stop(tokens int) map[string]float64 {
	if r.done {
		return r.result.Metrics
	}
	r.done = true
	r.stop()
	end := time.Now()
	read := r.read()
	r.result.Metrics = map[string]float64{}
	for i, z := range r.s.zones {
		if !r.ok[i] {
			r.result.Missing = append(r.result.Missing, z.name+": energy: counter unreadable at start")
		}
	}
	if !read {
		r.result.Missing = append(r.result.Missing, "energy: a counter was unreadable at stop")
	}
	if len(r.result.Missing) > 0 {
		return r.result.Metrics
	}
	dur := end.Sub(r.start)
	var total float64
	for _, uj := range r.sumUJ {
		total += uj / 1e6
	}
	r.result.Energy = Energy{Duration: dur, TotalJ: total, IdleJ: r.idleW * dur.Seconds(), Method: "counter"}
	r.result.EnergyOK = true
	r.result.Energy.metrics(r.result.Metrics, tokens)
	return r.result.Metrics
}

// Result is what the stopped region measured.
func (r *RAPLRegion) Result() Result { return r.result }
