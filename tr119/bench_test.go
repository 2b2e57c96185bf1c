package tr119

import (
	"context"
	"io"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// liveConfig is what TR119 needs: one server, the first model, the
// decode rate and the cost units (the sampler's W, J/tok, gpu-util-% and
// gpu-mem-B are declared by the harness).
var liveConfig = harness.LiveConfig{Units: []string{"ns/op", "tok/s", "$/Mtok", "gCO2e/Mtok", "kWh/Mtok", "tok/kWh"}}

// BenchmarkTR119 prices tokens with measured energy: for each of the
// study's single-request scenarios, one iteration is one generate request
// (num_predict tokens, the scenario's two prompts in turn), the sampler
// brackets the iterations, and J/tok, W, tok/s, $/Mtok and gCO2e/Mtok are
// reported once, after the loop.
func BenchmarkTR119(b *testing.B) {
	l, rates, assumed := setup(b, os.Stdout)
	var names []string
	for _, sc := range Scenarios() {
		names = append(names, subName(sc))
	}
	sw := harness.NewSweep(b, names)
	for _, sc := range Scenarios() {
		sw.Run(b, subName(sc), func(b *testing.B) { benchScenario(b, l, rates, assumed, sc) })
	}
}

func subName(sc Scenario) string { return "scenario=" + sc.Name + "/mode=generate" }

// setup starts the live setup and prints, after its provenance, the rates
// and whether energy is measured here. Where it is not, the cost figures
// use a power assumption (CHIMERA_ASSUMED_W, else the study's own CPU
// package power), which the energy config line states; assumed is nil
// where energy is measured.
func setup(tb testing.TB, stdout io.Writer) (*harness.Live, Rates, *Assumption) {
	tb.Helper()
	l := harness.LiveTo(tb, liveConfig, stdout)
	rates, err := RatesFromEnv(os.Getenv)
	if err != nil {
		tb.Fatalf("tr119: %v", err)
	}
	line, measured := energyLine(tb.Context(), l, rates)
	var assumed *Assumption
	if !measured {
		a, err := AssumptionFromEnv(os.Getenv, func() (Assumption, error) {
			base, err := golden.ReadFile("testdata/baseline.bench")
			if err != nil {
				return Assumption{}, err
			}
			return StudyCPUPower(base)
		})
		if err != nil {
			tb.Fatalf("tr119: power assumption: %v", err)
		}
		assumed, line = &a, a.ConfigLine()
	}
	harness.PrintConfig(stdout, append(rates.ConfigLines(), line))
	return l, rates, assumed
}

// energyProbe is how long energyLine's trial region lasts: two of the
// samplers' default polls.
const energyProbe = 200 * time.Millisecond

// energyLine says whether the sampler measures energy, from a short trial
// region: "energy: measured (J/tok)", or what is omitted for want of it.
func energyLine(ctx context.Context, l *harness.Live, rates Rates) (line string, measured bool) {
	r := l.Start(ctx)
	select {
	case <-ctx.Done():
	case <-time.After(energyProbe):
	}
	if _, ok := r.Stop(1)["J/tok"]; ok {
		return "energy: measured (J/tok, from the sampler above)", true
	}
	omitted := rates.Omitted()
	verb := " are"
	if len(omitted) == 1 {
		verb = " is"
	}
	return "energy: not measured here (see gpu-sampler and cpu-energy), so " + strings.Join(omitted, " and ") + verb + " omitted, not 0", false
}

// benchScenario is one sub-benchmark. A warm-up request (traced as run
// "warmup", excluded) loads the model; then iteration i sends prompt i mod
// 2, so that no request finds its prompt in the server's prompt cache.
func benchScenario(b *testing.B, l *harness.Live, rates Rates, assumed *Assumption, sc Scenario) {
	ctx := b.Context()
	inst := l.Instances[0]
	if !inst.Alive() {
		b.Logf("instance %s had died; restarting it", inst.URL)
		inst.Restart(b)
	}
	opts := l.Options(measure.Options{}).Map()
	call := func(prompt int, run string) measure.Record {
		r, err := measure.Measure(ctx, measure.Call{
			Client: inst.Client, URL: inst.URL, Model: l.Model().Tag, Prompt: sc.Prompts[prompt], Options: opts,
			Run: run, Config: b.Name(), Stage: "prompt=" + strconv.Itoa(prompt+1),
		})
		if terr := l.Trace.Write(r); terr != nil && err == nil {
			err = terr
		}
		if err != nil {
			b.Fatal(inst.Annotate(err))
		}
		return r
	}
	call(len(sc.Prompts)-1, "warmup")
	var m measure.CallMetrics
	var tokens measure.TokenCount
	i := 0
	region := l.Start(ctx)
	start := time.Now()
	for b.Loop() {
		r := call(i%len(sc.Prompts), strconv.Itoa(i+1))
		m.Add(r)
		tokens.Add(r)
		i++
	}
	wall := time.Since(start)
	sampled := region.Stop(tokens.ForRegion())
	if err := m.Err(); err != nil {
		b.Fatal(err)
	}
	vals := map[string]float64{}
	if v, ok := m.Values()["tok/s"]; ok {
		vals["tok/s"] = v
	}
	maps.Copy(vals, sampled)
	perSec := float64(tokens.ForRegion()) / wall.Seconds() // 0, so unpriced, when a count is unknown
	priced := sampled
	if _, ok := sampled["J/tok"]; !ok && assumed != nil {
		// Priced with the assumed power, which the energy config line
		// states; J/tok and W themselves stay unreported.
		if j, ok := assumed.JPerTok(perSec); ok {
			priced = map[string]float64{"J/tok": j}
		}
	}
	maps.Copy(vals, rates.Metrics(priced, perSec))
	l.Report(b, vals)
}
