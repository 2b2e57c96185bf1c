package harness

import (
	"fmt"
	"strconv"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// An AgentConfig is one agent configuration of the study's single-agent
// sweeps: TR109 (the Python agent) and TR111_v2 (the Rust agent) ran the
// same 19. Both reports' packages take them from here, so that the two
// sweeps cannot drift apart.
type AgentConfig struct {
	Agent       string // "baseline" (sends no options) or "chimera"
	NumGPU      int
	NumCtx      int
	Temperature float64
}

// AgentConfigs returns the study's 19 configurations: the baseline agent,
// then num_gpu {60,80,120} × num_ctx {256,512,1024} × temperature {0.6,0.8}.
func AgentConfigs() []AgentConfig {
	cs := []AgentConfig{{Agent: "baseline"}}
	for _, gpu := range []int{60, 80, 120} {
		for _, ctx := range []int{256, 512, 1024} {
			for _, temp := range []float64{0.6, 0.8} {
				cs = append(cs, AgentConfig{Agent: "chimera", NumGPU: gpu, NumCtx: ctx, Temperature: temp})
			}
		}
	}
	return cs
}

// Name is the config's sub-benchmark name, in key=value segments so that
// benchstat can pivot on any of them (-col /num_ctx).
func (c AgentConfig) Name() string {
	if c.Agent == "baseline" {
		return "agent=baseline"
	}
	return fmt.Sprintf("agent=chimera/num_gpu=%d/num_ctx=%d/temp=%s", c.NumGPU, c.NumCtx, strconv.FormatFloat(c.Temperature, 'f', -1, 64))
}

// Options returns the request options of this config on top of base (the
// per-instance settings such as num_thread and num_predict). The baseline
// agent adds nothing: the server's defaults apply, as in the study.
func (c AgentConfig) Options(base measure.Options) measure.Options {
	o := base
	if c.Agent == "baseline" {
		return o
	}
	o.NumGPU = measure.Ptr(c.NumGPU)
	o.NumCtx = measure.Ptr(c.NumCtx)
	o.Temperature = measure.Ptr(c.Temperature)
	return o
}
