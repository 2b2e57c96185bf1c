package tr119

import (
	"strconv"

	"github.com/chimeraforge/chimeraforge/internal/envvar"
)

// The study's energy prices (TR119's matrix.yaml, as the data pack's
// README quotes it): electricity at 0.20 $/kWh and a grid of 500 gCO2e/kWh.
const (
	StudyUSDPerKWh   = 0.20
	StudyGCO2ePerKWh = 500.0
)

// A Price is one hourly price of the study's table.
type Price struct {
	Instance string  // "AWS g5.xlarge"
	Tier     string  // "on-demand", "spot", "reserved 1 yr", "reserved 3 yr", "on-prem"
	USD      float64 // per hour, the instance's electricity included
}

// StudyPrices is the study's price table (matrix.yaml, via the data
// pack's README), in its order. A cloud price per hour includes the power
// the instance draws; on-prem is the study's 0 $/h for hardware already
// paid for, where electricity is the only cost.
func StudyPrices() []Price {
	var ps []Price
	for _, in := range []struct {
		name                       string
		onDemand, spot, res1, res3 float64
	}{
		{"AWS g5.xlarge", 1.006, 0.302, 0.704, 0.503},
		{"Azure NC T4 v3", 0.90, 0.27, 0.60, 0.42},
		{"GCP a2-highgpu", 1.20, 0.36, 0.80, 0.56},
	} {
		ps = append(ps,
			Price{in.name, "on-demand", in.onDemand},
			Price{in.name, "spot", in.spot},
			Price{in.name, "reserved 1 yr", in.res1},
			Price{in.name, "reserved 3 yr", in.res3},
		)
	}
	return append(ps, Price{"own hardware", "on-prem", 0})
}

// Rates are what [Rates.Metrics] prices a run's tokens with. Instance and
// energy costs are kept apart: USDPerGPUHour is what the hardware costs
// per hour *without* its electricity (amortisation, or a rental that bills
// power separately), and USDPerKWh prices the energy the sampler
// measured. A cloud price per hour already includes the power, so to price
// a cloud instance set USDPerGPUHour to it and USDPerKWh to 0 (the study
// added electricity on top of such prices, counting the power twice).
type Rates struct {
	USDPerKWh     float64
	GCO2ePerKWh   float64
	USDPerGPUHour float64
}

// DefaultRates are the study's own assumptions for owned hardware: its
// electricity price and grid intensity, and its on-prem tier's 0 $/h, so
// that $/Mtok is the electricity the tokens took.
func DefaultRates() Rates {
	return Rates{USDPerKWh: StudyUSDPerKWh, GCO2ePerKWh: StudyGCO2ePerKWh, USDPerGPUHour: 0}
}

// rateEnv names the environment variable of each rate, and rateMax its
// upper bound: 100 $/kWh is hundreds of times any grid price, 10,000
// gCO2e/kWh ten times the dirtiest grid (coal, ~1,000), and 10,000 $/h
// far above any rented machine; a larger value is a typo.
var (
	rateEnv = [...]string{"CHIMERA_USD_PER_KWH", "CHIMERA_GCO2E_PER_KWH", "CHIMERA_USD_PER_GPU_HOUR"}
	rateMax = [...]float64{100, 10_000, 10_000}
)

// RatesFromEnv is [DefaultRates] with each rate whose variable is set
// (CHIMERA_USD_PER_KWH, CHIMERA_GCO2E_PER_KWH, CHIMERA_USD_PER_GPU_HOUR)
// replaced by it; a value that is not a number from 0 to its bound
// (rateMax) is an error naming the variable and the bounds.
func RatesFromEnv(getenv func(string) string) (Rates, error) {
	r := DefaultRates()
	for i, dst := range []*float64{&r.USDPerKWh, &r.GCO2ePerKWh, &r.USDPerGPUHour} {
		v, ok, err := envvar.Float(getenv, rateEnv[i], 0, rateMax[i])
		if err != nil {
			return Rates{}, err
		}
		if ok {
			*dst = v
		}
	}
	return r, nil
}

// ConfigLines states the rates a run's $/Mtok and gCO2e/Mtok used.
func (r Rates) ConfigLines() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return []string{
		"usd-per-kwh: " + f(r.USDPerKWh),
		"gco2e-per-kwh: " + f(r.GCO2ePerKWh),
		"usd-per-gpu-hour: " + f(r.USDPerGPUHour),
	}
}

// Metrics prices what a run measured: sampled holds a region's metrics
// (J/tok where energy was measured), tokPerWallSec the tokens generated
// per second of the region's wall time (the time the hardware is paid
// for). $/Mtok is the energy cost plus the instance cost, each only where
// its price is not 0; gCO2e/Mtok needs the energy. A figure whose input
// was not measured is absent, never 0.
func (r Rates) Metrics(sampled map[string]float64, tokPerWallSec float64) map[string]float64 {
	m := map[string]float64{}
	jPerTok, haveEnergy := sampled["J/tok"]
	if haveEnergy {
		m["gCO2e/Mtok"] = kWhPerMtok(jPerTok) * r.GCO2ePerKWh
		m["kWh/Mtok"] = kWhPerMtok(jPerTok)
		if jPerTok > 0 {
			m["tok/kWh"] = 3.6e6 / jPerTok
		}
	}
	var usd float64
	switch {
	case r.USDPerKWh > 0 && !haveEnergy:
		return m
	case r.USDPerKWh > 0:
		usd += kWhPerMtok(jPerTok) * r.USDPerKWh
	}
	switch {
	case r.USDPerGPUHour > 0 && tokPerWallSec <= 0:
		return m
	case r.USDPerGPUHour > 0:
		usd += instanceUSDPerMtok(tokPerWallSec, r.USDPerGPUHour)
	}
	if haveEnergy || r.USDPerGPUHour > 0 {
		m["$/Mtok"] = usd
	}
	return m
}

// Omitted names what [Rates.Metrics] leaves out when no energy is
// measured.
func (r Rates) Omitted() []string {
	out := []string{"gCO2e/Mtok"}
	if r.USDPerKWh > 0 || r.USDPerGPUHour == 0 {
		out = append(out, "$/Mtok")
	}
	return out
}

// kWhPerMtok is the energy of a million tokens at jPerTok joules each.
func kWhPerMtok(jPerTok float64) float64 { return jPerTok * 1e6 / 3.6e6 }

// instanceUSDPerMtok is what a million tokens cost at tokPerSec tokens
// per second on hardware priced usdPerHour: the study's
// gpu_hours_per_1M × price.
func instanceUSDPerMtok(tokPerSec, usdPerHour float64) float64 {
	return 1e6 / (tokPerSec * 3600) * usdPerHour
}
