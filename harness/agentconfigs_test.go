package harness

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

func TestAgentConfigsAreTheStudysSweep(t *testing.T) {
	cs := AgentConfigs()
	if len(cs) != 19 {
		t.Fatalf("%d configs, want 19 (baseline + 3×3×2)", len(cs))
	}
	names := map[string]bool{}
	for _, c := range cs {
		if names[c.Name()] {
			t.Errorf("duplicate name %s", c.Name())
		}
		names[c.Name()] = true
	}
	for _, want := range []string{"agent=baseline", "agent=chimera/num_gpu=60/num_ctx=256/temp=0.6", "agent=chimera/num_gpu=120/num_ctx=1024/temp=0.8"} {
		if !names[want] {
			t.Errorf("no config named %s", want)
		}
	}
	if m := cs[0].Options(measure.Options{}).Map(); m != nil {
		t.Errorf("baseline agent sends options %v, want none (server defaults)", m)
	}
	base := measure.Options{NumPredict: measure.Ptr(7)}
	got := cs[1].Options(base).Map()
	if len(got) != 4 || got["num_gpu"] != 60 || got["num_ctx"] != 256 || got["temperature"] != 0.6 || got["num_predict"] != 7 {
		t.Errorf("first chimera config sends %v, want num_gpu 60, num_ctx 256, temperature 0.6 on top of num_predict 7", got)
	}
}
