package measure

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzOpenAIStream feeds arbitrary event streams to the OpenAI line
// reader: it must not panic, every error names a line that exists (or the
// one after the last), a malformed line is quoted at most 200 bytes long
// and never with the key, and a record keeps no more token chunks than
// there were lines, none after [DONE], and no negative token count.
func FuzzOpenAIStream(f *testing.F) {
	const key = "sk-fuzz-key"
	for _, seed := range []string{
		"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
		"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"timings\":{\"prompt_n\":2,\"prompt_ms\":1.5,\"predicted_n\":1,\"predicted_ms\":0.25}}\n\ndata: [DONE]\n",
		": ping\nevent: x\nid: 1\nretry: 5\n\ndata: [DONE]\n",
		"data: {\"error\":{\"message\":\"bad " + key + "\"}}\n",
		"data: {oops\n",
		"nonsense " + key + strings.Repeat("z", 300) + "\n",
		"data: [DONE]\n\ndata: {\"choices\":[]}\n",
		"data: {\"choices\":[{\"delta\":{\"content\":null}}],\"usage\":null}\n",
		"data: {\"choices\":[],\"usage\":{\"completion_tokens\":-5}}\n\ndata: [DONE]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Record
		var text strings.Builder
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		m := &sseMeter{meter: &meter{r: &r, text: &text, start: time.Now(), timer: timer, stall: time.Hour}, key: key}
		err := readStream(bytes.NewReader(body), m.line)
		lines := bytes.Count(body, []byte("\n"))
		if len(body) > 0 && body[len(body)-1] != '\n' {
			lines++
		}
		if n := len(r.Chunks) + len(r.Reasoning); n > lines {
			t.Errorf("%d token chunks from %d lines", n, lines)
		}
		if first, last, n := r.tokenChunks(); m.done && n > 0 && (last > r.End || first > last) {
			t.Errorf("token chunks %v..%v against [DONE] at %v", first, last, r.End)
		}
		if r.TokensCounted && (r.EvalCount == nil || *r.EvalCount != len(r.Chunks)+len(r.Reasoning)) {
			t.Errorf("counted %v tokens from %d chunks", r.EvalCount, len(r.Chunks)+len(r.Reasoning))
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, key) {
			t.Errorf("the key is quoted: %v", err)
		}
		sub := streamErrLine.FindStringSubmatch(msg)
		if sub == nil {
			t.Fatalf("error does not name its line: %v", err)
		}
		if n, _ := strconv.Atoi(sub[1]); n < 1 || n > lines+1 {
			t.Errorf("error names line %d of %d: %v", n, lines, err)
		}
		if q, ok := strings.CutPrefix(msg[len(sub[0]):], errMalformedSSE.Error()+": "); ok {
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
