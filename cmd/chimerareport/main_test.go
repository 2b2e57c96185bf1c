package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"

	gold "github.com/chimeraforge/chimeraforge/golden"
)

// mainJob is a real run of the README's main job on this project's 2-core
// machine (embedded Ollama, synthetic tiny model), 2026-12-07, committed
// with the report it is a run of:
//
//	go test -run '^$' -bench 'TR114//T013' -benchtime 1x -count 6 ./tr114 > new.txt
const mainJob = "../../tr114/testdata/run-t013.bench"

// capacityRun is the committed run the capacity report's golden renders.
const capacityRun = "../../capacity/testdata/ours.bench"

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstOfEach keeps the first result line of each benchmark: a -count 1
// run of the same benchmarks.
func firstOfEach(run string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, l := range strings.SplitAfter(run, "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			name, _, _ := strings.Cut(l, " ")
			name, _, _ = strings.Cut(name, "\t")
			if seen[name] {
				continue
			}
			seen[name] = true
		}
		b.WriteString(l)
	}
	return b.String()
}

// withoutUnit drops every value in unit from the run's result lines.
func withoutUnit(run, unit string) string {
	return regexp.MustCompile(`[ \t]+\S+ `+regexp.QuoteMeta(unit)+`(\s)`).ReplaceAllString(run, "$1")
}

// withoutConfig drops the run's config line of key.
func withoutConfig(run, key string) string {
	return regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(key)+`: .*\n`).ReplaceAllString(run, "")
}

// replaceLine replaces the nth (from 1) result line of run with line.
func replaceLine(run string, n int, line string) string {
	lines := strings.SplitAfter(run, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Benchmark") {
			if n--; n == 0 {
				lines[i] = line + "\n"
				break
			}
		}
	}
	return strings.Join(lines, "")
}

// skipped is the output of a run of ./tr114 on servers that cannot serve
// its setups: the header, go test's SKIP lines, no result.
const skipped = `goos: linux
goarch: amd64
pkg: github.com/chimeraforge/chimeraforge/tr114
cpu: test CPU
--- SKIP: BenchmarkTR114
    tr114_test.go:40: harness: parallel=2 needs servers the harness starts (CHIMERA_OLLAMA_URLS is set)
PASS
ok  	github.com/chimeraforge/chimeraforge/tr114	0.012s
`

// other is a run of a benchmark no report declares.
const other = `goos: linux
goarch: amd64
pkg: example.com/mine
cpu: test CPU
Unit widgets/s better=higher
BenchmarkMine/size=10-2 	 1	 1000000 ns/op	 42 widgets/s
BenchmarkMine/size=10-2 	 1	 1100000 ns/op	 40 widgets/s
BenchmarkMine/size=10-2 	 1	 1200000 ns/op	 41 widgets/s
PASS
`

