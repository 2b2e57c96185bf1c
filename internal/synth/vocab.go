package synth

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The vocabulary is SentencePiece-style (tokenizer.ggml.model "llama"),
// laid out as:
//
//	0              <unk>            unknown
//	1              <s>              control, BOS
//	2              </s>             control, EOS
//	3 … 258        <0x00> … <0xFF>  byte fallback
//	259 …          ▁ \n \t ! … ~ …  single characters
//	firstPiece …   re in … ▁the …   learned pieces, in merge order
//	MinVocab …     <unused0> …      padding, unused
//
// The learned pieces are byte-pair merges (bpe.go) trained on words.txt:
// common English and the vocabulary of benchmark reports, each word in the
// forms SentencePiece meets it — at a word start ("▁model"), capitalised,
// and inside identifiers ("ollama_bench"). An English prompt then takes
// about one token per four characters, while digits stay one token each, as
// in Gemma 3 and Qwen2.5; the agent's prompts come out within a few percent
// of what Gemma's own tokenizer makes of them.
//
// The first MinVocab tokens are the whole tokenizer, the same for every
// Spec, so a prompt has the same token count on every preset. A larger
// Vocab adds padding tokens that no text encodes to, as real models pad
// their vocabularies: they widen the embedding and output matrices, and so
// the work per token, without changing the tokenizer.
//
// Only the word-start pieces of lowercase letters ("▁the", "▁model") are
// sampleable (see weights.go). Each decodes to a space and a distinct
// non-empty string, so no two consecutive outputs are equal after
// strings.TrimSpace — Ollama aborts a stream, without done:true, once more
// than 30 chunks in a row trim to the same text — and each encodes back to
// one token, so a model's answer quoted in the next prompt costs what it
// cost to generate. Everything else exists so that any prompt tokenizes:
// characters, subwords, bytes and padding are inputs only, and EOS can
// never be produced, so a generation always runs to num_predict.
const (
	tokUnknown = 0
	tokBOS     = 1
	tokEOS     = 2
	firstByte  = 3
	firstChar  = firstByte + 256
)

// MinVocab is the smallest Vocab a Spec may have: the tokenizer, which is
// the control and byte tokens, the characters and the learned pieces.
const MinVocab = 4096

// GGUF token types, as llama.cpp's llama_token_type.
const (
	typeNormal  = 1
	typeUnknown = 2
	typeControl = 3
	typeUnused  = 5
	typeByte    = 6
)

// chars are the single-character pieces: the word separator, white space,
// printable ASCII and a few characters common in English prose. Any other
// character encodes as its UTF-8 bytes.
var chars = func() []string {
	cs := []string{"▁", "\n", "\t"}
	for c := '!'; c <= '~'; c++ {
		cs = append(cs, string(c))
	}
	return append(cs, strings.Fields("• — – ’ “ ” … × → ≈ ± ° µ é")...)
}()

var firstPiece = firstChar + len(chars)

//go:embed words.txt
var wordList string

// corpus is the training text of the tokenizer: every entry of words.txt,
// in the forms its section gives, weighted 1/(rank+1000) (an entry listed
// twice keeps its higher weight). The weights fall
// gently, so that earlier words are learned first but the end of the list
// still trains; digits are never part of an entry, so they never merge.
func corpus() map[string]int64 {
	c := map[string]int64{}
	add := func(s string, w int64) {
		if !strings.ContainsAny(s, "0123456789") {
			c[s] = max(c[s], w)
		}
	}
	rank, section := 0, ""
	for line := range strings.Lines(wordList) {
		if s, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(s)
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		for _, word := range strings.Fields(line) {
			w := int64(1e9) / int64(rank+1000)
			rank++
			switch section {
			case "symbols":
				add(strings.ReplaceAll(word, `\n`, "\n"), w)
			case "identifiers":
				add(word, w)
				add("▁"+word, w/2)
			case "names":
				add("▁"+word, w)
				add(word, w/2)
			default:
				add("▁"+word, w)
				add(word, w/8)
				if r, size := utf8.DecodeRuneInString(word); unicode.IsLower(r) {
					title := string(unicode.ToUpper(r)) + word[size:]
					add("▁"+title, w/4)
					add(title, w/8)
				}
			}
		}
	}
	return c
}

// pieces are the learned pieces, most frequent merge first. They are
// derived once per process (about 50 ms) and never modified.
var pieces = sync.OnceValue(func() []string {
	return bpe(corpus(), chars, MinVocab-firstPiece)
})

type vocab struct {
	tokens []string
	scores []float32
	types  []int32
	// sampleable[id] reports whether the model may emit token id.
	sampleable []bool
}

func newVocab(n int) vocab {
	v := vocab{
		tokens:     make([]string, 0, n),
		scores:     make([]float32, 0, n),
		types:      make([]int32, 0, n),
		sampleable: make([]bool, 0, n),
	}
	add := func(tok string, score float32, typ int32) {
		v.tokens = append(v.tokens, tok)
		v.scores = append(v.scores, score)
		v.types = append(v.types, typ)
		v.sampleable = append(v.sampleable, typ == typeNormal && isWord(tok))
	}
	add("<unk>", 0, typeUnknown)
	add("<s>", 0, typeControl)
	add("</s>", 0, typeControl)
	for b := range 256 {
		add(fmt.Sprintf("<0x%02X>", b), 0, typeByte)
	}
	// SentencePiece joins the adjacent pair whose joined piece scores
	// highest, so each piece scores by its merge order and the encoder
	// replays the training merges. A character is never a join: its score
	// is moot, and set below every piece's.
	for _, c := range chars {
		add(c, -float32(MinVocab), typeNormal)
	}
	for i, p := range pieces()[:MinVocab-firstPiece] {
		add(p, -float32(i), typeNormal)
	}
	for i := 0; len(v.tokens) < n; i++ {
		add(fmt.Sprintf("<unused%d>", i), -float32(MinVocab), typeUnused)
	}
	return v
}

// isWord reports whether tok is "▁" followed by lowercase ASCII letters.
func isWord(tok string) bool {
	w, ok := strings.CutPrefix(tok, "▁")
	return ok && w != "" && !strings.ContainsFunc(w, func(r rune) bool { return r < 'a' || r > 'z' })
}
