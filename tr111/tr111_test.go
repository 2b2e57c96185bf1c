package tr111

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/multiagent/multiagenttest"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// fakeModel is the fake's script for the hermetic runs (multiagenttest's
// tiny fixture): every metric the body reports is checked against it.
var fakeModel = multiagenttest.TinyModel()

const fakePredict = multiagenttest.TinyPredict

// withFake points the harness at a fake Ollama on a loopback socket
// through the same environment a user sets.
func withFake(t *testing.T) *ollamatest.Server {
	t.Helper()
	fake := ollamatest.Start(t, ollamatest.Options{Models: []ollamatest.Model{fakeModel}})
	t.Setenv("CHIMERA_OLLAMA_URLS", fake.URL)
	t.Setenv("CHIMERA_MODELS", fakeModel.Name)
	t.Setenv("CHIMERA_NUM_PREDICT", strconv.Itoa(fakePredict))
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	return fake
}

// fakes serve fakeModel inside the current synctest bubble, with the
// report's environment on them.
func fakes(t *testing.T) *multiagenttest.Fakes {
	t.Helper()
	return multiagenttest.New(t, multiagenttest.Tiny(reportedUnits))
}

// TestTR111BodyReportsTheFakesTruth runs benchmark bodies once against the
// fake inside a synctest bubble, where the fake's script is exact, and
// checks every reported metric against that script.
func TestTR111BodyReportsTheFakesTruth(t *testing.T) {
	configs := harness.AgentConfigs()
	for _, tc := range []struct {
		c     harness.AgentConfig
		start string
	}{
		{configs[0], "warm"},
		{configs[0], "cold"},
		{configs[1], "warm"},
		{configs[len(configs)-1], "cold"},
	} {
		t.Run(tc.c.Name()+"/start="+tc.start, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := fakes(t)
				res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), leaf{tc.c, tc.start}) })
				all := f.Prompted()
				if len(all) != 4 {
					t.Fatalf("%d prompted calls, want 4 (warm-up and one run, 2 calls each)", len(all))
				}
				calls := all[2:]
				want := multiagenttest.CallTruth(fakeModel, fakePredict, calls)
				switch {
				case tc.start == "cold" && (calls[0].Load != fakeModel.Load || calls[1].Load != 0):
					t.Errorf("cold run loaded for %v then %v, want %v then 0", calls[0].Load, calls[1].Load, fakeModel.Load)
				case tc.start == "warm" && calls[0].Load+calls[1].Load != 0:
					t.Errorf("warm run paid %v of load: the warm-up did not warm", calls[0].Load+calls[1].Load)
				}
				multiagenttest.AssertValues(t, want, res.Extra)
			})
		})
	}
}

// TestSetupFromTheEnvironment checks the path a user takes: servers and
// model named by the environment, provenance written as benchfmt config.
func TestSetupFromTheEnvironment(t *testing.T) {
	withFake(t)
	var out strings.Builder
	harness.BenchOnce(t, func(b *testing.B) {
		l := harness.LiveTo(b, Report.LiveConfig(), &out)
		if l.Model().Tag != fakeModel.Name || l.Base.NumPredict == nil || *l.Base.NumPredict != fakePredict {
			b.Errorf("live setup = %+v, want model %s and num_predict %d", l, fakeModel.Name, fakePredict)
		}
		for b.Loop() {
		}
	})
	for _, want := range []string{"ollama-source: urls\n", "ollama-version: " + ollamatest.DefaultVersion + "\n", "model: " + fakeModel.Name + "\n", "num-predict: " + strconv.Itoa(fakePredict) + "\n", "harness-commit: ", "corpus: sha256:", "Unit tok/s better=higher\n", "Unit startup-ns better=lower\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config lines lack %q:\n%s", want, out.String())
		}
	}
}

func TestTR111ProcessBodyMeasuresARealProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/chimera-agent")
	}
	fake := withFake(t)
	bin := buildAgent(t)
	res := harness.BenchOnce(t, func(b *testing.B) { benchProcess(b, bin, harness.LiveTo(b, Report.LiveConfig(), io.Discard)) })
	// The agent process made its two calls through the proxy to the fake.
	var prompted int
	for _, r := range fake.Requests() {
		if r.Path == "/api/generate" && r.Outcome == "done" {
			prompted++
		}
	}
	if prompted != 2 {
		t.Errorf("the agent process made %d calls, want 2", prompted)
	}
	// Issue 17: main had the agent write its calls to a temp dir that was
	// deleted, so CHIMERA_TRACE_DIR held none of them.
	var traced int
	files, err := filepath.Glob(filepath.Join(os.Getenv("CHIMERA_TRACE_DIR"), "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		recs, err := measure.ReadTrace(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Agent == "agent" && r.OK() {
				traced++
			}
		}
	}
	if traced != prompted {
		t.Errorf("CHIMERA_TRACE_DIR holds %d of the agent process's calls (files %q), want all %d", traced, files, prompted)
	}
	if s := res.Extra["startup-ns"]; !(s > 0 && s < float64(10*time.Second)) {
		t.Errorf("startup-ns = %v, want a positive time under 10 s", s)
	}
	if r := res.Extra["peak-rss-B"]; !(r > 1<<20 && r < 1<<30) {
		t.Errorf("peak-rss-B = %v, want between 1 MiB and 1 GiB", r)
	}
}

// A server that answers every call with a bare done line (no content, no
// counts, no durations) measured nothing but the calls' end-to-end time:
// the body must omit every other metric, never report it as 0, and count
// the calls that lacked each measurement.
func TestTR111BodyOmitsWhatABareAnswerLacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fakes(t)
		f.Servers[0].Inject("", ollamatest.Fault{Kind: ollamatest.FaultBare})
		res := harness.BenchOnce(t, func(b *testing.B) { Report.RunLeaf(b, f.Env(), leaf{harness.AgentConfigs()[0], "warm"}) })
		multiagenttest.AssertBare(t, res.Extra, 2) // both calls of the run
	})
}
