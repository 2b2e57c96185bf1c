package studydata

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/perf/benchfmt"
	_ "gotest.tools/v3/golden" // links -update so that go test ./... -update works here
)

const tr111Header = "config_id,agent,run_number,call_idx,stage,num_gpu,num_ctx,temperature,top_p,top_k,repeat_penalty,ttft_ms,throughput_tok_s,total_duration_ms,eval_count,prompt_eval_duration_ms,eval_duration_ms,load_duration_ms\n"

// tr111Sample holds the shapes that matter: a warm baseline call, the
// option-less "chimera" agent of baseline_default, a cold chimera call, and
// a call whose reply had no tokens.
const tr111Sample = tr111Header +
	"baseline_default,baseline,1,1,analysis,,,,,,,676.806,117.63064511691994,9626.2601,1004,411.4402,8535.1908,257.615\n" +
	"baseline_default,chimera,1,1,analysis,,,,,,,332.4932,117.56431996586072,9274.0364,1005,74.2596,8548.512,255.1865\n" +
	"gpu60_ctx256_temp0p6,chimera,1,1,analysis,60,256,0.6,,,,4780.3772,116.1,9999.5,1000,80.5,8613.2,4688.5342\n" +
	"gpu60_ctx512_temp0p6,chimera,3,2,report,60,512,0.6,,,,479.5032,0.0,10019.834299999999,0,0.0,0.0,0.0\n"

func TestTR111Names(t *testing.T) {
	recs, err := TR111(strings.NewReader(tr111Sample), "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if res, ok := r.(*benchfmt.Result); ok {
			var units []string
			for _, v := range res.Values {
				units = append(units, v.Unit)
			}
			got = append(got, res.Name.String()+" "+strings.Join(units, ","))
		}
	}
	want := []string{
		"TR111/agent=baseline/start=warm/dir=baseline_default/study-agent=baseline tok/s,ttft-sec,e2e-sec,load-sec,prefill-sec,decode-sec",
		"TR111/agent=baseline/start=warm/dir=baseline_default/study-agent=chimera tok/s,ttft-sec,e2e-sec,load-sec,prefill-sec,decode-sec",
		"TR111/agent=chimera/num_gpu=60/num_ctx=256/temp=0.6/start=cold/dir=gpu60_ctx256_temp0p6/study-agent=chimera tok/s,ttft-sec,e2e-sec,load-sec,prefill-sec,decode-sec",
		"TR111/agent=chimera/num_gpu=60/num_ctx=512/temp=0.6/start=warm/dir=gpu60_ctx512_temp0p6/study-agent=chimera ttft-sec,e2e-sec",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names and units mismatch (-want +got):\n%s", diff)
	}
}

// TestUnitLinesFollowTheRegistry checks that every unit of every
// baseline is registered in internal/units, that its Unit lines say the
// direction the registry says (none for a unit better neither way), and
// that an unregistered unit stops the conversion.
func TestUnitLinesFollowTheRegistry(t *testing.T) {
	for name, list := range map[string][]string{
		"tr108": tr108Units, "tr109": tr109Units, "tr110": tr110Units, "tr111": tr111Units, "tr113 and tr115": multiUnits,
		"tr114": tr114Units, "tr116": tr116Units, "tr117": tr117Units, "tr117 chunks": {"itl-ns"}, "tr118": tr118Units,
		"tr119": tr119Units, "tr120": tr120Units, "tr121": tr121Units,
	} {
		t.Run(name, func(t *testing.T) { assertUnitLines(t, list) })
	}
	if _, err := unitRecords([]string{"tok/s", "widgets"}); err == nil || !strings.Contains(err.Error(), "widgets") {
		t.Errorf("unitRecords with an unregistered unit: err = %v, want one naming widgets", err)
	}
}

const tr114Runs = "test_id,scenario_dir,scenario,run_number,a_url,a_model,a_exec_time_s,a_total_tokens,b_url,b_model,b_exec_time_s,b_total_tokens,concurrent_wall_s,speedup,efficiency_pct,contention_flag\n" +
	"T001,baseline-vs-chimera,baseline_vs_chimera,1,http://localhost:11434,gemma3:latest,56.5819366,2406,http://localhost:11435,gemma3:latest,52.9029828,2021,56.5835561,1.9349246838870913,96.74623419435456,false\n"

