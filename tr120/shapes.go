package tr120

import (
	"fmt"
	"slices"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/onnxsynth"
)

// Prompts are the study's nine TR120 prompts in GPT-2 tokens: both of
// each set (micro, short, medium, long) and the stress prompt, 1 to 51
// tokens, eight distinct lengths. The study ran each 30 times per mode.
func Prompts() []onnx.Prompt {
	var ps []onnx.Prompt
	for _, set := range []string{"micro", "short", "medium", "long", "stress"} {
		ps = append(ps, onnx.StudyPrompts(set)...)
	}
	return ps
}

// A Shape is how a call's sequence length is chosen.
type Shape string

const (
	// Dynamic runs each prompt at its own length: eight input shapes.
	Dynamic Shape = "dynamic"
	// Bucketed right-pads each prompt to the next of Buckets (masked, as
	// the study padded): four input shapes, more tokens computed.
	Bucketed Shape = "bucketed"
)

// Shapes are both, dynamic first.
func Shapes() []Shape { return []Shape{Dynamic, Bucketed} }

// Buckets are the padded lengths of Bucketed: powers of two from the
// study's shortest padded length (8) to the stress prompt's 51 tokens.
var Buckets = []int{8, 16, 32, 64}

// Bucket is the smallest bucket that holds n tokens, or n beyond the
// largest.
func Bucket(n int) int {
	i := slices.IndexFunc(Buckets, func(b int) bool { return b >= n })
	if i < 0 {
		return n
	}
	return Buckets[i]
}

// Call is call k in shape sh: a prefill of prompt k mod 9, so that every
// nine calls run every prompt once.
func Call(k int, sh Shape) onnx.Batch {
	ps := Prompts()
	p := ps[k%len(ps)].Tokens
	b := onnx.Batch{Prompts: [][]int64{p}}
	if sh == Bucketed {
		b.Len = Bucket(len(p))
	}
	return b
}

// An Opt is ONNX Runtime's graph optimisation at session creation: the
// analogue of the study's torch.compile against eager.
type Opt string

const (
	// OptAll is ONNX Runtime's default: every graph optimisation
	// (fusions, constant folding, layout), done when the session is made.
	OptAll Opt = "all"
	// OptNone runs the graph as written.
	OptNone Opt = "none"
)

// Opts are both, the default first.
func Opts() []Opt { return []Opt{OptAll, OptNone} }

// Session is the session config for o with threads intra-op threads (0:
// ONNX Runtime's default) on the CPU.
func (o Opt) Session(threads int) onnx.SessionConfig {
	return onnx.SessionConfig{Provider: onnx.CPU, IntraOpThreads: threads, NoGraphOptimization: o == OptNone}
}

// A Start says whether a call is a session's first.
type Start string

const (
	// Cold: every call on a new session, whose creation is timed apart
	// (build-ns): the first call of a process, or after a model reload.
	Cold Start = "cold"
	// Warm: calls on one session after a warm-up pass over every prompt,
	// as in steady state.
	Warm Start = "warm"
)

// Starts are both, cold first.
func Starts() []Start { return []Start{Cold, Warm} }

// A Leaf is one sub-benchmark: a model with one setting of each factor.
type Leaf struct {
	Model onnxsynth.Spec
	Opt   Opt
	Shape Shape
	Start Start
}

// Name is the sub-benchmark's name.
func (l Leaf) Name() string {
	return fmt.Sprintf("model=%s/opt=%s/shape=%s/start=%s", l.Model.Name, l.Opt, l.Shape, l.Start)
}

// Leaves are every combination for each model, model by model.
func Leaves(models []onnxsynth.Spec) []Leaf {
	var ls []Leaf
	for _, m := range models {
		for _, o := range Opts() {
			for _, sh := range Shapes() {
				for _, st := range Starts() {
					ls = append(ls, Leaf{m, o, sh, st})
				}
			}
		}
	}
	return ls
}

// DefaultModels are the study's TR120 model, tiny-gpt2, where a call is
// launch overhead, and gpt2-5m, where it is compute; set
// CHIMERA_ONNX_MODELS (onnx.EnvModels) for others.
var DefaultModels = []string{"tiny-gpt2", "gpt2-5m"}
