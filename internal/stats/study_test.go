package stats_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/stats"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// relTol is the agreement required between a value recomputed from raw times
// and the value the study stored from the same times (both full-precision
// doubles, so only operation order can differ).
const relTol = 1e-9

// readCSV reads a study CSV (a path in the data pack, found as
// studydata.Dir finds it: $CHIMERA_STUDY_DIR or study/ at the module root)
// into one map per row, keyed by header name.
func readCSV(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(studydatatest.Require(tb), name))
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	tb.Cleanup(func() { f.Close() })
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	if len(recs) < 1 {
		tb.Fatalf("%s: no header row", name)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// num parses column col of row, failing the test if it is missing or not a number.
func num(tb testing.TB, row map[string]string, col string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(row[col], 64)
	if err != nil {
		tb.Fatalf("column %s of row %v: %v", col, row, err)
	}
	return v
}

var leadingNumber = regexp.MustCompile(`^-?\d+(?:\.(\d+))?`)

// formatLike formats v with as many decimals as the number that starts s,
// followed by the rest of s (its unit): formatLike(98.2806, "98.281%") is
// "98.281%". That is the pack's match rule: the recomputed value rounded to
// the published number of decimals.
func formatLike(tb testing.TB, v float64, s string) string {
	tb.Helper()
	m := leadingNumber.FindStringSubmatchIndex(s)
	if m == nil {
		tb.Fatalf("published value %q does not start with a number", s)
	}
	decimals := 0
	if m[2] >= 0 {
		decimals = m[3] - m[2]
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + s[m[1]:]
}

// assertClaim checks that got, rounded like the published value of
// PUBLISHED.md row n, reads as that published value (or, for a claim the
// pack marks as not matching, as the pack's own recomputation).
func assertClaim(t *testing.T, n int, got float64) {
	t.Helper()
	c, ok := studydatatest.RequirePublished(t)[n]
	if !ok {
		t.Fatalf("PUBLISHED.md has no row %d", n)
	}
	want := c.Published
	if !c.Follows() {
		want = c.Recomputed
	}
	s := formatLike(t, got, want)
	t.Logf("PUBLISHED.md row %d: recomputed %.17g → %q (published %q, pack recomputed %q, match %s)", n, got, s, c.Published, c.Recomputed, c.Match)
	if s != want {
		t.Errorf("PUBLISHED.md row %d (match %s): recomputed %v formats as %q, want %q", n, c.Match, got, s, want)
	}
}

func assertClose(t *testing.T, what string, want, got float64) {
	t.Helper()
	if !(math.Abs(got-want) <= relTol*math.Abs(want)) {
		t.Errorf("%s = %.17g, want %.17g (stored), rel. diff %.3g > %g", what, got, want, math.Abs(got-want)/math.Abs(want), relTol)
	}
}

// TestTR114LegacyEfficiency recomputes TR114_v2's per-run legacy efficiency
// from the agents' in-run times and the concurrent wall time, checks it
// against the values the Rust harness stored, then the published aggregates
// (PUBLISHED.md rows 100–106) against the stored column.
func TestTR114LegacyEfficiency(t *testing.T) {
	rows := readCSV(t, "tr114/runs.csv")
	if len(rows) != 135 {
		t.Fatalf("tr114/runs.csv has %d runs, want 135 (27 tests × 5 runs)", len(rows))
	}
	var recomputed, stored []float64
	var recContended, storedContended int
	byTest := map[string][]float64{}
	byTestStored := map[string][]float64{}
	var testOrder []string
	for i, row := range rows {
		id := fmt.Sprintf("%s run %s", row["test_id"], row["run_number"])
		got := stats.LegacyEfficiency(
			[]float64{num(t, row, "a_exec_time_s"), num(t, row, "b_exec_time_s")},
			num(t, row, "concurrent_wall_s"))
		assertClose(t, id+" speedup", num(t, row, "speedup"), got.Speedup)
		eff := num(t, row, "efficiency_pct")
		assertClose(t, id+" efficiency_pct", eff, got.EfficiencyPct)
		flag, err := strconv.ParseBool(row["contention_flag"])
		if err != nil {
			t.Fatalf("row %d contention_flag: %v", i+2, err)
		}
		if got.Contended != flag {
			t.Errorf("%s: Contended = %v, stored contention_flag = %v", id, got.Contended, flag)
		}
		if got.Contended {
			recContended++
		}
		if flag {
			storedContended++
		}
		recomputed = append(recomputed, got.EfficiencyPct)
		stored = append(stored, eff)
		tid := row["test_id"]
		if _, ok := byTest[tid]; !ok {
			testOrder = append(testOrder, tid)
		}
		byTest[tid] = append(byTest[tid], got.EfficiencyPct)
		byTestStored[tid] = append(byTestStored[tid], eff)
	}

	t.Run("mean_over_135_runs/row_100", func(t *testing.T) {
		got := stats.Mean(recomputed)
		assertClose(t, "mean efficiency", stats.Mean(stored), got)
		assertClaim(t, 100, got)
	})
	t.Run("best_test_mean_is_T011/row_101", func(t *testing.T) {
		bestID, best := bestMean(testOrder, byTest)
		storedID, storedBest := bestMean(testOrder, byTestStored)
		if bestID != storedID {
			t.Errorf("best test by recomputed mean = %s, by stored mean = %s", bestID, storedID)
		}
		// PUBLISHED.md row 101 names the best config.
		if claim := studydatatest.RequirePublished(t)[101].Claim; !strings.Contains(claim, bestID) {
			t.Errorf("best test = %s, not the one PUBLISHED.md #101 names: %q", bestID, claim)
		}
		assertClose(t, "best test mean", storedBest, best)
		assertClaim(t, 101, best)
	})
	t.Run("peak_run/row_102", func(t *testing.T) {
		got := stats.Max(recomputed)
		assertClose(t, "peak efficiency", stats.Max(stored), got)
		assertClaim(t, 102, got)
	})
	t.Run("contention_rate_1_of_135/row_103", func(t *testing.T) {
		if recContended != storedContended {
			t.Errorf("contended runs: recomputed %d, stored %d", recContended, storedContended)
		}
		assertClaim(t, 103, float64(recContended)/float64(len(rows))*100)
	})
	t.Run("min_run/row_104", func(t *testing.T) {
		got := stats.Min(recomputed)
		assertClose(t, "min efficiency", stats.Min(stored), got)
		assertClaim(t, 104, got)
	})
	// The report's median and SD do not match its own data; these check our
	// Median and SD against the pack's independent recomputation.
	t.Run("median_run/row_105_pack_recomputation", func(t *testing.T) {
		got := stats.Median(recomputed)
		assertClose(t, "median efficiency", stats.Median(stored), got)
		assertClaim(t, 105, got)
	})
	t.Run("sample_sd/row_106_pack_recomputation", func(t *testing.T) {
		got := stats.SD(recomputed)
		assertClose(t, "efficiency SD", stats.SD(stored), got)
		assertClaim(t, 106, got)
	})
}

// bestMean returns the group with the largest mean, in first-seen order on ties.
func bestMean(order []string, groups map[string][]float64) (string, float64) {
	bestID, best := "", math.Inf(-1)
	for _, id := range order {
		if m := stats.Mean(groups[id]); m > best {
			bestID, best = id, m
		}
	}
	return bestID, best
}

// TestTR111Baseline recomputes the TR111_v2 Rust baseline agent's per-call
// throughput from eval_count and eval_duration_ms with the Rust formula, and
// its mean, CV and mean TTFT (PUBLISHED.md rows 80, 81, 89).
func TestTR111Baseline(t *testing.T) {
	var thr, storedThr, ttft []float64
	for _, row := range readCSV(t, "tr111/llm_calls.csv") {
		if row["config_id"] != "baseline_default" || row["agent"] != "baseline" {
			continue
		}
		id := fmt.Sprintf("run %s call %s", row["run_number"], row["call_idx"])
		got := stats.Rate(num(t, row, "eval_count"), num(t, row, "eval_duration_ms")/1000)
		want := num(t, row, "throughput_tok_s")
		assertClose(t, id+" throughput", want, got)
		thr = append(thr, got)
		storedThr = append(storedThr, want)
		ttft = append(ttft, num(t, row, "ttft_ms"))
	}
	if len(thr) != 6 {
		t.Fatalf("baseline_default/baseline has %d LLM calls, want 6 (3 runs × 2 calls)", len(thr))
	}
	t.Run("mean_throughput/row_80", func(t *testing.T) {
		got := stats.Mean(thr)
		assertClose(t, "mean throughput", stats.Mean(storedThr), got)
		assertClaim(t, 80, got)
	})
	t.Run("mean_ttft/row_81", func(t *testing.T) {
		assertClaim(t, 81, stats.Mean(ttft))
	})
	t.Run("throughput_cv/row_89", func(t *testing.T) {
		got := stats.CV(thr)
		assertClose(t, "throughput CV", stats.CV(storedThr), got)
		assertClaim(t, 89, got)
	})
}
