package tr108

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// A Config is one set of request options of the TR108 sweep.
type Config struct {
	NumGPU      int
	NumCtx      int
	Temperature float64
}

// Baseline is the study's baseline-phase options (TR108 §2): every model's
// five banter prompts and the llama3.1 quantisation runs used them.
var Baseline = Config{NumGPU: 999, NumCtx: 2048, Temperature: 0.3}

// Configs returns the sweep: Baseline, then the study's tuning grid
// num_gpu {999, 80, 60, 40} × num_ctx {1024, 2048, 4096} × temperature
// {0.2, 0.4, 0.8} in the study's order. Changing num_gpu or num_ctx
// reloads the model; temperature does not.
func Configs() []Config {
	cs := []Config{Baseline}
	for _, gpu := range []int{999, 80, 60, 40} {
		for _, ctx := range []int{1024, 2048, 4096} {
			for _, temp := range []float64{0.2, 0.4, 0.8} {
				cs = append(cs, Config{NumGPU: gpu, NumCtx: ctx, Temperature: temp})
			}
		}
	}
	return cs
}

// Name is the config's part of a sub-benchmark name, in key=value
// segments: "num_gpu=999/num_ctx=2048/temp=0.3".
func (c Config) Name() string {
	return fmt.Sprintf("num_gpu=%d/num_ctx=%d/temp=%s", c.NumGPU, c.NumCtx, strconv.FormatFloat(c.Temperature, 'f', -1, 64))
}

// Options returns the request options of this config on top of base (the
// per-instance settings such as num_thread and num_predict).
func (c Config) Options(base measure.Options) measure.Options {
	o := base
	o.NumGPU = measure.Ptr(c.NumGPU)
	o.NumCtx = measure.Ptr(c.NumCtx)
	o.Temperature = measure.Ptr(c.Temperature)
	return o
}

// banterPrompts is the study's resources/prompts/banter_prompts.txt, as the
// data pack keeps it (a source comment, then prompt i on line i).
//
//go:embed testdata/banter_prompts.txt
var banterPrompts string

// Prompts returns the study's five short banter prompts, prompt_index 1
// first.
func Prompts() []string {
	var ps []string
	for _, l := range strings.Split(strings.TrimSpace(banterPrompts), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			ps = append(ps, l)
		}
	}
	return ps
}
