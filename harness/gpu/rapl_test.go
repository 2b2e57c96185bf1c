package gpu_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/gpu"
)

// A sysfs is a fake powercap directory whose files are read at the
// moment they are opened, so that energy_uj follows the bubble's clock.
type sysfs map[string]func() (string, error)

func (f sysfs) Open(name string) (fs.File, error) {
	snap := fstest.MapFS{}
	for n, read := range f {
		data, err := read()
		if err != nil {
			if n == name {
				return nil, &fs.PathError{Op: "open", Path: name, Err: err}
			}
			continue
		}
		snap[n] = &fstest.MapFile{Data: []byte(data + "\n")}
	}
	return snap.Open(name)
}

func text(s string) func() (string, error) { return func() (string, error) { return s, nil } }

// counter is an energy_uj file: the energy drawn at idleW until 1 s and
// loadW after, in µJ, wrapped at maxRange.
func counter(t0 time.Time, idleW, loadW float64, maxRange uint64) func() (string, error) {
	return func() (string, error) {
		t := time.Since(t0).Seconds()
		j := idleW * min(t, 1)
		if t > 1 {
			j += loadW * (t - 1)
		}
		return fmt.Sprint(uint64(math.Round(j*1e6)) % maxRange), nil
	}
}

// Two packages over [1 s, 3 s]: package-0 draws 65 W (idle 20 W) through
// a counter that wraps every 50 J, so about twice in the region;
// package-1 draws 35 W (idle 10 W). The core and psys zones would count
// the packages again and must be left out (they read junk here).
func TestRAPLKnownPowerGivesKnownJoulesAcrossWraps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		const wrap0, wrap1 = 50_000_000, 262_143_328_850
		fsys := sysfs{
			"intel-rapl:0/name":                  text("package-0"),
			"intel-rapl:0/energy_uj":             counter(t0, 20, 65, wrap0),
			"intel-rapl:0/max_energy_range_uj":   text(fmt.Sprint(wrap0)),
			"intel-rapl:0:0/name":                text("core"),
			"intel-rapl:0:0/energy_uj":           text("123456789"),
			"intel-rapl:0:0/max_energy_range_uj": text(fmt.Sprint(wrap1)),
			"intel-rapl:1/name":                  text("package-1"),
			"intel-rapl:1/energy_uj":             counter(t0, 10, 35, wrap1),
			"intel-rapl:1/max_energy_range_uj":   text(fmt.Sprint(wrap1)),
			"intel-rapl:2/name":                  text("psys"),
			"intel-rapl:2/energy_uj":             text("987654321"),
			"intel-rapl:2/max_energy_range_uj":   text(fmt.Sprint(wrap1)),
		}
		s, err := gpu.OpenRAPL(t.Context(), fsys, gpu.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"cpu-energy: rapl package-0 package-1, every 100ms", "cpu-idle-power: 30.0 W"}
		if diff := cmp.Diff(want, s.Config()); diff != "" {
			t.Errorf("config mismatch (-want +got):\n%s", diff)
		}
		r := s.Start(t.Context())
		time.Sleep(2 * time.Second)
		got := r.Stop(700)
		approx := cmpopts.EquateApprox(0, 1e-9)
		// 200 J drawn, 60 J of it idle: 140 J active over 2 s.
		if diff := cmp.Diff(map[string]float64{"W": 70, "J/tok": 0.2}, got, approx); diff != "" {
			t.Errorf("metrics mismatch (-want +got):\n%s", diff)
		}
		wantE := gpu.Energy{Duration: 2 * time.Second, TotalJ: 200, IdleJ: 60, Method: "counter"}
		if diff := cmp.Diff(wantE, r.(*gpu.RAPLRegion).Result().Energy, approx); diff != "" {
			t.Errorf("energy mismatch (-want +got):\n%s", diff)
		}
	})
}

