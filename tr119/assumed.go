package tr119

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/envvar"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// AssumedPowerEnv sets the power TR119's benchmark assumes where the
// sampler measures none, in watts.
const AssumedPowerEnv = "CHIMERA_ASSUMED_W"

// An Assumption is the power a run's energy figures assume, and where it
// comes from, for the config line that labels them.
type Assumption struct {
	W      float64
	Source string
}

// StudyCPUPower is the default assumption: the mean CPU package power the
// study measured during its CPU backends' generate runs (RAPL, the power
// lines device=cpu of backends onnxruntime-cpu and transformers-cpu,
// mode=generate, in the baseline). It is the study's own figure for a CPU
// generating tokens, computed from its data, not typed in.
func StudyCPUPower(baseline *golden.Set) (Assumption, error) {
	var ws []float64
	for _, backend := range []string{"onnxruntime-cpu", "transformers-cpu"} {
		ws = append(ws, baseline.Values("W", "TR119Power", "backend="+backend, "mode=generate", "device=cpu")...)
	}
	if len(ws) == 0 {
		return Assumption{}, fmt.Errorf("the baseline has no CPU package power of a CPU backend's generate run")
	}
	return Assumption{W: stats.Mean(ws), Source: fmt.Sprintf("the study's mean CPU package power in its CPU backends' generate runs (%d readings, testdata/baseline.bench)", len(ws))}, nil
}

// Bounds of CHIMERA_ASSUMED_W: a milliwatt to a megawatt. No machine
// that generates tokens draws less or more; 0 would make every energy
// figure 0, which was not measured.
const (
	minAssumedW = 0.001
	maxAssumedW = 1e6
)

// AssumptionFromEnv is CHIMERA_ASSUMED_W if set (watts, from minAssumedW
// to maxAssumedW), else def.
func AssumptionFromEnv(getenv func(string) string, def func() (Assumption, error)) (Assumption, error) {
	w, ok, err := envvar.Float(getenv, AssumedPowerEnv, minAssumedW, maxAssumedW)
	if err != nil {
		return Assumption{}, err
	}
	if !ok {
		return def()
	}
	return Assumption{W: w, Source: AssumedPowerEnv}, nil
}

// ConfigLine labels a run's energy figures as assumed, never measured.
func (a Assumption) ConfigLine() string {
	return fmt.Sprintf("energy: assumed %s W, not measured (%s); J/tok and W are not reported, the cost figures use it",
		strings.TrimRight(strings.TrimRight(strconv.FormatFloat(a.W, 'f', 1, 64), "0"), "."), a.Source)
}

// JPerTok is the energy per token the assumption gives at tokPerWallSec.
func (a Assumption) JPerTok(tokPerWallSec float64) (float64, bool) {
	if !(tokPerWallSec > 0) || !(a.W > 0) {
		return 0, false
	}
	return a.W / tokPerWallSec, true
}