const tr114Calls = "test_id,scenario_dir,run_number,agent,eval_count,eval_duration_ms\n" +
	"T001,baseline-vs-chimera,1,a,1000,25000\n" +
	"T001,baseline-vs-chimera,1,b,1000,15000\n"

func TestTR114Values(t *testing.T) {
	recs, err := TR114(strings.NewReader(tr114Runs), strings.NewReader(tr114Calls), "runs.csv", "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	res := recs[len(recs)-1].(*benchfmt.Result)
	if got, want := res.Name.String(), "TR114/scenario=baseline_vs_chimera/test=T001/instances=2"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	got := map[string]float64{}
	for _, v := range res.Values {
		got[v.Unit] = v.Value
	}
	want := map[string]float64{
		"eff-%":            96.74623419435456,
		"legacy-speedup-x": 1.9349246838870913,
		"agg-tok/s":        (2406 + 2021) / 56.5835561,
		"tok/s":            2000 / 40.0,
		"balance-%":        (56.5819366 + 52.9029828) / (2 * 56.5819366) * 100,
		"a-sec":            56.5819366,
		"b-sec":            52.9029828,
		"wall-sec":         56.5835561,
		"overhead-sec":     56.5835561 - 56.5819366,
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}
}

func TestConvertErrorsNameFileAndLine(t *testing.T) {
	tr111 := func(rows string) error {
		_, err := TR111(strings.NewReader(tr111Header+rows), "llm_calls.csv")
		return err
	}
	assertRefuses(t, tr111, []refusal[string]{
		{"tr111 bad number", "baseline_default,baseline,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n" +
			"baseline_default,baseline,1,2,report,,,,,,,x,2,3,4,5,6,7\n", "llm_calls.csv:3: column ttft_ms"},
		{"tr111 partial options", "d,chimera,1,1,analysis,60,,0.6,,,,1,2,3,4,5,6,7\n", "llm_calls.csv:2: column num_gpu"},
		{"tr111 unsupported option", "d,chimera,1,1,analysis,60,256,0.6,0.9,,,1,2,3,4,5,6,7\n", "llm_calls.csv:2: column top_p"},
		{"tr111 white space in a name segment", "gpu60 ctx256,baseline,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n", "llm_calls.csv:2: column config_id: \"gpu60 ctx256\" has white space"},
		{"tr111 a name segment that adds a key", "d,chimera/start=cold,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n", "llm_calls.csv:2: column agent: \"chimera/start=cold\""},
		{"tr111 a last segment that benchfmt reads as GOMAXPROCS", "d,chimera-2,1,1,analysis,,,,,,,1,2,3,4,5,6,7\n",
			"llm_calls.csv:2: column agent: the name TR111/agent=baseline/start=warm/dir=d/study-agent=chimera-2 ends in -2"},
		{"tr111 a NaN cell", "d,baseline,1,1,analysis,,,,,,,1,NaN,3,4,5,6,7\n", "llm_calls.csv:2: column throughput_tok_s: \"NaN\" is not a finite number"},
	})
	tr114 := func(in [2]string) error {
		_, err := TR114(strings.NewReader(in[0]), strings.NewReader(in[1]), "runs.csv", "llm_calls.csv")
		return err
	}
	zero := "T001,baseline-vs-chimera,baseline_vs_chimera,1,http://localhost:11434,gemma3:latest,0,2406,http://localhost:11435,gemma3:latest,0,2021,56.5835561,0,0,true\n"
	assertRefuses(t, tr114, []refusal[[2]string]{
		{"tr114 stored efficiency inconsistent", [2]string{replaced(t, tr114Runs, "96.74623419435456", "97.5"), tr114Calls}, "runs.csv:2: column efficiency_pct"},
		{"tr114 stored contention flag inconsistent", [2]string{replaced(t, tr114Runs, ",false\n", ",true\n"), tr114Calls}, "runs.csv:2: column contention_flag"},
		{"tr114 both agents on one instance", [2]string{replaced(t, tr114Runs, "11435", "11434"), tr114Calls}, "runs.csv:2: column b_url"},
		{"tr114 a NaN value from agents that took no time", [2]string{strings.SplitAfter(tr114Runs, "\n")[0] + zero, tr114Calls}, "runs.csv:2: balance-% is NaN"},
		{"tr114 run without calls", [2]string{tr114Runs, "test_id,scenario_dir,run_number,agent,eval_count,eval_duration_ms\n"}, "runs.csv:2: column test_id"},
	})
}

// TestRoundTrip proves that what Write emits, benchfmt.Reader reads back
// unchanged, without syntax errors: the baselines are valid by construction.
func TestRoundTrip(t *testing.T) {
	r111, err := TR111(strings.NewReader(tr111Sample), "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	r114, err := TR114(strings.NewReader(tr114Runs), strings.NewReader(tr114Calls), "runs.csv", "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	for name, recs := range map[string][]benchfmt.Record{"tr111": r111, "tr114": r114} {
		t.Run(name, func(t *testing.T) { assertReadsBack(t, recs) })
	}
}

// assertReadsBack checks that what Write emits for recs, benchfmt.Reader
// reads back as the same records, without syntax errors.
func assertReadsBack(t *testing.T, recs []benchfmt.Record) {
	t.Helper()
	b, err := Bytes(recs)
	if err != nil {
		t.Fatal(err)
	}
	var back []benchfmt.Record
	rd := benchfmt.NewReader(bytes.NewReader(b), "written")
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.Result:
			back = append(back, rec.Clone())
		case *benchfmt.UnitMetadata:
			c := *rec
			back = append(back, &c)
		case *benchfmt.SyntaxError:
			t.Errorf("syntax error in written benchfmt: %v", rec)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	opt := cmpopts.IgnoreUnexported(benchfmt.Result{}, benchfmt.UnitMetadata{})
	if diff := cmp.Diff(recs, back, opt); diff != "" {
		t.Errorf("round trip mismatch (-written +read):\n%s", diff)
	}
}

// TestStudyPack converts the whole data pack and checks the row counts the
// pack's README states.
func TestStudyPack(t *testing.T) {
	assertPack(t, TR111File, each, map[string]int{"results": 228})  // one per LLM call
	assertPack(t, TR114Files, each, map[string]int{"results": 135}) // one per run
}

// TestBenchstatComparesBaselineWithOurRun runs the documented command on
// a baseline and a run of ours whose config lines (goos, cpu, gpu, model,
// ollama-version) all differ, and checks that benchstat puts them side by
// side in one row per benchmark rather than in separate tables.
func TestBenchstatComparesBaselineWithOurRun(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go command not on PATH: %v", err)
	}
	recs, err := TR111(strings.NewReader(tr111Sample+
		"gpu60_ctx512_temp0p8,baseline,2,1,analysis,,,,,,,520.4753,115.1,9000.1,1000,300.1,8600.7,249.8276\n"+
		"gpu60_ctx512_temp0p8,baseline,2,2,report,,,,,,,642.4716,112.3,9100.2,1000,300.2,8800.1,264.6122\n"), "llm_calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	base, err := Bytes(recs)
	if err != nil {
		t.Fatal(err)
	}
	ours := "goos: linux\ngoarch: amd64\npkg: github.com/chimeraforge/chimeraforge/tr111\ncpu: AMD EPYC 9654\n" +
		"gpu: none\nollama-version: 0.17.4\nmodel: synthetic-llama-5m\n"
	for _, v := range []string{"2000", "2100", "2050", "2075"} {
		ours += "BenchmarkTR111/agent=baseline/start=warm-2 \t 3 \t 25000000000 ns/op \t " + v + " tok/s \t 5000000 ttft-ns\n"
	}
	ours += "PASS\nok  \tgithub.com/chimeraforge/chimeraforge/tr111\t1.0s\n"
	tmp := t.TempDir()
	bp, np := filepath.Join(tmp, "baseline.bench"), filepath.Join(tmp, "new.txt")
	if err := os.WriteFile(bp, base, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(np, []byte(ours), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), goBin, "tool", "benchstat", "-table", "", "-ignore", BenchstatIgnore, "-filter", `.unit:tok/s`, bp, np)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go tool benchstat: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("benchstat wrote to stderr (syntax errors?):\n%s", stderr.String())
	}
	out := stdout.String()
	t.Logf("benchstat output:\n%s", out)
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "TR111/agent=baseline/start=warm ") {
			row = l
		}
	}
	// One row holding the baseline's median, ours and the comparison.
	if !strings.Contains(row, "116.3") || !strings.Contains(row, "2062.5") || !strings.Contains(row, "% (p=") {
		t.Errorf("no side-by-side row for TR111/agent=baseline/start=warm in benchstat output:\n%s", out)
	}
	if n := strings.Count(out, "baseline.bench"); n != 1 {
		t.Errorf("baseline.bench heads %d tables, want 1 (one table, both files as columns):\n%s", n, out)
	}
}
