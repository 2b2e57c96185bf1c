// Package synth writes synthetic llama-family models as GGUF files, so that
// every benchmark can run against a real Ollama server with no model
// downloaded and no network.
//
// The weights are random (seeded PCG, uniform, small-scale) and the output
// is gibberish, but the server does the real work of the architecture for
// every token. The weights are also arranged so that generation never ends
// early: only word-start pieces (" model") can be sampled — never EOS or
// any other special, byte, character or subword token — and the token just
// produced is pushed far down, so a request with num_predict N always
// returns eval_count == N with done:true, at any temperature, greedy
// included, and never trips Ollama's abort after ~30 identical tokens
// (weights.go explains how). The same Spec always writes the same bytes.
//
// # Families
//
// Each family is written in its model's real architecture, scaled down,
// with the proportions of the model the study ran:
//
//	family    GGUF arch  served by                  shaped after
//	llama3.1  llama      llama.cpp runner           Llama 3.1 8B: GQA 4:1, FFN 3.5×, RoPE base 5e5
//	gemma3    gemma3     Ollama's own engine        Gemma 3 4B: GQA 2:1, FFN 4×, q/k norms, post-norms,
//	                                                GELU, sliding window (512) with every 6th layer global
//	qwen2.5   qwen2      llama.cpp runner           Qwen2.5 7B: GQA 7:1, FFN ≈5.3×, q/k/v biases, RoPE base 1e6
//
// Departures from the real models, all deliberate: every family has an
// untied output matrix (Gemma 3 and the small Qwen2.5 models tie it to the
// embeddings; the stop-proof logit layout needs its own rows), the
// tokenizer is one 4096-token SentencePiece vocabulary for all three (Llama
// 3.1 and Qwen2.5 use 128k/152k BPE vocabularies, Gemma 3 a 262k one),
// Llama 3.1's long-context RoPE scaling is left out, and the trained
// context is 8192 tokens.
//
// # Tokenizer
//
// The tokenizer's pieces are byte-pair merges trained, when first needed,
// on words.txt: common English and the words of benchmark reports, at word
// starts, capitalised and inside identifiers; digits stay single, as in
// Gemma 3 and Qwen2.5. English prose takes about one token per four
// characters, and the agent's prompts come within 10% of Gemma's own
// tokenizer (TestPromptTokens): the analysis prompt, whose file paths and
// timestamps hold it near three characters per token on every tokenizer, is
// 470 tokens (Llama 3 393, Gemma 2 473). A Vocab above the tokenizer's
// 4096 pads it with unused tokens, so every preset tokenizes alike. The
// model only emits word-start pieces, each of which encodes back to one
// token.
//
// # Presets
//
// [Presets] names every family at four sizes, "<family>-<size>":
//
//	size    params  width      vocab  F16 file
//	tiny    ~5M     224–256     4096  ~11 MB
//	small   ~50M    448–512     8192  ~100 MB
//	medium  ~200M   896–1024   16384  ~400 MB
//	large   ~1B     1792–2048  32768  ~2 GB
//
// [DefaultPreset] (llama3.1-tiny) is what benchmarks use when no model is
// named. Matrices are F16 unless Spec.F32 is set; norms and biases are F32.
//
// [Write] streams the file to any io.Writer; [Size] and [Params] are known
// without writing, and [Fingerprint] names the bytes before they exist, so
// callers can cache files and tag models by it.
package synth
