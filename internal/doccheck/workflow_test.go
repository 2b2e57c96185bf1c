package doccheck

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// TestWorkflowBenchmarksExist checks the pull-request workflow's
// BENCHMARKS block as the docs' commands are checked: each line's package
// exists and its -bench pattern selects a benchmark the package has, run
// one sample a line, as the workflow runs it. A renamed benchmark would
// otherwise leave the gate comparing nothing with nothing.
func TestWorkflowBenchmarksExist(t *testing.T) {
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "docs", "ci", "chimeraforge-pr.yml")
	lines, err := workflowBenchmarks(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no BENCHMARKS block lines: the search is broken", path)
	}
	pkgs := map[string]*pkgInfo{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 {
			t.Errorf("BENCHMARKS line %q: want a package and a -bench pattern", l)
			continue
		}
		if err := checkGoTest(root, pkgs, []string{"-run", "^$", "-bench", f[1], "-benchtime", "1x", f[0]}); err != nil {
			t.Errorf("BENCHMARKS line %q: %v", l, err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "-test.benchtime 1x") {
		t.Errorf("%s: the benchmarks run without -test.benchtime 1x: lines would carry different iteration counts", path)
	}
}

// workflowBenchmarks returns the lines of the workflow's "BENCHMARKS: |"
// block scalar: the lines after it indented deeper than its key.
func workflowBenchmarks(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	indent := -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		n := len(line) - len(strings.TrimLeft(line, " "))
		switch {
		case indent < 0:
			if strings.TrimSpace(line) == "BENCHMARKS: |" {
				indent = n
			}
		case strings.TrimSpace(line) == "":
		case n > indent:
			out = append(out, strings.TrimSpace(line))
		default:
			return out, sc.Err()
		}
	}
	return out, sc.Err()
}