// A counter that cannot be read at the region's end leaves its metrics
// out; one poll that fails in between is covered by the next.
func TestRAPLUnreadableCounter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fails   func(t time.Duration) bool
		want    map[string]float64
		missing string
	}{
		{"one poll fails", func(t time.Duration) bool { return t == 1500*time.Millisecond }, map[string]float64{"W": 45, "J/tok": 0.09}, ""},
		{"unreadable from 2 s", func(t time.Duration) bool { return t >= 2*time.Second }, map[string]float64{}, "energy: a counter was unreadable at stop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				t0 := time.Now()
				read := counter(t0, 20, 65, 50_000_000)
				fsys := sysfs{
					"intel-rapl:0/name":                text("package-0"),
					"intel-rapl:0/max_energy_range_uj": text("50000000"),
					"intel-rapl:0/energy_uj": func() (string, error) {
						if tc.fails(time.Since(t0)) {
							return "", fs.ErrInvalid
						}
						return read()
					},
				}
				s, err := gpu.OpenRAPL(t.Context(), fsys, gpu.Options{})
				if err != nil {
					t.Fatal(err)
				}
				r := s.Start(t.Context())
				time.Sleep(2 * time.Second)
				if diff := cmp.Diff(tc.want, r.Stop(1000), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
					t.Errorf("metrics mismatch (-want +got):\n%s", diff)
				}
				if m := r.(*gpu.RAPLRegion).Result().Missing; tc.missing != "" && !strings.Contains(strings.Join(m, "\n"), tc.missing) {
					t.Errorf("Missing = %q, want it to say %q", m, tc.missing)
				}
			})
		})
	}
}

// On a real directory laid out like sysfs: the zones found, and why none
// can be used when the counters cannot be read.
func TestOpenRAPLDirectory(t *testing.T) {
	write := func(t *testing.T, dir string, files map[string]string) {
		t.Helper()
		for name, data := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		fsys  func(dir string) fs.FS
		want  string // config's first line, or the error
	}{
		{"a package and its subzones", map[string]string{
			"intel-rapl:0/name": "package-0", "intel-rapl:0/energy_uj": "1000", "intel-rapl:0/max_energy_range_uj": "262143328850",
			"intel-rapl:0:0/name": "core", "intel-rapl:0:0/energy_uj": "10", "intel-rapl:0:0/max_energy_range_uj": "262143328850",
			"intel-rapl:0:1/name": "dram", "intel-rapl:0:1/energy_uj": "10", "intel-rapl:0:1/max_energy_range_uj": "262143328850",
		}, os.DirFS, "cpu-energy: rapl package-0, every 100ms"},
		{"only psys", map[string]string{
			"intel-rapl:1/name": "psys", "intel-rapl:1/energy_uj": "1000", "intel-rapl:1/max_energy_range_uj": "262143328850",
		}, os.DirFS, "no RAPL: no intel-rapl package zone"},
		{"no powercap at all", nil, func(dir string) fs.FS { return os.DirFS(filepath.Join(dir, "missing")) }, "no RAPL: no powercap zones"},
		{"counter not a number", map[string]string{
			"intel-rapl:0/name": "package-0", "intel-rapl:0/energy_uj": "n/a", "intel-rapl:0/max_energy_range_uj": "262143328850",
		}, os.DirFS, `no RAPL: intel-rapl:0/energy_uj: strconv.ParseUint: parsing "n/a": invalid syntax`},
		{"counter root-only", nil, func(string) fs.FS {
			return sysfs{
				"intel-rapl:0/name":                text("package-0"),
				"intel-rapl:0/max_energy_range_uj": text("262143328850"),
				"intel-rapl:0/energy_uj":           func() (string, error) { return "", fs.ErrPermission },
			}
		}, "no RAPL: open intel-rapl:0/energy_uj: permission denied; energy_uj is root-only since Linux 5.10: run as root or make it readable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.files)
			synctest.Test(t, func(t *testing.T) {
				s, err := gpu.OpenRAPL(t.Context(), tc.fsys(dir), gpu.Options{})
				got := ""
				switch {
				case err != nil && !errors.Is(err, gpu.ErrNoRAPL):
					t.Errorf("error %v does not wrap ErrNoRAPL", err)
				case err != nil:
					got = err.Error()
				default:
					got = s.Config()[0]
				}
				if got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		})
	}
}
