package tr117

import (
	"os"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/golden/report/reporttest"
	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

func TestMain(m *testing.M) { os.Exit(onnxtest.Main(m)) }

// BenchmarkTR117 is the study's cross-backend matrix on what Go can run
// (Report): backend=…/size=…/scenario=…. One iteration is one call.
func BenchmarkTR117(b *testing.B) { harness.Run(b, Report) }

// BenchmarkTR117Agents is N agents streaming at once from one Ollama
// instance with N slots, while a goroutine sleeps and records its
// oversleep (Agents): agents=N/op=run.
func BenchmarkTR117Agents(b *testing.B) { harness.Run(b, Agents) }

// TestReport checks the declared report: the baselines against their
// converters, the fragment (the baselines and testdata/ours.bench) and
// charts against their goldens, and every TR117 and TR117_multi_agent
// row of PUBLISHED.md that has data (#175–#177, #179–#189; #178 has
// none): the tier-3 means and maximum, the loop lag's mean, p99 and
// maximum, the chunk count and gap p99 and the efficiencies follow; the
// "under load" p99 (#182), the mean gap (#184), the §5 throttled
// efficiency (#188) and the loop lag as the cause of the ceiling (#189) do
// not, each as the data pack recomputed it.
func TestReport(t *testing.T) { reporttest.Check(t, Report.Spec) }

// TestTwentyPythonPairs checks that the baseline holds the study's 20
// instrumented Python pairs, which #186–#189 pool.
func TestTwentyPythonPairs(t *testing.T) {
	base := reporttest.Input(t, Report.Spec).Study["tr117"]
	if n := len(report.StudyRuns(base, "TR117Agents", "lang=python")); n != 20 {
		t.Errorf("%d Python pairs, want 20", n)
	}
}
