package synth

import "fmt"

// The vocabulary is SentencePiece-style (tokenizer.ggml.model "llama"),
// laid out as:
//
//	0            <unk>            unknown
//	1            <s>              control, BOS
//	2            </s>             control, EOS
//	3 … 258      <0x00> … <0xFF>  byte fallback
//	259          ▁                the word separator
//	260 … 353    ! … ~            printable ASCII, one character each
//	354 …        ▁a ▁b … ▁z ▁aa … words: "▁" and a lowercase string
//
// Only the words are sampleable (see weights.go). Each decodes to a space
// and a distinct non-empty string, so no two consecutive outputs are equal
// after strings.TrimSpace — Ollama aborts a stream, without done:true, once
// more than 30 chunks in a row trim to the same text. Everything else
// exists so that any prompt tokenizes: characters and bytes are inputs
// only, and EOS can never be produced, so a generation always runs to
// num_predict.
const (
	tokUnknown = 0
	tokBOS     = 1
	tokEOS     = 2
	firstByte  = 3
	tokSpace   = firstByte + 256
	firstChar  = tokSpace + 1
	firstWord  = firstChar + int('~'-'!'+1)
)

// GGUF token types, as llama.cpp's llama_token_type.
const (
	typeNormal  = 1
	typeUnknown = 2
	typeControl = 3
	typeByte    = 6
)

type vocab struct {
	tokens []string
	scores []float32
	types  []int32
}

func newVocab(n int) vocab {
	v := vocab{
		tokens: make([]string, n),
		scores: make([]float32, n),
		types:  make([]int32, n),
	}
	set := func(id int, tok string, typ int32) {
		v.tokens[id] = tok
		v.types[id] = typ
		if typ == typeNormal {
			// SentencePiece merges the highest-scoring pair first; earlier
			// (shorter) pieces win, as frequent pieces do in real models.
			v.scores[id] = -float32(id - tokSpace)
		}
	}
	set(tokUnknown, "<unk>", typeUnknown)
	set(tokBOS, "<s>", typeControl)
	set(tokEOS, "</s>", typeControl)
	for b := range 256 {
		set(firstByte+b, fmt.Sprintf("<0x%02X>", b), typeByte)
	}
	set(tokSpace, "▁", typeNormal)
	for c := '!'; c <= '~'; c++ {
		set(firstChar+int(c-'!'), string(c), typeNormal)
	}
	for id := firstWord; id < n; id++ {
		set(id, "▁"+word(id-firstWord), typeNormal)
	}
	return v
}

// sampleable reports whether the model may emit token id.
func sampleable(id int) bool { return id >= firstWord }

// word is the k-th lowercase string in shortlex order: a … z, aa … zz, aaa …
func word(k int) string {
	n, span := 1, 26
	for k >= span {
		k -= span
		n++
		span *= 26
	}
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte('a' + k%26)
		k /= 26
	}
	return string(b)
}
