package harness

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

func TestRoofline(t *testing.T) {
	synthetic := ModelInfo{Tag: "chimera-synth/llama3.1-tiny:x", Params: 5_000_000, Synthetic: true}
	bpt, ok := BytesPerToken(synthetic)
	if !ok || bpt != 10_000_000 {
		t.Errorf("BytesPerToken(synthetic 5M) = %v, %v; want 1e7 bytes (F16), true", bpt, ok)
	}
	if _, ok := BytesPerToken(ModelInfo{Tag: "gemma3:latest", Params: 4_300_000_000}); ok {
		t.Error("BytesPerToken of a real model: known, want unknown (its quantisation is not)")
	}
	// 1,000 tok/s × 10 MB per token = 10 GB/s: half of 20 GB/s.
	if got := RooflinePct(1000, bpt, 20e9); got != 50 {
		t.Errorf("RooflinePct = %v, want 50", got)
	}
	l := &Live{Models: []ModelInfo{synthetic}}
	if _, ok := l.RooflinePct(1000); ok {
		t.Error("Live.RooflinePct with no bandwidth measured: ok, want none")
	}
	l.Bandwidth = 20e9
	if got, ok := l.RooflinePct(1000); !ok || got != 50 {
		t.Errorf("Live.RooflinePct = %v, %v; want 50, true", got, ok)
	}
}

// A small copy measures something plausible, and the config line that
// records it reads back as benchfmt config.
func TestBandwidthMeasuredAndRecorded(t *testing.T) {
	bw := measureBandwidth(8<<20, 2)
	if !(bw > 1e8 && bw < 1e13) {
		t.Errorf("bandwidth of an 8 MiB copy = %v B/s, want between 0.1 GB/s and 10 TB/s", bw)
	}
	line := BandwidthConfigLine(12.34e9)
	if line != "mem-bandwidth: 12.3 GB/s" {
		t.Errorf("config line %q", line)
	}
	r := benchfmt.NewReader(strings.NewReader(line+"\nBenchmarkX 1 2 ns/op\n"), "x")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			if got := res.GetConfig("mem-bandwidth"); got != "12.3 GB/s" {
				t.Errorf("benchfmt reads mem-bandwidth %q, want 12.3 GB/s", got)
			}
		}
	}
}

func TestArmUnavailable(t *testing.T) {
	urls2 := ServerSource{Kind: SourceURLs, URLs: []string{"http://a:1", "http://b:2"}}
	urls1 := ServerSource{Kind: SourceURLs, URLs: []string{"http://a:1"}}
	started := ServerSource{Kind: SourceEmbedded, Bin: "/x/ollama"}
	for _, tc := range []struct {
		name string
		src  ServerSource
		cfg  ServerConfig
		want string // substring of the reason; "" = available
	}{
		{"started servers provide any arm", started, ServerConfig{Instances: 2, NumParallel: 2}, ""},
		{"two URLs provide two instances", urls2, ServerConfig{Instances: 2}, ""},
		{"one URL cannot be two instances", urls1, ServerConfig{Instances: 2}, "CHIMERA_OLLAMA_URLS lists 1"},
		{"URLs keep their own NUM_PARALLEL", urls2, ServerConfig{NumParallel: 2}, "OLLAMA_NUM_PARALLEL=2 needs servers the harness starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := armUnavailable(tc.src, tc.cfg)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("armUnavailable = %q, want %q", got, tc.want)
			}
		})
	}
}

// With arms, one "setups" line names every setup that runs, in place of
// the single-setup lines, so that every sub-benchmark shares one config.
func TestSetupLines(t *testing.T) {
	one := func(np int) *Instance { return &Instance{NumParallel: np} }
	l := &Live{Instances: []*Instance{one(1)}, Base: measure.Options{NumThread: measure.Ptr(1)}}
	l.Arms = []Arm{
		{Live: &Live{Instances: []*Instance{one(1), one(1)}, Base: measure.Options{NumThread: measure.Ptr(1)}}},
		{Unavailable: "no"},
		{Live: &Live{Instances: []*Instance{{}}}}, // an external server
	}
	got := setupLines([]string{"ollama-source: embedded", "instances: 1", "num-parallel: 1", "model: m", "num-thread: 1"}, l)
	want := []string{"ollama-source: embedded", "model: m",
		"setups: instances=1/parallel=1/num-thread=1, instances=2/parallel=1/num-thread=1, instances=1/parallel=server/num-thread=server"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
