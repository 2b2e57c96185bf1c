package multiagenttest

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// What the multi-agent reports' tests share: a test of their matrix by
// id, the study's matrix read from the data pack, the truth of a body run
// on independent fakes, and the checks of a body run on bare answers.

// ByID is the test of tests whose ID is id, failing t if there is none.
func ByID(t testing.TB, tests []multiagent.Test, id string) multiagent.Test {
	t.Helper()
	for _, tc := range tests {
		if tc.ID == id {
			return tc
		}
	}
	t.Fatalf("no test %s", id)
	return multiagent.Test{}
}

// A StudyRun is one row of a multi-agent study's runs CSV: the test it ran
// and every column by name.
type StudyRun struct {
	// Test is the row's test_id (where the CSV has one), scenario and
	// each agent's num_gpu, num_ctx and temperature; an agent whose three
	// are empty sent no options (the baseline agent).
	Test multiagent.Test
	Col  map[string]string
}

// StudyRuns reads file of the data pack ("tr114/runs.csv"), failing t
// where the pack is absent (studydatatest.Require) or an option does not
// parse.
func StudyRuns(t testing.TB, file string) []StudyRun {
	t.Helper()
	f, err := os.Open(filepath.Join(studydatatest.Require(t), filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no header", file)
	}
	var runs []StudyRun
	for i, row := range rows[1:] {
		col := map[string]string{}
		for j, name := range rows[0] {
			col[name] = row[j]
		}
		config := func(agent string) multiagent.Config {
			gpu, ctx, temp := col[agent+"_num_gpu"], col[agent+"_num_ctx"], col[agent+"_temperature"]
			if gpu == "" && ctx == "" && temp == "" {
				return multiagent.Config{} // the baseline agent sent no options
			}
			var c multiagent.Config
			var errs [3]error
			c.NumGPU, errs[0] = strconv.Atoi(gpu)
			c.NumCtx, errs[1] = strconv.Atoi(ctx)
			c.Temperature, errs[2] = strconv.ParseFloat(temp, 64)
			for _, err := range errs {
				if err != nil {
					t.Fatalf("%s row %d, agent %s: %v", file, i+2, agent, err)
				}
			}
			return c
		}
		runs = append(runs, StudyRun{
			Test: multiagent.Test{ID: col["test_id"], Scenario: col["scenario"], A: config("a"), B: config("b")},
			Col:  col,
		})
	}
	return runs
}

// StudyTests are the distinct tests of runs, one per key, in the order of
// their first run, failing t where two runs of one key ran different
// tests.
func StudyTests(t testing.TB, runs []StudyRun, key func(StudyRun) string) []multiagent.Test {
	t.Helper()
	var tests []multiagent.Test
	seen := map[string]multiagent.Test{}
	for _, r := range runs {
		k := key(r)
		if prev, ok := seen[k]; ok {
			if prev != r.Test {
				t.Errorf("%s: runs disagree: %+v and %+v", k, prev, r.Test)
			}
			continue
		}
		seen[k] = r.Test
		tests = append(tests, r.Test)
	}
	return tests
}

// Apart is what a multi-agent body reports after its warm-up sample and
// one measured sample of a test's two agents, each on a fake of its own
// serving model m (the Live's, in f), so that neither ever waits: every
// runner stays loaded after the warm-up and each agent's workflow (the
// analysis call of p1 prompt tokens, then the report call of p2) takes
// the same time d alone as together. The corrected speedup is exactly 2,
// the legacy efficiency 100 %, wall-ns, a-ns and b-ns are d, and
// roofline-% is there where the Live knows the bandwidth and the model's
// parameters. It fails t unless the fakes served exactly those 16 calls,
// each to m with p1 or p2 prompt tokens.
func (f *Fakes) Apart(t testing.TB, m ollamatest.Model) map[string]float64 {
	t.Helper()
	calls := f.Prompted()
	if len(calls) != 16 {
		t.Fatalf("%d prompted calls, want 16 (warm-up and one sample, 8 calls each)", len(calls))
	}
	p1, p2 := time.Duration(calls[0].PromptTokens), time.Duration(calls[1].PromptTokens)
	for _, c := range calls {
		if c.Model != m.Name {
			t.Fatalf("a call to %s, want %s", c.Model, m.Name)
		}
		if pt := time.Duration(c.PromptTokens); pt != p1 && pt != p2 {
			t.Fatalf("a call with %d prompt tokens; want only %d (analysis) and %d (report)", pt, p1, p2)
		}
	}
	predict := 0
	if f.Live.Base.NumPredict != nil {
		predict = *f.Live.Base.NumPredict
	}
	ppt, decode := m.PrefillPerToken, time.Duration(predict)*m.InterToken
	d := p1*ppt + decode + p2*ppt + decode // one workflow, alone or together
	agg := float64(4*predict) / d.Seconds()
	want := map[string]float64{
		"eff-%":            100,
		"legacy-speedup-x": 2,
		"contention-%":     0,
		"balance-%":        100,
		"overhead-ns":      0,
		"wall-ns":          float64(d),
		"a-ns":             float64(d),
		"b-ns":             float64(d),
		"speedup-x":        2,
		"true-eff-%":       100,
		"agg-tok/s":        agg,
		"tok/s":            float64(time.Second / m.InterToken),
		"invalid-calls":    0, // no call lied
		"ttft-ns":          float64((p1 + p2) * ppt / 2),
		"load-ns":          0,
	}
	for _, mi := range f.Live.Models {
		if mi.Tag == m.Name && mi.Params > 0 && f.Live.Bandwidth > 0 {
			want["roofline-%"] = agg * 2 * float64(mi.Params) / f.Live.Bandwidth * 100
		}
	}
	return want
}

// AssertOmitted fails t for every value that is NaN or infinite and for
// each of units that values holds: a body on bare answers measured none of
// them and must omit them, never report 0.
func AssertOmitted(t testing.TB, values map[string]float64, units ...string) {
	t.Helper()
	for unit, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v reported", unit, v)
		}
	}
	for _, unit := range units {
		if v, ok := values[unit]; ok {
			t.Errorf("%s = %v reported; nothing measured it", unit, v)
		}
	}
}
