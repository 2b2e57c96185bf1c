package synth

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/x448/float16"
)

// GGUF v3 constants (ggml/docs/gguf.md).
const (
	ggufAlign = 32

	ggufUint32  = 4
	ggufInt32   = 5
	ggufFloat32 = 6
	ggufBool    = 7
	ggufString  = 8
	ggufArray   = 9

	ggmlF32 = 0
	ggmlF16 = 1
)

// kv is one metadata entry; the file keeps them in this order.
type kv struct {
	key   string
	value any
}

func metadata(s Spec) []kv {
	arch := s.Arch()
	fileType := uint32(1) // mostly F16
	if s.F32 {
		fileType = 0
	}
	a := func(k string, v any) kv { return kv{arch + "." + k, v} }
	md := []kv{
		{"general.architecture", arch},
		{"general.name", fmt.Sprintf("chimeraforge synthetic %s (seed %d)", s.Family, s.Seed)},
		{"general.file_type", fileType},
		a("context_length", uint32(s.Ctx)),
		a("embedding_length", uint32(s.Width)),
		a("block_count", uint32(s.Layers)),
		a("feed_forward_length", uint32(s.FFN)),
		a("attention.head_count", uint32(s.Heads)),
		a("attention.head_count_kv", uint32(s.KVHeads)),
	}
	switch s.Family {
	case "llama3.1":
		md = append(md,
			a("attention.layer_norm_rms_epsilon", float32(1e-5)),
			a("rope.dimension_count", uint32(s.headDim())),
			a("rope.freq_base", float32(500000)),
			a("vocab_size", uint32(s.Vocab)),
		)
	case "qwen2.5":
		md = append(md,
			a("attention.layer_norm_rms_epsilon", float32(1e-6)),
			a("rope.freq_base", float32(1e6)),
		)
	case "gemma3":
		md = append(md,
			a("attention.key_length", uint32(s.headDim())),
			a("attention.value_length", uint32(s.headDim())),
			a("attention.layer_norm_rms_epsilon", float32(1e-6)),
			a("attention.sliding_window", uint32(min(512, s.Ctx))),
			a("rope.freq_base", float32(1e6)),
			a("rope.local.freq_base", float32(10000)),
		)
	}
	v := newVocab(s.Vocab)
	md = append(md,
		kv{"tokenizer.ggml.model", "llama"},
		kv{"tokenizer.ggml.tokens", v.tokens},
		kv{"tokenizer.ggml.scores", v.scores},
		kv{"tokenizer.ggml.token_type", v.types},
		kv{"tokenizer.ggml.bos_token_id", uint32(tokBOS)},
		kv{"tokenizer.ggml.eos_token_id", uint32(tokEOS)},
		kv{"tokenizer.ggml.unknown_token_id", uint32(tokUnknown)},
		kv{"tokenizer.ggml.add_bos_token", true},
		kv{"tokenizer.ggml.add_eos_token", false},
	)
	if s.Family == "gemma3" {
		// Ollama's gemma3 treats tokenizer.ggml.eot_token_id, default 106
		// (<end_of_turn>), as a stop token; 106 is a word here.
		md = append(md, kv{"tokenizer.ggml.eot_token_id", uint32(tokEOS)})
	}
	return md
}

// header encodes everything before the tensor data, padding included.
func header(s Spec, ts []tensor) ([]byte, error) {
	md := metadata(s)
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) } // a bytes.Buffer never fails
	str := func(v string) { le(uint64(len(v))); b.WriteString(v) }
	b.WriteString("GGUF")
	le(uint32(3))
	le(uint64(len(ts)))
	le(uint64(len(md)))
	for _, e := range md {
		str(e.key)
		switch v := e.value.(type) {
		case uint32:
			le(uint32(ggufUint32))
			le(v)
		case float32:
			le(uint32(ggufFloat32))
			le(v)
		case bool:
			le(uint32(ggufBool))
			le(v)
		case string:
			le(uint32(ggufString))
			str(v)
		case []string:
			le(uint32(ggufArray))
			le(uint32(ggufString))
			le(uint64(len(v)))
			for _, x := range v {
				str(x)
			}
		case []float32:
			le(uint32(ggufArray))
			le(uint32(ggufFloat32))
			le(uint64(len(v)))
			le(v)
		case []int32:
			le(uint32(ggufArray))
			le(uint32(ggufInt32))
			le(uint64(len(v)))
			le(v)
		default:
			return nil, fmt.Errorf("synth: metadata %s has unsupported type %T", e.key, v)
		}
	}
	var off uint64
	for _, t := range ts {
		str(t.name)
		le(uint32(len(t.shape)))
		le(t.shape)
		if t.f32 {
			le(uint32(ggmlF32))
		} else {
			le(uint32(ggmlF16))
		}
		le(off)
		off += padded(uint64(t.bytes()))
	}
	b.Write(make([]byte, padded(uint64(b.Len()))-uint64(b.Len())))
	return b.Bytes(), nil
}

func padded(n uint64) uint64 { return (n + ggufAlign - 1) / ggufAlign * ggufAlign }

// Size is the length in bytes of the file [Write] produces for s, known
// before writing so callers can show progress.
func Size(s Spec) (int64, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	ts := tensors(s)
	h, err := header(s, ts)
	if err != nil {
		return 0, err
	}
	n := uint64(len(h))
	for _, t := range ts {
		n += padded(uint64(t.bytes()))
	}
	return int64(n), nil
}

// Write writes s as a GGUF v3 file to w. The bytes depend only on s (and
// [Version]): writing the same Spec twice gives identical files. It streams
// row by row, so memory use stays small for any size.
func Write(w io.Writer, s Spec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	ts := tensors(s)
	h, err := header(s, ts)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(h); err != nil {
		return fmt.Errorf("synth: write header: %w", err)
	}
	for _, t := range ts {
		if err := writeTensor(bw, t); err != nil {
			return fmt.Errorf("synth: write %s: %w", t.name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("synth: write: %w", err)
	}
	return nil
}

func writeTensor(w *bufio.Writer, t tensor) error {
	vals := make([]float32, t.cols())
	width := 2
	if t.f32 {
		width = 4
	}
	buf := make([]byte, width*len(vals))
	for r := range t.rows() {
		t.row(r, vals)
		for i, v := range vals {
			if t.f32 {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
			} else {
				binary.LittleEndian.PutUint16(buf[2*i:], float16.Fromfloat32(v).Bits())
			}
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	pad := padded(uint64(t.bytes())) - uint64(t.bytes())
	_, err := w.Write(make([]byte, pad))
	return err
}
