package measure

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// streamErrLine is how every error of the stream decoder starts.
var streamErrLine = regexp.MustCompile(`^stream line ([0-9]+): `)

// FuzzStream feeds arbitrary response bodies to the measured calls' NDJSON
// loop and line decoder: it must not panic, every error must name its line
// (one that exists, or the one after the last for a bad read), a malformed
// line is quoted at most 200 bytes long, and a record keeps no more chunks
// than there were lines, and none after its done line.
func FuzzStream(f *testing.F) {
	for _, seed := range []string{
		`{"response":"a","done":false}` + "\n" + `{"response":"","done":true,"done_reason":"stop","load_duration":5,"prompt_eval_count":2,"prompt_eval_duration":7,"eval_count":1,"eval_duration":9,"total_duration":30}` + "\n",
		`{"message":{"role":"assistant","content":"hi"},"done":false}` + "\n" + `{"message":{"content":""},"done":true}`,
		`{"done":true,"done_reason":"stop"}` + "\n",                          // bare: nothing measured
		`{"done":true,"load_duration":null,"prompt_eval_duration":0}` + "\n", // null is absent, 0 is 0
		`{"response":"a"}` + "\n" + `{"error":"runner crashed"}` + "\n",      // an error line
		`{"response":"a"}` + "\n" + `{oops` + "\n",                           // malformed
		`{"response":"` + strings.Repeat("x", 300) + "\n",                    // malformed and long
		"\n", // a blank line
		`{"done":true,"load_duration":1e30}` + "\n",                                      // out of range
		`{"response":"a","done":true}` + "\n" + `{"response":"after done","done":false}`, // content after done
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Record
		var text strings.Builder
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		m := &meter{r: &r, text: &text, start: time.Now(), timer: timer, stall: time.Hour}
		err := readStream(bytes.NewReader(body), m.line)
		lines := bytes.Count(body, []byte("\n"))
		if len(body) > 0 && body[len(body)-1] != '\n' {
			lines++
		}
		if len(r.Chunks) > lines {
			t.Errorf("%d chunks from %d lines", len(r.Chunks), lines)
		}
		if m.done && len(r.Chunks) > 0 && r.Chunks[len(r.Chunks)-1] > r.End {
			t.Errorf("a content chunk at %v after the done line at %v", r.Chunks[len(r.Chunks)-1], r.End)
		}
		if err == nil {
			return
		}
		sub := streamErrLine.FindStringSubmatch(err.Error())
		if sub == nil {
			t.Fatalf("error does not name its line: %v", err)
		}
		if n, _ := strconv.Atoi(sub[1]); n < 1 || n > lines+1 {
			t.Errorf("error names line %d of %d: %v", n, lines, err)
		}
		if q, ok := strings.CutPrefix(err.Error()[len(sub[0]):], "malformed line "); ok {
			quoted, perr := strconv.QuotedPrefix(q)
			if perr != nil {
				t.Fatalf("malformed line not quoted: %v", err)
			}
			if s, _ := strconv.Unquote(quoted); len(s) > maxQuotedLine {
				t.Errorf("quoted %d bytes of the line, want at most %d", len(s), maxQuotedLine)
			}
		}
	})
}

// FuzzReadTrace reads arbitrary trace files: no panic; an error names the
// file and a line; every record read is written back by Trace.Write and
// reads back the same.
func FuzzReadTrace(f *testing.F) {
	good, err := json.Marshal(sampleRecord("1"))
	if err != nil {
		f.Fatal(err)
	}
	bare := sampleRecord("bare")
	bare.LoadDuration, bare.PromptEvalCount, bare.PromptEvalDuration = nil, nil, nil
	bare.EvalCount, bare.EvalDuration, bare.TotalDuration = nil, nil, nil
	bareLine, err := json.Marshal(bare)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(good) + "\n" + string(bareLine) + "\n",
		string(good) + "\n" + string(good[:len(good)/2]), // cut by a crash
		"{oops\n",
		"\n\n",
		`{"model":"m","start":"2026-11-26T01:02:03Z","chunks_ns":[1,2],"options":{"num_predict":8}}` + "\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir() // one for all iterations: a TempDir each is slow
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "t.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		again := filepath.Join(dir, "again.jsonl")
		if err := os.Remove(again); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		recs, err := ReadTrace(path)
		if err != nil && (!strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), ": line ")) {
			t.Errorf("error does not name the file and a line: %v", err)
		}
		if len(recs) > bytes.Count(data, []byte("\n")) {
			t.Errorf("%d records from %d lines", len(recs), bytes.Count(data, []byte("\n")))
		}
		if len(recs) == 0 {
			return
		}
		tr, err := OpenTrace(again)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := tr.Write(r); err != nil {
				t.Fatalf("a record read from a trace cannot be written back: %v", err)
			}
		}
		if err := tr.f.Close(); err != nil { // Close would fsync: slow, and not what is tested
			t.Fatal(err)
		}
		reread, err := ReadTrace(again)
		if err != nil {
			t.Fatal(err)
		}
		// Empty options or chunks are written as none: the same call.
		if diff := cmp.Diff(recs, reread, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("records change when written back (-read +reread):\n%s", diff)
		}
	})
}
