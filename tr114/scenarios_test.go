package tr114

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/multiagent"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// TestTestsAreTheStudysMatrix checks the test table against the options
// the study's runs.csv records for each agent of each test.
func TestTestsAreTheStudysMatrix(t *testing.T) {
	f, err := os.Open(filepath.Join(studydatatest.Require(t), "tr114", "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	config := func(row []string, agent string) multiagent.Config {
		gpu, ctx, temp := row[col[agent+"_num_gpu"]], row[col[agent+"_num_ctx"]], row[col[agent+"_temperature"]]
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
				t.Fatalf("%s agent %s: %v", row[col["test_id"]], agent, err)
			}
		}
		return c
	}
	var want []multiagent.Test
	seen := map[string]multiagent.Test{}
	for _, row := range rows[1:] {
		tc := multiagent.Test{ID: row[col["test_id"]], Scenario: row[col["scenario"]], A: config(row, "a"), B: config(row, "b")}
		if prev, ok := seen[tc.ID]; ok {
			if prev != tc {
				t.Errorf("%s: runs disagree: %+v and %+v", tc.ID, prev, tc)
			}
			continue
		}
		seen[tc.ID] = tc
		want = append(want, tc)
	}
	if diff := cmp.Diff(want, Tests()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
