package tr120

import (
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR120 is TR120's shape-stability study on ONNX Runtime's CPU
// provider: per model, graph optimisation on or off × dynamic or bucketed
// sequence lengths × cold or warm calls, as
// model=…/opt=…/shape=…/start=…. One iteration is one prefill call of the
// next of the study's nine prompts.
func BenchmarkTR120(b *testing.B) { harness.Run(b, Report) }

// TestReport checks the declared report: the baseline against its
// converter, the fragment (the baseline and testdata/cpu.bench) and
// charts against their goldens, and every TR120 row of PUBLISHED.md
// (#244–#275): all follow from the data.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }
