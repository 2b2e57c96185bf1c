package measure

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sampleRecord(run string) Record {
	return Record{
		Run: run, Model: "tiny:latest", URL: "http://127.0.0.1:11434", Endpoint: "generate",
		Options: map[string]any{"num_predict": 8.0}, Prompt: 80,
		Start:     time.Date(2026, 11, 26, 1, 2, 3, 4, time.UTC),
		FirstByte: 120 * ms, FirstContent: 120 * ms, Chunks: steps(120*ms, 10*ms, 3), End: 150 * ms,
		LoadDuration: Ptr(100 * ms), PromptEvalCount: Ptr(20), PromptEvalDuration: Ptr(20 * ms),
		EvalCount: Ptr(3), EvalDuration: Ptr(30 * ms), TotalDuration: Ptr(150 * ms), DoneReason: "length",
		ResponseChars: 12,
	}
}

func TestTraceRoundTripsRecords(t *testing.T) {
	tr, err := OpenTrace(filepath.Join(t.TempDir(), "t.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{sampleRecord("1"), sampleRecord("2")}
	want[1].Err = "generate tiny at x: 0 content chunks (0 bytes) in 1s: stream stalled"
	for _, r := range want {
		withText := r
		withText.Response = "not in the trace"
		if err := tr.Write(withText); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadTrace(tr.Path())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Write(want[0]); err == nil {
		t.Errorf("Write after Close succeeded")
	}
}

func TestTraceConcurrentWritersKeepWholeLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	tr, err := OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := sampleRecord(strconv.Itoa(w*each + i))
				r.Chunks = steps(0, ms, 200) // long lines
				if err := tr.Write(r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got, err := ReadTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range got {
		seen[r.Run] = true
	}
	if len(got) != writers*each || len(seen) != writers*each {
		t.Errorf("read %d records, %d distinct; want %d", len(got), len(seen), writers*each)
	}
}

// ReadTrace returns every whole record of a torn file and names each
// torn line (wrapping ErrTorn). main stopped at the first torn line: after
// a full disk tore line 5 and the next run appended 8 records, all 8 were
// unreadable.
func TestReadTraceReturnsEveryWholeRecordAndNamesTheTornLines(t *testing.T) {
	good, err := os.ReadFile(writeTrace(t, sampleRecord("1")))
	if err != nil {
		t.Fatal(err)
	}
	g, half := string(good), string(good[:len(good)/2])
	for _, tc := range []struct {
		name     string
		content  string
		wantRecs int
		wantErr  string
	}{
		{"truncated last line", g + g + half, 2, "line 3: torn record (no newline)"},
		{"last line without newline", g + strings.TrimSuffix(g, "\n"), 1, "line 2: torn record (no newline)"},
		{"garbage in the middle (main: 1 record)", g + "{oops\n" + g, 2, "line 2: torn record (invalid character"},
		{"torn line then a fresh one (main: 2 records)", g + g + half + "\n" + g + g + g, 5, "line 3: torn record (unexpected end of JSON input)"},
		{"main's append onto a torn line loses that record only", g + half + g + g, 2, "line 2: torn record (invalid character"},
		{"two torn lines both named", half + "\n" + g + half + "\n" + g, 2, "line 1: torn record (unexpected end of JSON input); line 3: torn record (unexpected end of JSON input)"},
		{"clean file", g + g, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.jsonl")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			recs, err := ReadTrace(path)
			if len(recs) != tc.wantRecs {
				t.Errorf("got %d records, want %d", len(recs), tc.wantRecs)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrTorn)):
				t.Errorf("err = %v, want ErrTorn naming %s and %q", err, path, tc.wantErr)
			}
		})
	}
}

func writeTrace(t *testing.T, recs ...Record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.jsonl")
	tr, err := OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := tr.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTraceWriteErrorIsReturned(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full to fill: %v", err)
	}
	tr, err := OpenTrace("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.f.Close()
	err = tr.Write(sampleRecord("1"))
	if err == nil || !strings.Contains(err.Error(), "no space left") || !strings.Contains(err.Error(), "/dev/full") {
		t.Errorf("Write to a full disk: err = %v, want ENOSPC naming the file", err)
	}
}

// The server's accounting keeps "absent" apart from 0 through a trace: an
// absent field stays absent, a reported 0 stays a 0, and a trace written
// before absence was recorded (every field present) reads as it did.
func TestTraceKeepsAbsentAccountingAbsent(t *testing.T) {
	bare := sampleRecord("bare")
	bare.LoadDuration, bare.PromptEvalCount, bare.PromptEvalDuration = nil, nil, nil
	bare.EvalCount, bare.EvalDuration, bare.TotalDuration = nil, nil, nil
	warm := sampleRecord("warm")
	warm.LoadDuration = Ptr(time.Duration(0))
	got, err := ReadTrace(writeTrace(t, bare, warm))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Record{bare, warm}, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}

	old := `{"model":"tiny","url":"u","endpoint":"generate","prompt_chars":2,"start":"2026-11-26T01:02:03Z","first_byte_ns":0,"first_content_ns":0,"end_ns":5,` +
		`"load_duration_ns":0,"prompt_eval_count":0,"prompt_eval_duration_ns":0,"eval_count":0,"eval_duration_ns":0,"total_duration_ns":5,"response_chars":0}` + "\n"
	path := filepath.Join(t.TempDir(), "old.jsonl")
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadTrace(path)
	if err != nil || len(recs) != 1 {
		t.Fatalf("old trace: %d records, %v", len(recs), err)
	}
	if r := recs[0]; r.LoadDuration == nil || r.PromptEvalCount == nil || r.PromptEvalDuration == nil || r.EvalCount == nil || r.EvalDuration == nil || r.TotalDuration == nil {
		t.Errorf("old trace's zeros read as absent: load %v, prompt count %v, prefill %v, eval count %v, eval %v, total %v",
			r.LoadDuration, r.PromptEvalCount, r.PromptEvalDuration, r.EvalCount, r.EvalDuration, r.TotalDuration)
	}
}
