package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/units"
)

// A LiveConfig says what a report's benchmark needs from the live setup.
// The zero value is one started server with OLLAMA_NUM_PARALLEL=1 and the
// first model, reporting no units.
type LiveConfig struct {
	Instances   int  // servers; 0 means 1
	NumParallel int  // OLLAMA_NUM_PARALLEL of started servers; 0 means 1
	AllModels   bool // every model CHIMERA_MODELS names (else the first)
	// Units lists every unit the benchmark reports. Each must be registered
	// in internal/units; [Live.Report] refuses any other.
	Units []string
	// Sampler measures the hardware during timed regions (NVML, RAPL); nil
	// measures nothing.
	Sampler Sampler
}

// A Sampler measures the hardware while a benchmark runs: GPU power and
// energy, utilisation, memory. harness/gpu provides one; the live setup
// only brackets regions with it.
type Sampler interface {
	// Config returns the provenance lines the sampler adds ("gpu-energy:
	// nvml counter"), or the line that says why it measures nothing.
	Config() []string
	// Start begins a timed region.
	Start(ctx context.Context) Region
}

// A Region is one timed region of a [Sampler].
type Region interface {
	// Stop ends the region and returns its metrics by registered unit;
	// tokens is what was generated in it (for J/tok). A metric that could
	// not be measured is absent.
	Stop(tokens int) map[string]float64
}

// Live is the setup every report's benchmarks run against: servers and
// models found or started, the per-request base options, the trace, and the
// provenance and Unit lines printed once on stdout.
type Live struct {
	Instances []*Instance
	Models    []ModelInfo
	// Base are the options every request carries on top of a config's own:
	// num_thread (per instance) and num_predict (CHIMERA_NUM_PREDICT).
	Base    measure.Options
	Trace   *measure.Trace
	Corpus  string // what agents ingest (CHIMERA_CORPUS or the default corpus)
	Sampler Sampler
	// Units are the units the benchmark declared (LiveConfig.Units): the
	// only ones [Live.Report] accepts.
	Units []string
}

// NewLive finds or starts the servers and models cfg asks for, opens the
// trace and prints the run's provenance and a Unit line for every unit in
// cfg.Units to stdout. Call it from a top-level benchmark, before its
// sub-benchmarks (see [PrintConfig]). It skips when no Ollama can be had
// and fails when one is named but broken.
func NewLive(b *testing.B, cfg LiveConfig) *Live {
	b.Helper()
	return LiveTo(b, cfg, os.Stdout)
}

// LiveTo is [NewLive] printing to stdout, for tests that check the lines.
func LiveTo(tb testing.TB, cfg LiveConfig, stdout io.Writer) *Live {
	tb.Helper()
	unitLines, err := units.Lines(false, cfg.Units...)
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	ins := Servers(tb, ServerConfig{Instances: cfg.Instances, NumParallel: cfg.NumParallel})
	models := Models(tb, ins)
	if !cfg.AllModels {
		models = models[:1]
	}
	l := &Live{Instances: ins, Models: models, Trace: NewTrace(tb), Corpus: CorpusDir(tb), Sampler: cfg.Sampler, Units: cfg.Units}
	if nt := ins[0].NumThread; nt > 0 {
		l.Base.NumThread = measure.Ptr(nt)
	}
	l.Base.NumPredict = NumPredict(tb, models[0])
	lines := Provenance(tb, ins, models, l.Base)
	lines = append(lines, "corpus: "+corpusDigest(tb, l.Corpus))
	if l.Sampler != nil {
		lines = append(lines, l.Sampler.Config()...)
	}
	PrintConfig(stdout, lines)
	for _, u := range unitLines {
		fmt.Fprintln(stdout, u)
	}
	return l
}

// Model is the first (with AllModels false, the only) model.
func (l *Live) Model() ModelInfo { return l.Models[0] }

// Options returns the options of a config on top of the base ones.
func (l *Live) Options(config measure.Options) measure.Options {
	o := config
	if o.NumThread == nil {
		o.NumThread = l.Base.NumThread
	}
	if o.NumPredict == nil {
		o.NumPredict = l.Base.NumPredict
	}
	return o
}

// Start begins a timed region of the sampler; with no sampler it measures
// nothing.
func (l *Live) Start(ctx context.Context) Region {
	if l.Sampler == nil {
		return noRegion{}
	}
	return l.Sampler.Start(ctx)
}

type noRegion struct{}

func (noRegion) Stop(int) map[string]float64 { return nil }

// Report reports values on r, each once. A unit the benchmark did not
// declare in LiveConfig.Units (so no Unit line was printed for it) fails the
// benchmark: the gate would have no direction for it.
func (l *Live) Report(r interface {
	measure.Reporter
	Helper()
	Fatalf(string, ...any)
}, values map[string]float64) {
	r.Helper()
	if err := CheckReported(l.Units, values); err != nil {
		r.Fatalf("harness: %v", err)
	}
	for _, u := range slices.Sorted(mapsKeys(values)) {
		r.ReportMetric(values[u], u)
	}
}

// CheckReported returns an error naming every unit in values that is not
// registered (internal/units) or not in declared.
func CheckReported(declared []string, values map[string]float64) error {
	var names []string
	for u := range values {
		names = append(names, u)
	}
	slices.Sort(names)
	if err := units.Check(names...); err != nil {
		return err
	}
	var undeclared []string
	for _, n := range names {
		if !slices.Contains(declared, n) {
			undeclared = append(undeclared, n)
		}
	}
	if len(undeclared) > 0 {
		return fmt.Errorf("unit(s) %v reported but not declared in LiveConfig.Units", undeclared)
	}
	return nil
}

func mapsKeys(m map[string]float64) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// CallUnits are the units [measure.CallMetrics] may report.
var CallUnits = []string{"tok/s", "ttft-ns", "first-ttft-ns", "e2e-ns", "itl-ns", "load-ns", "prefill-ns"}

// NumPredict is CHIMERA_NUM_PREDICT, read here for the whole suite; else
// 128 tokens for a synthetic model (its output is gibberish; a fixed length
// makes runs repeatable) and unset for a real one (it stops when it is
// done, as in the study).
func NumPredict(tb testing.TB, m ModelInfo) *int {
	tb.Helper()
	if s := os.Getenv("CHIMERA_NUM_PREDICT"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("CHIMERA_NUM_PREDICT=%q: want a positive integer", s)
		}
		return &n
	}
	if m.Synthetic {
		return measure.Ptr(128)
	}
	return nil
}

// corpusDigest is the provenance value of the corpus agents ingest.
func corpusDigest(tb testing.TB, dir string) string {
	tb.Helper()
	d, err := agent.Digest(dir)
	if err != nil {
		tb.Fatalf("harness: corpus: %v", err)
	}
	return d
}
