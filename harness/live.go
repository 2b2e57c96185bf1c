package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/gpu"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/envvar"
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
	// Sampler measures the hardware during timed regions; nil picks the
	// machine's (gpu.Default: NVML, else RAPL, else none, and a config line
	// says why; CHIMERA_SAMPLER forces one).
	Sampler Sampler
	// Arms are further server setups the benchmark compares with the first
	// (tr114: two instances, and one instance with OLLAMA_NUM_PARALLEL=2).
	// Each is started, or connected to, with the same models; see [Arm].
	Arms []ServerConfig
	// OpenAI says the benchmark measures only through Instance.Client and
	// the agents, so that it runs on OpenAI-compatible servers
	// (CHIMERA_OPENAI_URLS); without it, it skips there with the reason.
	// Its configurations that need what the protocol lacks skip on their
	// own ([Live.Unsupported]).
	OpenAI bool
	// Roofline measures the CPU's memory bandwidth once ([MemBandwidth])
	// and prints it as a config line, so that [Live.RooflinePct] can say
	// what share of it a run's decoding used; with a GPU sampler, the GPU's
	// peak bandwidth from NVML (its own config line) instead.
	Roofline bool
}

// An Arm is one further server setup of a [LiveConfig]. Live is nil when
// the servers at hand cannot provide it, and Unavailable says why (and the
// way out), for the arm's sub-benchmarks to skip with.
type Arm struct {
	Config      ServerConfig
	Live        *Live
	Unavailable string
}

// A Sampler measures the hardware while a benchmark runs: GPU power and
// energy, utilisation, memory, or CPU package energy. harness/gpu provides
// them; the live setup only brackets regions with one.
type Sampler = gpu.Sampler

// A Region is one timed region of a [Sampler]: Stop(tokens) returns W,
// J/tok, gpu-util-% and gpu-mem-B, each only when measured.
type Region = gpu.Region

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
	// Bandwidth is the memory bandwidth decoding shares, in bytes per
	// second (LiveConfig.Roofline); 0 when not measured.
	Bandwidth float64
	// Arms are the setups of LiveConfig.Arms, in order. Each arm's Live
	// shares this one's models, trace, corpus, sampler, units and bandwidth,
	// and has its own instances and num_thread.
	Arms []Arm
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
	// The sampler's units are declared for every benchmark: a timed
	// region's metrics go through Report like the benchmark's own.
	declared := slices.Clone(cfg.Units)
	for _, u := range gpu.Units() {
		if !slices.Contains(declared, u) {
			declared = append(declared, u)
		}
	}
	unitLines, err := units.Lines(false, declared...)
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	ins := Servers(tb, ServerConfig{Instances: cfg.Instances, NumParallel: cfg.NumParallel, OpenAI: cfg.OpenAI})
	models := Models(tb, ins)
	if !cfg.AllModels {
		models = models[:1]
	}
	sampler := cfg.Sampler
	if sampler == nil {
		sampler = defaultSampler(tb)
	}
	l := &Live{Instances: ins, Models: models, Trace: NewTrace(tb), Corpus: CorpusDir(tb), Sampler: sampler, Units: declared}
	if nt := ins[0].NumThread; nt > 0 {
		l.Base.NumThread = measure.Ptr(nt)
	}
	l.Base.NumPredict = NumPredict(tb, models[0])
	lines := Provenance(tb, ins, models, l.Base)
	if ins[0].OpenAI != nil {
		lines = append(lines, openaiProbe(tb, l)...)
	}
	if len(cfg.Arms) > 0 {
		arms := slices.Clone(cfg.Arms)
		for i := range arms {
			arms[i].OpenAI = cfg.OpenAI
		}
		l.Arms = startArms(tb, l, arms)
		lines = setupLines(lines, l)
	}
	lines = append(lines, "corpus: "+corpusDigest(tb, l.Corpus))
	lines = append(lines, l.Sampler.Config()...)
	if cfg.Roofline {
		bw, ok := 0.0, false
		if g, isGPU := l.Sampler.(interface{ Bandwidth() (float64, bool) }); isGPU {
			bw, ok = g.Bandwidth()
		}
		if ok {
			l.Bandwidth = bw // the sampler's config lines state it
		} else {
			l.Bandwidth = MemBandwidth()
			lines = append(lines, BandwidthConfigLine(l.Bandwidth))
		}
		for _, a := range l.Arms {
			if a.Live != nil {
				a.Live.Bandwidth = l.Bandwidth
			}
		}
	}
	PrintConfig(stdout, lines)
	for _, u := range unitLines {
		fmt.Fprintln(stdout, u)
	}
	return l
}