// TestRun renders committed runs and checks the exit code, stderr and
// every file written (charts by name and size) against golden files.
func TestRun(t *testing.T) {
	job := readTestdata(t, mainJob)
	tests := []struct {
		name     string // also the golden file
		files    map[string]string
		args     []string
		wantCode int
	}{
		{"main_job", map[string]string{"new.txt": job}, []string{"-o", "out", "new.txt"}, 0},
		{"main_job_summary", map[string]string{"new.txt": job}, []string{"-summary", "new.txt"}, 0},
		{"one_sample_each_says_the_command", map[string]string{"new.txt": firstOfEach(job)}, []string{"-o", "out", "new.txt"}, 0},
		{"unit_missing_says_so", map[string]string{"new.txt": withoutUnit(job, "speedup-x")}, []string{"-o", "out", "new.txt"}, 0},
		{"nothing_measured_says_why", map[string]string{"new.txt": skipped}, []string{"-o", "out", "new.txt"}, 0},
		{"two_files_and_a_benchmark_of_no_report", map[string]string{"new.txt": job, "mine.txt": other}, []string{"-o", "out", "new.txt", "mine.txt"}, 0},
		{"corrupt_line_names_file_and_line", map[string]string{"new.txt": replaceLine(job, 3, "BenchmarkTR114/scenario=chimera_homo/test=T013/instances=1/parallel=1-2 \t 1 \t 2,000 tok/s")},
			[]string{"-o", "out", "new.txt"}, 2},
		{"nan_names_file_and_line", map[string]string{"new.txt": replaceLine(job, 2, "BenchmarkTR114/scenario=chimera_homo/test=T013/instances=1/parallel=1-2 \t 1 \t NaN speedup-x")},
			[]string{"-o", "out", "new.txt"}, 2},
		{"unknown_unit_names_file_and_line", map[string]string{"new.txt": replaceLine(job, 4, "BenchmarkTR114/scenario=chimera_homo/test=T013/instances=1/parallel=1-2 \t 1 \t 7 widgets")},
			[]string{"-o", "out", "new.txt"}, 2},
		{"cut_mid_line_is_an_unknown_unit", map[string]string{"new.txt": job[:strings.LastIndex(job, "ttft-ns")+len("ttft")]}, []string{"-o", "out", "new.txt"}, 2},
		{"not_go_test_output_is_input_error", map[string]string{"notes.txt": "my notes\nnothing to see\n"}, []string{"-o", "out", "notes.txt"}, 2},
		{"no_output_named_is_usage_error", map[string]string{"new.txt": job}, []string{"new.txt"}, 2},
		// capacity has no study; its Render refuses a run without its slo
		// config line: the page says so and keeps the run's numbers.
		{"render_refuses_the_run_page_says_so", map[string]string{"cap.txt": withoutConfig(readTestdata(t, capacityRun), "slo")}, []string{"-o", "out", "cap.txt"}, 0},
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cat := testCatalogue(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Relative file names keep the output free of temp paths.
			t.Chdir(t.TempDir())
			for name, text := range tt.files {
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			err := run(&stdout, &stderr, tt.args, cat)
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantCode, stderr.String())
			}
			got := fmt.Sprintf("exit %d\n-- stderr --\n%s-- stdout --\n%s", exitCode(err), stderr.String(), stdout.String())
			got += outputs(t, "out")
			golden.Assert(t, got, filepath.Join(testdata, tt.name+".golden"))
		})
	}
}

// outputs lists every file under dir: markdown in full, other files by
// name and size (the HTML and SVG have tests of their own).
func outputs(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".md") {
			fmt.Fprintf(&b, "-- %s --\n%s", filepath.ToSlash(p), data)
		} else {
			fmt.Fprintf(&b, "-- %s (%d bytes) --\n", filepath.ToSlash(p), len(data))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return b.String()
}

// TestHTMLIsSelfContained renders the main job's report.html and checks
// that nothing in it reaches outside the file: no URL with a scheme other
// than data:, no script, no stylesheet or font link, and every chart
// inline.
func TestHTMLIsSelfContained(t *testing.T) {
	r, err := readRun([]string{mainJob})
	if err != nil {
		t.Fatal(err)
	}
	defs, err := testCatalogue(t)()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := pages(r, defs)
	if err != nil {
		t.Fatal(err)
	}
	h, err := htmlReport(r, ps)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	for _, bad := range []string{"http:", "https:", "//", "<script", "<link", "@import", "url(", "<iframe", "<object"} {
		if i := strings.Index(s, bad); i >= 0 {
			t.Errorf("report.html holds %q: %q", bad, s[max(0, i-60):min(len(s), i+60)])
		}
	}
	for _, src := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(s, -1) {
		if !strings.HasPrefix(src[1], "data:image/svg+xml;base64,") && !strings.HasPrefix(src[1], "#") {
			t.Errorf("report.html refers to %q: neither an inline chart nor a link within the file", src[1])
		}
	}
	charts := 0
	for _, p := range ps {
		charts += len(p.Charts)
	}
	if n := strings.Count(s, `src="data:image/svg+xml;base64,`); n != charts {
		t.Errorf("report.html has %d inline charts, want %d (every chart of every page)", n, charts)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no files", []string{"-o", "out"}, 2, "want one or more benchfmt files"},
		{"no output", []string{"x.txt"}, 2, "say where the report goes"},
		{"missing file", []string{"-summary", "nonexistent.txt"}, 2, "nonexistent.txt"},
		{"unknown flag", []string{"-bogus"}, 2, "flag provided but not defined: -bogus"},
		{"help", []string{"-h"}, 0, "Exit status: 0 written, 1 could not write, 2 usage/input error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(&stdout, &stderr, tt.args, testCatalogue(t))
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d (err %v), want %d", got, err, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr.String())
			}
		})
	}
}

