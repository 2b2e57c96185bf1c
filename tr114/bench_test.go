package tr114

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness"
)

// BenchmarkTR114 reproduces TR114_v2 and answers its question: every test
// of the study's matrix, in each setup of Setups(), as
// scenario=…/test=…/instances=…/parallel=….
func BenchmarkTR114(b *testing.B) { harness.Run(b, Report) }
