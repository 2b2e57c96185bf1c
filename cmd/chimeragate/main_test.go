package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gotest.tools/v3/golden"
)

const config = "goos: linux\ngoarch: amd64\npkg: github.com/chimeraforge/chimeraforge/tr111\ncpu: test CPU\n" +
	"gpu: none\nollama-version: 0.17.4\nmodel: synthetic\nharness-commit: %s\n" +
	"Unit tok/s better=higher assume=nothing\nUnit ttft-ns better=lower assume=nothing\n"

// runN is a -count n run of two TR111 sub-benchmarks: tok/s spread ±1 %
// around tok deterministically, TTFT 5 ms.
func runN(commit string, n int, tok float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, config, commit)
	for i := range n {
		j := 1 + 0.02*(float64((i*7)%n)/float64(max(n-1, 1))-0.5)
		fmt.Fprintf(&b, "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t %v tok/s \t %v ttft-ns\n", tok*j, 5e6*j)
		fmt.Fprintf(&b, "BenchmarkTR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=warm-2 \t 3 \t %v tok/s \t %v ttft-ns\n", 2100*j, 4.9e6*j)
	}
	b.WriteString("PASS\nok  \tgithub.com/chimeraforge/chimeraforge/tr111\t12.3s\n")
	return b.String()
}

// studyLike is shaped like tr111/testdata/baseline.bench: the study's
// machine, no -N suffix, and the study-only name keys dir and study-agent.
var studyLike = func() string {
	var b strings.Builder
	b.WriteString("Unit tok/s better=higher\nUnit tok/s assume=nothing\ngoos: windows\ngoarch: amd64\n" +
		"pkg: github.com/chimeraforge/chimeraforge/tr111\ncpu: 13th Gen Intel(R) Core(TM) i9-13980HX\n" +
		"gpu: NVIDIA GeForce RTX 4080 Laptop GPU\nollama-version: 0.12.10\nmodel: gemma3:latest\n\n")
	for i, dir := range []string{"baseline_default", "gpu60_ctx256_temp0p6", "gpu80_ctx512_temp0p8_v2"} {
		for j := range 4 {
			fmt.Fprintf(&b, "BenchmarkTR111/agent=baseline/start=warm/dir=%s/study-agent=baseline 1 %v tok/s %v ttft-ns\n", dir, 113+float64(i+j)/2, 6e8+1e7*float64(j))
		}
	}
	return b.String()
}()

// withLine inserts line before the run's trailing PASS.
func withLine(run, line string) string {
	return strings.Replace(run, "PASS\n", line+"\n"+"PASS\n", 1)
}

// withoutUnit drops every value in unit from a run's result lines.
func withoutUnit(run, unit string) string {
	return regexp.MustCompile(`[ \t]+\S+ `+regexp.QuoteMeta(unit)+`\b`).ReplaceAllString(run, "")
}