// An output directory that cannot be made is exit 1, not an input error.
func TestUnwritableOutputIsExit1(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(&stdout, &stderr, []string{"-o", filepath.Join(blocker, "out"), mainJob}, testCatalogue(t))
	if got := exitCode(err); got != 1 {
		t.Errorf("exit code = %d (err %v), want 1\n%s", got, err, stderr.String())
	}
}

// go tool passes the command's exit status through (go run would turn
// 2 into 1): the docs' CI step relies on it.
func TestGoToolKeepsExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command with go tool (drop -short to run it)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go: not found on PATH (go test puts its own toolchain there; run with go test): %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte(replaceLine(readTestdata(t, mainJob), 2, "BenchmarkTR114/x-2 \t 1 \t NaN tok/s")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), goBin, "tool", "chimerareport", "-summary", bad).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("go tool chimerareport on a NaN: %v, want exit status 2\n%s", err, out)
	}
	if !strings.Contains(string(out), "bad.txt:") {
		t.Errorf("the message does not name the file and line:\n%s", out)
	}
}

func TestSetupLabel(t *testing.T) {
	tests := []struct {
		keys        map[string]string
		numParallel string
		want        string
	}{
		{map[string]string{"instances": "1", "parallel": "1"}, "", "one instance, one slot"},
		{map[string]string{"instances": "2", "parallel": "1"}, "", "two instances, one slot each"},
		{map[string]string{"instances": "1", "parallel": "2"}, "", "one instance, two slots"},
		{map[string]string{"instances": "2", "parallel": "4"}, "", "two instances, four slots each"},
		{map[string]string{"instances": "2"}, "1", "two instances, one slot each"}, // the study's names, num-parallel: 1
		{map[string]string{"instances": "2"}, "", "two instances"},
		{map[string]string{"instances": "12", "parallel": "1"}, "", "12 instances, one slot each"},
		{map[string]string{"test": "T013"}, "", ""},
		{map[string]string{"instances": "x"}, "", "instances=x"},
	}
	for _, tt := range tests {
		if got := setupLabel(tt.keys, tt.numParallel); got != tt.want {
			t.Errorf("setupLabel(%v, %q) = %q, want %q", tt.keys, tt.numParallel, got, tt.want)
		}
	}
}

func TestSetupsLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"instances=1/parallel=1/num-thread=1, instances=2/parallel=1/num-thread=1, instances=1/parallel=2/num-thread=1",
			"one instance, one slot; two instances, one slot each; one instance, two slots (num-thread 1)"},
		{"instances=1/parallel=1/num-thread=1, instances=2/parallel=1/num-thread=2",
			"one instance, one slot (num-thread 1); two instances, one slot each (num-thread 2)"},
		{"instances=1/parallel=1", "one instance, one slot"},
	}
	for _, tt := range tests {
		if got := setupsLine(tt.in); got != tt.want {
			t.Errorf("setupsLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuantisation(t *testing.T) {
	tests := []struct{ model, want string }{
		{"llama3.1:8b-instruct-q4_0", "q4_0"},
		{"qwen2.5:7b-instruct-q4_K_M", "q4_k_m"},
		{"hf.co/org/model:Q8_0", "q8_0"},
		{"x:fp16", "fp16"},
		{"gemma3:latest", ""},
		{"chimera-synth/llama3.1-tiny:f77a16d240fd", ""},
	}
	for _, tt := range tests {
		if got := quantisation(tt.model); got != tt.want {
			t.Errorf("quantisation(%q) = %q, want %q", tt.model, got, tt.want)
		}
	}
}

// TestPkgOf: a benchmark runs in the package of its name, or whose name
// begins its own up to a word (TR111Process), and in none where no pkg:
// line fits.
func TestPkgOf(t *testing.T) {
	pkgs := []string{module + "tr111", module + "tr114", module + "capacity", "example.com/other/tr1"}
	for _, tt := range []struct{ base, want string }{
		{"TR114", "./tr114"},
		{"TR111Process", "./tr111"},
		{"CapacityOpen", "./capacity"},
		{"CapacitySearch", "./capacity"},
		{"TR1", "example.com/other/tr1"},
		{"TR1Agents", "example.com/other/tr1"},
		{"TR108", ""},
		{"Protocols", ""},
	} {
		if got := pkgOf(tt.base, pkgs); got != tt.want {
			t.Errorf("pkgOf(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestCountCommand(t *testing.T) {
	ls := []*leaf{
		{Name: "TR114/scenario=chimera_homo/test=T013/instances=1/parallel=1", Base: "TR114", iters: 1},
		{Name: "TR114/scenario=chimera_homo/test=T013/instances=2/parallel=1", Base: "TR114", iters: 1},
	}
	got := countCommand(ls, []string{"github.com/chimeraforge/chimeraforge/tr114"})
	want := `go test -run '^$' -bench '^BenchmarkTR114$/^scenario=chimera_homo$/^test=T013$/^(1|2)$/^parallel=1$' -benchtime 1x -count 6 ./tr114 > more.txt`
	want = strings.Replace(want, "^(1|2)$", "^(instances=1|instances=2)$", 1)
	if got != want {
		t.Errorf("countCommand = %s\nwant            %s", got, want)
	}
	// The pattern selects exactly the leaves' names, level by level.
	re := strings.Split(strings.Split(got, "'")[3], "/")
	for _, l := range ls {
		parts := strings.Split("Benchmark"+l.Name, "/")
		for i, p := range parts {
			if !regexp.MustCompile(re[i]).MatchString(p) {
				t.Errorf("level %d: %q does not match %q", i, re[i], p)
			}
		}
	}
	if slices.Contains(re, "") {
		t.Errorf("empty pattern element in %q", got)
	}
}

func TestLeafName(t *testing.T) {
	for in, want := range map[string]string{
		"TR114/instances=1-2":            "TR114/instances=1",
		"TR114/instances=1":              "TR114/instances=1",
		"TR111/model=llama-3/x=1-16":     "TR111/model=llama-3/x=1",
		"TR111/agent=a-b/start=warm-x-2": "TR111/agent=a-b/start=warm-x",
		"TR111/agent=a-b/start=warm-x":   "TR111/agent=a-b/start=warm-x",
	} {
		if got := leafName(in); got != want {
			t.Errorf("leafName(%q) = %q, want %q", in, got, want)
		}
	}
}

// testCatalogue is the tool's catalogue, read before a test changes
// directory.
func testCatalogue(t *testing.T) func() ([]reportDef, error) {
	t.Helper()
	defs, err := catalogue()
	if err != nil {
		t.Fatal(err)
	}
	return func() ([]reportDef, error) { return defs, nil }
}

// setOf reads a benchfmt text.
func setOf(t *testing.T, text string) *gold.Set {
	t.Helper()
	s, err := gold.Read(strings.NewReader(text), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The warning names each way the study's setup differs from the run's,
// and is absent where they agree.
func TestSetupWarning(t *testing.T) {
	const result = "BenchmarkTR114/test=T013/instances=2 1 90 eff-%\n"
	study := "gpu: NVIDIA GeForce RTX 4080 Laptop GPU\ncpu: i9\nollama-version: 0.12.10\nmodel: llama3.1:8b-instruct-q4_0\n" + result
	tests := []struct {
		name string
		run  string
		want []string // lines of the warning; none: no warning
	}{
		{"same setup", study, nil},
		{"quantisation", strings.Replace(study, "q4_0", "q8_0", 1), []string{
			"model: the study ran llama3.1:8b-instruct-q4_0, this run llama3.1:8b-instruct-q8_0",
			"quantisation: the study q4_0, this run q8_0"}},
		{"synthetic on the CPU", "gpu: none\ncpu: i9\nollama-version: 0.12.10\nollama-backend: cpu\nmodel: chimera-synth/tiny:abc\nmodel-synthetic: true\n" + result, []string{
			"model: the study ran llama3.1:8b-instruct-q4_0, this run chimera-synth/tiny:abc (a synthetic model: random weights, far smaller)",
			"quantisation: the study q4_0, this run not named by the model tag",
			"GPU: the study NVIDIA GeForce RTX 4080 Laptop GPU, this run none",
			"backend: this run's Ollama computed on the CPU (ollama-backend: cpu); the study's on its GPU"}},
		{"other GPU, other Ollama, OpenAI protocol", strings.NewReplacer("GeForce RTX 4080 Laptop GPU", "H100 80GB HBM3", "0.12.10", "0.17.4").Replace(study) +
			"protocol: openai\nserver: vllm\n" + result, []string{
			"GPU: the study NVIDIA GeForce RTX 4080 Laptop GPU, this run NVIDIA H100 80GB HBM3",
			"Ollama: the study 0.12.10, this run 0.17.4",
			"protocol: this run spoke openai (server vllm); the study spoke Ollama's native API"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := setupWarning([]*gold.Set{setOf(t, study)}, setOf(t, tt.run))
			var lines []string
			for l := range strings.Lines(got) {
				if d, ok := strings.CutPrefix(l, "> - "); ok {
					lines = append(lines, strings.TrimSpace(d))
				}
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("warning lines mismatch (-want +got):\n%s\nwarning:\n%s", diff, got)
			}
			if (got == "") != (tt.want == nil) {
				t.Errorf("warning %q, want one: %v", got, tt.want != nil)
			}
		})
	}
}

// A report beyond the study (capacity) has no setup to differ from.
func TestNoStudyNoWarning(t *testing.T) {
	run := setOf(t, "gpu: none\nmodel: chimera-synth/tiny:abc\nmodel-synthetic: true\nBenchmarkCapacity/instances=1 1 5 agg-tok/s\n")
	if w := setupWarning(nil, run); w != "" {
		t.Errorf("setupWarning with no study = %q, want none", w)
	}
}

func TestRoundDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Millisecond:          "under a second",
		25*time.Second + 4e8:            "25s",
		9*time.Minute + 31*time.Second:  "9m31s",
		32*time.Minute + 10*time.Second: "32m",
		2*time.Hour + 5*time.Minute:     "2h5m",
	} {
		if got := roundDuration(d); got != want {
			t.Errorf("roundDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// Every package that declares a report (a report.Spec in its non-test
// code) is in the catalogue, so that a report converted to a value is
// rendered from a user's run without anyone remembering to list it.
func TestCatalogueHasEveryReport(t *testing.T) {
	root := filepath.Join("..", "..")
	var declared []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "study" || d.Name() == "testdata" || strings.HasPrefix(p, filepath.Join(root, "golden"))) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if regexp.MustCompile(`(=|Spec:)\s*report\.Spec\{`).Match(src) {
			if pkg := filepath.Base(filepath.Dir(p)); !slices.Contains(declared, pkg) {
				declared = append(declared, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(declared) < 2 {
		t.Fatalf("found %d packages declaring a report.Spec (%v); the search is broken", len(declared), declared)
	}
	var listed []string
	for _, s := range specs() {
		listed = append(listed, s.Name)
	}
	for _, pkg := range declared {
		if !slices.Contains(listed, pkg) {
			t.Errorf("package %s declares a report.Spec that specs() (catalogue.go) does not list", pkg)
		}
	}
}
