package tr108

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
)

// BenchmarkTR108 reproduces TR108, the single-inference sweep: for every
// model, the study's baseline options, then num_gpu × num_ctx ×
// temperature, warm. One iteration is one request on the next of the
// study's five banter prompts; ns/op is its wall time.
func BenchmarkTR108(b *testing.B) { harness.Run(b, Report) }