// startArms starts (or connects to) the servers of each arm and creates
// l's models on them.
func startArms(tb testing.TB, l *Live, cfgs []ServerConfig) []Arm {
	tb.Helper()
	src := RequireOllama(tb)
	arms := make([]Arm, len(cfgs))
	for i, cfg := range cfgs {
		arms[i].Config = cfg
		if why := armUnavailable(src, cfg); why != "" {
			arms[i].Unavailable = why
			continue
		}
		ins := Servers(tb, cfg)
		a := *l
		a.Instances, a.Models, a.Arms = ins, Models(tb, ins)[:len(l.Models)], nil
		a.Base.NumThread = nil
		if nt := ins[0].NumThread; nt > 0 {
			a.Base.NumThread = measure.Ptr(nt)
		}
		arms[i].Live = &a
	}
	return arms
}

// armUnavailable says why servers from src cannot provide cfg, or "".
// Servers the harness did not start keep their own OLLAMA_NUM_PARALLEL,
// so an arm that sets it needs started servers.
func armUnavailable(src ServerSource, cfg ServerConfig) string {
	if src.Kind == SourceOpenAI {
		return openaiArmUnavailable(src, cfg)
	}
	if src.Kind != SourceURLs {
		return ""
	}
	n := max(cfg.Instances, 1)
	if cfg.NumParallel > 1 {
		return fmt.Sprintf("harness: OLLAMA_NUM_PARALLEL=%d needs servers the harness starts, and the CHIMERA_OLLAMA_URLS servers keep their own setting; unset CHIMERA_OLLAMA_URLS to let the harness start its own", cfg.NumParallel)
	}
	if len(src.URLs) < n {
		return fmt.Sprintf("harness: %d instances are needed and CHIMERA_OLLAMA_URLS lists %d (%s); list %d URLs, or unset it to let the harness start its own servers",
			n, len(src.URLs), redactedURLs(src.URLs), n)
	}
	return ""
}

// setupLines replaces the single-setup config lines (instances,
// num-parallel, num-thread) with one "setups" line naming every setup that
// runs, first the Live's own then its arms', as their sub-benchmarks name
// them: one set of config lines for all of them keeps benchstat's tables
// whole, so that -col /instances compares them.
func setupLines(lines []string, l *Live) []string {
	var kept []string
	for _, line := range lines {
		k, _, _ := strings.Cut(line, ": ")
		if k != "instances" && k != "num-parallel" && k != "num-thread" {
			kept = append(kept, line)
		}
	}
	setups := []string{setupName(l)}
	for _, a := range l.Arms {
		if a.Live != nil {
			setups = append(setups, setupName(a.Live))
		}
	}
	return append(kept, "setups: "+strings.Join(setups, ", "))
}

// setupName is "instances=2/parallel=1/num-thread=1"; "server" stands for a
// setting an external server keeps.
func setupName(l *Live) string {
	par, nt := "server", "server"
	if np := l.Instances[0].NumParallel; np > 0 {
		par = strconv.Itoa(np)
	}
	if l.Base.NumThread != nil {
		nt = strconv.Itoa(*l.Base.NumThread)
	}
	return fmt.Sprintf("instances=%d/parallel=%s/num-thread=%s", len(l.Instances), par, nt)
}

// RooflinePct is the share of the measured bandwidth that decoding
// tokPerSec tokens per second of the model uses ([RooflinePct]); false
// when the bandwidth was not measured or the model's bytes per token are
// not known ([BytesPerToken]).
func (l *Live) RooflinePct(tokPerSec float64) (float64, bool) {
	bpt, ok := BytesPerToken(l.Model())
	if !ok || l.Bandwidth <= 0 {
		return 0, false
	}
	return RooflinePct(tokPerSec, bpt, l.Bandwidth), true
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

// defaultSampler is gpu.Default's choice for this machine, closed when the
// test ends. Opening it measures idle power for a second.
func defaultSampler(tb testing.TB) Sampler {
	tb.Helper()
	s, err := gpu.Default(tb.Context(), gpu.Options{})
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	if c, ok := s.(io.Closer); ok {
		tb.Cleanup(func() { c.Close() })
	}
	return s
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
var CallUnits = []string{"tok/s", "ttft-ns", "first-ttft-ns", "e2e-ns", "itl-ns", "load-ns", "prefill-ns",
	"study-ttft-ns", "prompt-tok", "no-ttft-calls", "no-load-calls", "no-prefill-calls", "invalid-calls",
	"stream-tok/s", "failed-calls", "reasoning-ttft-ns", "reasoning-tok"}

// MaxNumPredict bounds CHIMERA_NUM_PREDICT: 128 Ki tokens. A call cannot
// generate more than its model's context window holds, and 128 Ki is the
// window of the largest models the suite names (gemma3, llama3.1).
const MaxNumPredict = 128 << 10

// NumPredict is CHIMERA_NUM_PREDICT (1 to [MaxNumPredict]), read here for
// the whole suite; else 128 tokens for a synthetic model (its output is
// gibberish; a fixed length makes runs repeatable) and unset for a real
// one (it stops when it is done, as in the study).
func NumPredict(tb testing.TB, m ModelInfo) *int {
	tb.Helper()
	n, ok, err := envvar.Int(os.Getenv, "CHIMERA_NUM_PREDICT", 1, MaxNumPredict)
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	if ok {
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
