package multiagent

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// Dir spells each scenario's configuration as the study's directories
// and the converted baselines do.
func TestDirIsTheStudysSpelling(t *testing.T) {
	c := func(gpu, ctx int, temp float64) Config { return Config{NumGPU: gpu, NumCtx: ctx, Temperature: temp} }
	for _, tc := range []struct {
		name string
		test Test
		temp bool
		want string
	}{
		{"baseline_vs_chimera names the chimera agent B", Test{Scenario: BaselineVsChimera, B: c(80, 512, 1)}, false, "gpu80_ctx512"},
		{"chimera_homo names the shared config", Test{Scenario: ChimeraHomo, A: c(100, 512, 1), B: c(100, 512, 1)}, false, "gpu100_ctx512"},
		{"chimera_hetero joins A and B per option", Test{Scenario: ChimeraHetero, A: c(80, 512, 1), B: c(100, 1024, 1)}, false, "gpu80-100_ctx512-1024"},
		{"TR110 spells the temperature", Test{Scenario: BaselineVsChimera, B: c(60, 512, 0.8)}, true, "gpu60_ctx512_temp0.8"},
		{"TR110 hetero joins even equal options", Test{Scenario: ChimeraHetero, A: c(80, 512, 0.8), B: c(80, 1024, 0.6)}, true, "gpu80-80_ctx512-1024_temp0.8-0.6"},
		{"a whole temperature keeps one decimal", Test{Scenario: ChimeraHomo, A: c(80, 2048, 1), B: c(80, 2048, 1)}, true, "gpu80_ctx2048_temp1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.test.Dir(tc.temp); got != tc.want {
				t.Errorf("Dir(%v) = %q, want %q", tc.temp, got, tc.want)
			}
		})
	}
}

// Agents names A and B as the study did, gives each its options on top of
// the base ones (none of its own for a baseline agent), and spreads them
// over the endpoints.
func TestAgentsOfATest(t *testing.T) {
	base := measure.Options{NumThread: measure.Ptr(1), NumPredict: measure.Ptr(64)}
	test := Test{Scenario: BaselineVsChimera, B: Config{NumGPU: 80, NumCtx: 512, Temperature: 1}}
	u0, _ := url.Parse("http://a")
	u1, _ := url.Parse("http://b")
	ends := []Endpoint{{URL: "http://a", Client: measure.NewClient(u0, nil)}, {URL: "http://b", Client: measure.NewClient(u1, nil)}}
	for _, tc := range []struct {
		name string
		ends []Endpoint
		urls []string
	}{
		{"one endpoint each", ends, []string{"http://a", "http://b"}},
		{"both on one endpoint", ends[:1], []string{"http://a", "http://a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := test.Agents(agent.Agent{Model: "m", Config: "cfg"}, base, tc.ends)
			type got struct {
				Name, URL, Model, Config string
				Options                  map[string]any
			}
			var gots []got
			for _, a := range as {
				gots = append(gots, got{a.Name, a.URL, a.Model, a.Config, a.Options.Map()})
			}
			want := []got{
				{"collector", tc.urls[0], "m", "cfg", map[string]any{"num_thread": 1, "num_predict": 64}},
				{"insight", tc.urls[1], "m", "cfg", map[string]any{"num_thread": 1, "num_predict": 64, "num_gpu": 80, "num_ctx": 512, "temperature": 1.0}},
			}
			if diff := cmp.Diff(want, gots); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if as[0].Client != tc.ends[0].Client || as[1].Client != tc.ends[1%len(tc.ends)].Client {
				t.Errorf("agents do not talk through their endpoints' clients")
			}
		})
	}
}

var perInstance = measure.Options{NumThread: measure.Ptr(1), NumPredict: measure.Ptr(128)}

// A baseline agent sends only the per-instance options; a chimera agent
// adds its three.
func TestConfigOptions(t *testing.T) {
	base := Config{}.Options(perInstance)
	if got := base.Map(); len(got) != 2 {
		t.Errorf("baseline agent sends %v, want num_thread and num_predict only", got)
	}
	got := Config{NumGPU: 120, NumCtx: 512, Temperature: 0.8}.Options(perInstance).Map()
	want := map[string]any{"num_gpu": 120, "num_ctx": 512, "temperature": 0.8, "num_thread": 1, "num_predict": 128}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
