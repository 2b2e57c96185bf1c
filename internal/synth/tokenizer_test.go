package synth

import (
	"container/heap"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// An encoder tokenizes as Ollama's SentencePiece does
// (tokenizer/sentencepiece.go in v0.17.4, which serves gemma3; llama.cpp's
// llm_tokenizer_spm, which serves llama and qwen2, merges the same way and
// only adds a leading "▁"). Ollama's tokenizer package is pure Go, but it
// needs modules this one does not require (regexp2, gods), so the test
// carries this copy; on the prompts and 60,000 characters of War and Peace
// it gave the same ids as that package reading a written GGUF.
type encoder struct {
	v   vocab
	ids map[string]int // normal tokens by text
}

func newEncoder(v vocab) encoder {
	e := encoder{v: v, ids: make(map[string]int, len(v.tokens))}
	for id, tok := range v.tokens {
		if v.types[id] == typeNormal {
			e.ids[tok] = id
		}
	}
	return e
}

// encode turns spaces into "▁", then joins the adjacent pair whose join is
// the highest-scoring token, leftmost first on ties, until no join is a
// token; what is left and not a token falls back to its bytes. It adds no
// BOS.
func (e encoder) encode(s string) []int {
	ids, v := e.ids, e.v
	var syms []symbol
	for _, r := range strings.ReplaceAll(s, " ", "▁") {
		syms = append(syms, symbol{prev: len(syms) - 1, next: len(syms) + 1, text: string(r)})
	}
	var q joins
	try := func(a, b int) {
		if a < 0 || b >= len(syms) {
			return
		}
		if id, ok := ids[syms[a].text+syms[b].text]; ok {
			heap.Push(&q, join{a: a, b: b, score: v.scores[id], size: len(syms[a].text) + len(syms[b].text)})
		}
	}
	for i := 1; i < len(syms); i++ {
		try(i-1, i)
	}
	for q.Len() > 0 {
		j := heap.Pop(&q).(join)
		l, r := syms[j.a], syms[j.b]
		if l.text == "" || r.text == "" || len(l.text)+len(r.text) != j.size {
			continue // one side was joined since
		}
		syms[j.a].text += r.text
		syms[j.a].next = r.next
		syms[j.b].text = ""
		if r.next < len(syms) {
			syms[r.next].prev = j.a
		}
		try(syms[j.a].prev, j.a)
		try(j.a, syms[j.a].next)
	}
	var out []int
	for _, sym := range syms {
		if sym.text == "" {
			continue
		}
		if id, ok := ids[sym.text]; ok {
			out = append(out, id)
			continue
		}
		for _, b := range []byte(sym.text) {
			out = append(out, firstByte+int(b))
		}
	}
	return out
}

type symbol struct {
	prev, next int
	text       string
}

type join struct {
	a, b  int
	score float32
	size  int
}

type joins []join

func (q joins) Len() int { return len(q) }
func (q joins) Less(i, j int) bool {
	return q[i].score > q[j].score || q[i].score == q[j].score && q[i].a < q[j].a
}
func (q joins) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *joins) Push(x any)   { *q = append(*q, x.(join)) }
func (q *joins) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// TestPromptTokens checks that the agent's prompts cost about as many
// tokens as on the study's models. testdata/prompts holds them as
// harness/agent renders them: the analysis prompt with the default corpus's
// ingest summary (modification times fixed), the report prompt with a
// hand-written analysis of that corpus, and the two persona prompts.
//
// The reference counts are Ollama v0.17.4's own tokenizers (its tokenizer
// package, no BOS) on these files: Llama 3.2's 128k BPE vocabulary, which
// Llama 3.1 shares, with digits grouped in threes; and Gemma 2's 256k
// SentencePiece vocabulary (Gemma 3's is a close relative), with single
// digits. Paths, timestamps and counts keep the analysis prompt near 3
// characters per token on both; plain prose is 4.5–5.
func TestPromptTokens(t *testing.T) {
	e := newEncoder(newVocab(MinVocab))
	tests := []struct {
		prompt        string
		llama3, gemma int
		prose         bool // instructions only, no data
	}{
		{"analysis", 393, 473, false},
		{"report", 389, 438, false},
		{"collector", 96, 104, true},
		{"insight", 81, 89, true},
	}
	for _, tt := range tests {
		t.Run(tt.prompt, func(t *testing.T) {
			b, err := os.ReadFile("testdata/prompts/" + tt.prompt + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			n := len(e.encode(string(b)))
			perToken := float64(utf8.RuneCount(b)) / float64(n)
			t.Logf("%d characters, %d tokens (%.2f per token); Llama 3 %d, Gemma 2 %d", utf8.RuneCount(b), n, perToken, tt.llama3, tt.gemma)
			// At most 15% more than Gemma, at least 90% of Llama 3.
			if lo, hi := tt.llama3*9/10, tt.gemma*115/100; n < lo || n > hi {
				t.Errorf("%d tokens, want %d–%d (Llama 3 %d, Gemma 2 %d)", n, lo, hi, tt.llama3, tt.gemma)
			}
			if tt.prose && (perToken < 3.5 || perToken > 5) {
				t.Errorf("%.2f characters per token of English prose, want 3.5–5", perToken)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	v := newVocab(MinVocab)
	e := newEncoder(v)
	show := func(ids []int) string {
		var parts []string
		for _, id := range ids {
			parts = append(parts, v.tokens[id])
		}
		return strings.Join(parts, "|")
	}
	tests := []struct{ name, in, want string }{
		{"whole words", "the model performance analysis", "the|▁model|▁performance|▁analysis"},
		{"capitals after a space and at a line start", "Key Findings\nBenchmark", "Key|▁Findings|\n|Benchmark"},
		{"identifiers", "ollama_bench_05.json", "ollama|_|bench|_|0|5|.|json"},
		{"digits one by one", " 2025", "▁|2|0|2|5"},
		{"byte fallback", "ж", "<0xD0>|<0xB6>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(e.encode(tt.in)); got != tt.want {
				t.Errorf("encode(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestSampleableWordsEncodeBack checks that every token the model can emit
// encodes back to itself, so generated text quoted in a later prompt costs
// one token per generated token.
func TestSampleableWordsEncodeBack(t *testing.T) {
	v := newVocab(MinVocab)
	e := newEncoder(v)
	for id, ok := range v.sampleable {
		if !ok {
			continue
		}
		text := strings.ReplaceAll(v.tokens[id], "▁", " ")
		if got := e.encode(text); len(got) != 1 || got[0] != id {
			t.Errorf("token %d %q encodes to %v", id, v.tokens[id], got)
		}
	}
}

func TestVocab(t *testing.T) {
	small, large := newVocab(MinVocab), newVocab(MinVocab+1000)
	if len(small.tokens) != MinVocab || len(large.tokens) != MinVocab+1000 {
		t.Fatalf("vocab sizes %d and %d, want %d and %d", len(small.tokens), len(large.tokens), MinVocab, MinVocab+1000)
	}
	seen := map[string]int{}
	words := map[string]int{}
	for id, tok := range large.tokens {
		if id < MinVocab && (tok != small.tokens[id] || large.scores[id] != small.scores[id] || large.types[id] != small.types[id]) {
			t.Fatalf("token %d differs between vocab sizes: the tokenizer must not depend on Vocab", id)
		}
		if prev, dup := seen[tok]; dup || tok == "" {
			t.Fatalf("token %d %q empty or a duplicate of %d", id, tok, prev)
		}
		seen[tok] = id
		if id >= MinVocab && (large.types[id] != typeUnused || large.sampleable[id]) {
			t.Errorf("token %d %q past the tokenizer is not unused padding", id, tok)
		}
		if !large.sampleable[id] {
			continue
		}
		text := strings.TrimSpace(strings.ReplaceAll(tok, "▁", " "))
		if text == "" || !isWord(tok) || large.types[id] != typeNormal {
			t.Errorf("sampleable token %d %q is not a space and lowercase letters", id, tok)
		}
		if prev, dup := words[text]; dup {
			t.Errorf("tokens %d and %d both trim to %q", prev, id, text)
		}
		words[text] = id
	}
	if len(words) < 1000 {
		t.Errorf("%d sampleable words, want at least 1000", len(words))
	}

	// SentencePiece only ever forms a piece by joining two tokens, so each
	// learned piece must split into two tokens that come before it (and
	// score higher); digits must stay single.
	for id := firstPiece; id < MinVocab; id++ {
		tok := small.tokens[id]
		if strings.ContainsAny(tok, "0123456789") {
			t.Errorf("piece %d %q holds a digit", id, tok)
		}
		if small.scores[id] >= small.scores[id-1] && id > firstPiece {
			t.Errorf("piece %d %q scores %v, not below the piece before it", id, tok, small.scores[id])
		}
		reachable := false
		for i := range tok {
			if a, ok := seen[tok[:i]]; i > 0 && ok && a < id {
				if b, ok := seen[tok[i:]]; ok && b < id {
					reachable = true
					break
				}
			}
		}
		if !reachable {
			t.Errorf("piece %d %q is not the join of two earlier tokens", id, tok)
		}
	}
}
