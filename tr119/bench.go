package tr119

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// reportedUnits are what BenchmarkTR119 reports besides the sampler's
// (W, J/tok, gpu-util-% and gpu-mem-B, declared by the harness): the
// decode rate and the cost units.
var reportedUnits = []string{"ns/op", "tok/s", "$/Mtok", "gCO2e/Mtok", "kWh/Mtok", "tok/kWh"}

// A leaf is one sub-benchmark of BenchmarkTR119: a scenario, priced as
// the run's setup says.
type leaf struct {
	sc      Scenario
	pricing *pricing // shared by every leaf: set up once, by leaves
}

// pricing is how a run prices its tokens: the rates, and the power
// assumed where the sampler measures no energy (nil where it does).
type pricing struct {
	rates   Rates
	assumed *Assumption
}

// leaves are the study's single-request scenarios. Before them it
// prints, after the live setup's provenance, the rates and whether energy
// is measured here (setupPricing).
func leaves(ctx context.Context, env *harness.Env) ([]leaf, error) {
	p, err := setupPricing(ctx, env.Live, os.Getenv, os.Stdout)
	if err != nil {
		return nil, err
	}
	var ls []leaf
	for _, sc := range Scenarios() {
		ls = append(ls, leaf{sc: sc, pricing: p})
	}
	return ls, nil
}

// leafName is scenario=…/mode=generate.
func leafName(l leaf) string { return "scenario=" + l.sc.Name + "/mode=generate" }

// setupPricing reads the rates and probes whether the sampler measures
// energy, and prints both as config lines on stdout. Where energy is not
// measured, the cost figures use a power assumption (CHIMERA_ASSUMED_W,
// else the study's own CPU package power, from the embedded baseline),
// which the energy config line states.
func setupPricing(ctx context.Context, l *harness.Live, getenv func(string) string, stdout io.Writer) (*pricing, error) {
	rates, err := RatesFromEnv(getenv)
	if err != nil {
		return nil, fmt.Errorf("tr119: %w", err)
	}
	line, measured := energyLine(ctx, l, rates)
	p := &pricing{rates: rates}
	if !measured {
		a, err := AssumptionFromEnv(getenv, func() (Assumption, error) {
			base, err := studyBaseline.Set()
			if err != nil {
				return Assumption{}, err
			}
			return StudyCPUPower(base)
		})
		if err != nil {
			return nil, fmt.Errorf("tr119: power assumption: %w", err)
		}
		p.assumed, line = &a, a.ConfigLine()
	}
	harness.PrintConfig(stdout, append(rates.ConfigLines(), line))
	return p, nil
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

// body is one sub-benchmark: one iteration is one generate request
// (num_predict tokens), the sampler brackets the iterations, and J/tok,
// W, tok/s, $/Mtok and gCO2e/Mtok are returned once, after the loop. A
// warm-up request (traced as run "warmup", excluded) loads the model;
// then iteration i sends prompt i mod 2, so that no request finds its
// prompt in the server's prompt cache.
func body(b *testing.B, env *harness.Env, lf leaf) map[string]float64 {
	ctx, l, sc, p := b.Context(), env.Live, lf.sc, lf.pricing
	inst := l.Instances[0]
	if !inst.Alive() {
		b.Logf("instance %s had died; restarting it", inst.URL)
		inst.Restart(b)
	}
	opts := l.Options(measure.Options{}).Map()
	call := func(prompt int, run string) measure.Record {
		return l.Measure(b, inst, measure.Call{Model: l.Model().Tag, Prompt: sc.Prompts[prompt], Options: opts,
			Run: run, Config: b.Name(), Stage: "prompt=" + strconv.Itoa(prompt+1)})
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
	if _, ok := sampled["J/tok"]; !ok && p.assumed != nil {
		// Priced with the assumed power, which the energy config line
		// states; J/tok and W themselves stay unreported.
		if j, ok := p.assumed.JPerTok(perSec); ok {
			priced = map[string]float64{"J/tok": j}
		}
	}
	maps.Copy(vals, p.rates.Metrics(priced, perSec))
	return vals
}