// cut ends the run in the middle of its last ttft-ns unit, as a job
// killed while writing would.
func cut(run string) string {
	return run[:strings.LastIndex(run, "ttft-ns")+len("ttft")]
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string // also the golden file
		base, head string
		args       []string
		wantCode   int
	}{
		{"same_run_passes", runN("aaaa", 10, 2000), runN("aaaa", 10, 2000), nil, 0},
		{"pr_commit_differs_passes", runN("aaaa", 10, 2000), runN("bbbb", 10, 2000), nil, 0},
		{"throughput_regression_10pct_fails", runN("aaaa", 10, 2000), runN("bbbb", 10, 1800), nil, 1},
		{"per_unit_tolerance_15pct_passes", runN("aaaa", 10, 2000), runN("bbbb", 10, 1800), []string{"-tol", "tok/s=15%"}, 0},
		{"tolerance_flag_20pct_passes", runN("aaaa", 10, 2000), runN("bbbb", 10, 1800), []string{"-tolerance", "20%"}, 0},
		{"too_few_samples_explains", runN("aaaa", 3, 2000), runN("bbbb", 3, 1800), nil, 3},
		{"config_mismatch_refused", runN("aaaa", 10, 2000), strings.Replace(runN("aaaa", 10, 2000), "gpu: none", "gpu: NVIDIA H100 80GB HBM3", 1), nil, 2},
		{"config_mismatch_ignored", runN("aaaa", 10, 2000), strings.Replace(runN("aaaa", 10, 2000), "gpu: none", "gpu: NVIDIA H100 80GB HBM3", 1), []string{"-ignore-config", "gpu"}, 0},
		{"ignore_config_refuses_a_key_that_is_not_identifying", runN("aaaa", 10, 2000), runN("aaaa", 10, 2000), []string{"-ignore-config", "harness-commit"}, 2},
		{"config_mismatch_allowed", runN("aaaa", 10, 2000), strings.Replace(runN("aaaa", 10, 2000), "model: synthetic", "model: gemma3:latest", 1), []string{"-allow-config-mismatch"}, 0},
		{"corrupt_baseline_names_line", strings.Replace(runN("aaaa", 10, 2000), "PASS\n", "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 2,000 tok/s\n", 1), runN("aaaa", 10, 2000), nil, 2},
		{"study_baseline_with_name_keys_ignored", studyLike, runN("aaaa", 10, 2000),
			[]string{"-allow-config-mismatch", "-ignore-name", "dir,study-agent,gomaxprocs", "-tol", "tok/s=99%", "-tol", "ttft-ns=10000%"}, 0},
		{"study_baseline_names_differ_without_ignore", studyLike, runN("aaaa", 10, 2000), []string{"-allow-config-mismatch"}, 2},
		{"bad_tolerance_is_usage_error", runN("aaaa", 10, 2000), runN("aaaa", 10, 2000), []string{"-tol", "tok/s"}, 2},
		{"nothing_in_common_is_input_error", runN("aaaa", 10, 2000), strings.ReplaceAll(runN("aaaa", 10, 2000), "BenchmarkTR111/", "BenchmarkTR114/"), nil, 2},
		{"nan_value_refused", runN("aaaa", 10, 2000), withLine(runN("bbbb", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t NaN tok/s \t 5e6 ttft-ns"), nil, 2},
		{"inf_value_refused", withLine(runN("aaaa", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 2000 tok/s \t +Inf ttft-ns"), runN("bbbb", 10, 2000), nil, 2},
		{"unit_missing_from_head_fails", runN("aaaa", 10, 2000), withoutUnit(runN("bbbb", 10, 2000), "ttft-ns"), nil, 2},
		{"unit_missing_ignored_passes", runN("aaaa", 10, 2000), withoutUnit(runN("bbbb", 10, 2000), "ttft-ns"), []string{"-ignore-unit", "ttft-ns"}, 0},
		{"unit_only_in_head_passes", withoutUnit(runN("aaaa", 10, 2000), "ttft-ns"), runN("bbbb", 10, 2000), nil, 0},
		{"truncated_line_fails", runN("aaaa", 10, 2000), cut(runN("bbbb", 10, 2000)), nil, 2},
		{"unregistered_unit_refused", withLine(runN("aaaa", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 7 widgets"),
			withLine(runN("bbbb", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 7 widgets"), nil, 2},
		{"regression_and_missing_metric_exit_1_names_both", runN("aaaa", 10, 2000), withoutUnit(runN("bbbb", 10, 1800), "ttft-ns"), nil, 1},
		{"verbose_lists_every_metric", runN("aaaa", 10, 2000), runN("bbbb", 10, 1800), []string{"-v"}, 1},
		// Issue 17: main called load-ns -1 ms → -5 ms a +400 % regression
		// (exit 1), printed "-1.000 ms ± -0%".
		{"negative_duration_refused_names_line", withLine(runN("aaaa", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 2000 tok/s \t -1000000 load-ns"),
			withLine(runN("bbbb", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 2000 tok/s \t -5000000 load-ns"), nil, 2},
		{"negative_rate_in_head_refused", runN("aaaa", 10, 2000), withLine(runN("bbbb", 10, 2000), "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t -10 tok/s \t 5e6 ttft-ns"), nil, 2},
		// Issue 17: main took head's direction, so tok/s halving under a
		// head that declares better=lower was an improvement (exit 0).
		{"direction_differs_between_base_and_head_refused", runN("aaaa", 10, 2000),
			strings.Replace(runN("bbbb", 10, 1000), "Unit tok/s better=higher", "Unit tok/s better=lower", 1), nil, 2},
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Relative file names keep the report free of temp paths.
			t.Chdir(t.TempDir())
			if err := os.WriteFile("base.txt", []byte(tt.base), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("head.txt", []byte(tt.head), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			err := run(&stdout, &stderr, append(tt.args, "base.txt", "head.txt"))
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d (err %v), want %d\nstdout:\n%s\nstderr:\n%s", got, err, tt.wantCode, stdout.String(), stderr.String())
			}
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", exitCode(err), stdout.String(), stderr.String())
			golden.Assert(t, got, filepath.Join(testdata, tt.name+".golden"))
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no files", nil, 2, "want 2 files (base, head), got 0"},
		{"missing file", []string{"nonexistent-base.txt", "nonexistent-head.txt"}, 2, "nonexistent-base.txt"},
		{"unknown flag", []string{"-bogus"}, 2, "flag provided but not defined: -bogus"},
		{"help", []string{"-h"}, 0, "Exit status: 0 pass, 1 regression, 2 usage/input error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(&stdout, &stderr, tt.args)
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d (err %v), want %d", got, err, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr.String())
			}
		})
	}
}

// go run reports any non-zero status of the command as its own exit 1, so
// a CI step could not tell a regression from too few samples. go tool, for
// a tool of the module (go.mod's tool directive), passes the status
// through: the workflow in docs/ci runs the gate with it.
func TestGoToolKeepsExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the gate with go tool (drop -short to run it)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go: not found on PATH (go test puts its own toolchain there; run with go test): %v", err)
	}
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name       string
		base, head string
		want       int
	}{
		{"pass", runN("aaaa", 10, 2000), runN("bbbb", 10, 2000), 0},
		{"regression", runN("aaaa", 10, 2000), runN("bbbb", 10, 1800), 1},
		{"missing metric", runN("aaaa", 10, 2000), withoutUnit(runN("bbbb", 10, 2000), "ttft-ns"), 2},
		{"too few samples", runN("aaaa", 3, 2000), runN("bbbb", 3, 2000), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, head := file(tt.name+"-base.txt", tt.base), file(tt.name+"-head.txt", tt.head)
			out, err := exec.CommandContext(t.Context(), goBin, "tool", "chimeragate", base, head).CombinedOutput()
			var exit *exec.ExitError
			code := 0
			switch {
			case errors.As(err, &exit):
				code = exit.ExitCode()
			case err != nil:
				t.Fatalf("go tool chimeragate: %v\n%s", err, out)
			}
			if code != tt.want {
				t.Errorf("go tool chimeragate exit %d, want %d:\n%s", code, tt.want, out)
			}
		})
	}
}
