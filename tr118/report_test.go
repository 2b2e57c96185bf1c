package tr118

import (
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR118 reproduces TR118's ONNX Runtime runs on synthetic GPT-2
// decoders: every provider the library has × model × the study's six
// scenarios × prefill and decode, as
// provider=…/model=…/scenario=…/mode=…. One iteration is one call.
func BenchmarkTR118(b *testing.B) { harness.Run(b, Report) }

// TestReport checks the declared report: the baseline against its
// converter, the fragment and charts against their goldens, and every
// TR118_v2.2 row of PUBLISHED.md (#190–#222): the throughputs, ratios,
// crossover fit and perplexities follow; the two engine build times
// (#219, #220) do not: the runs' own metadata give what the data pack
// recomputed.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// Every result of the baseline has the name keys the fragment selects on.
func TestBaselineNames(t *testing.T) {
	s := reporttest.Input(t, Report.Spec).Study["tr118"]
	for _, r := range s.Results {
		k := golden.Keys(r.Name)
		if k["model"] == "" || k["params"] == "" {
			t.Fatalf("%s: no model or params", r.Name)
		}
	}
	if n := len(s.KeyValues("model", "mode=prefill", "backend="+ortCPU)); n != 9 {
		t.Errorf("%d models with ONNX-CPU prefill, want the crossover's 9", n)
	}
}
