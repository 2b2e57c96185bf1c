// Package ollamatest is a fake Ollama server for hermetic tests.
//
// It speaks the part of the Ollama HTTP API that the harness uses, with the
// JSON shapes of github.com/ollama/ollama/api v0.17.4 (it encodes with those
// types): GET/HEAD /, /api/version, /api/tags, /api/show, /api/ps,
// /api/generate and /api/chat (NDJSON streams, or one object with
// "stream": false), /api/create with HEAD/POST /api/blobs/sha256:…, and
// /api/pull; and the OpenAI-compatible /v1/chat/completions (streamed) and
// /v1/models in the shape of Ollama's /v1, vLLM, llama.cpp or a server that
// reports no usage ([OpenAIShape], openai.go). Other paths answer 404 and
// are recorded in [Server.Errors].
//
// # Timing script
//
// Each [Model] scripts its timing. A generate or chat request is served as:
//
//	arrival ─ load (if the model is not loaded) ─ queue (FIFO, NumParallel slots) ─
//	prefill (Prefill + PromptTokens × PrefillPerToken) ─ token 1 … token n, InterToken apart ─
//	InterToken ─ done chunk
//
// so the first content chunk leaves at the end of prefill and the done chunk
// reports load_duration (time from arrival until the load it waited for
// finished; 0 when already loaded), prompt_eval_duration = prefill,
// eval_count = n, eval_duration = n × InterToken and total_duration =
// arrival → done, which includes queueing. The done chunk always carries
// load_duration and prompt_eval_duration, even when they are 0 (Ollama's
// own are never 0, and the api types would omit a 0). As in Ollama, the
// response headers go out with the first chunk, so the first response byte
// is the first token.
//
// The prompt's token count is [PromptTokens]: ⌈bytes/4⌉, at least 1, where
// the text is System+Prompt for generate and the concatenated message
// contents for chat. n is the num_predict option when it is positive
// (done_reason "length"), else Model.Tokens (done_reason "stop").
//
// A model is loaded on first use and stays loaded for the request's
// keep_alive (Options.KeepAlive when absent; negative = forever). keep_alive 0
// unloads it as soon as no request holds it: it leaves /api/ps at once and
// the next request pays Load again. A request whose runner options (num_ctx,
// num_batch, num_gpu, num_thread) differ from the loaded runner's waits until
// the model is idle and reloads it, as Ollama does. An empty prompt (or no
// messages) loads the model and answers done_reason "load"; with keep_alive 0
// it unloads and answers "unload". All models may be loaded at once.
//
// Requests beyond NumParallel per model wait in arrival order; the wait shows
// in the client's time to first token and in total_duration, not in
// prompt_eval or eval durations.
//
// # Faults
//
// [Server.Inject] arms a [Fault] for one model (or all), for the next Count
// generate/chat requests that carry a prompt, or for all of them: an error
// status, a connection cut after k chunks, a stream that ends cleanly without
// its done chunk (as Ollama does after ~30 identical tokens), a stall after k
// chunks (nothing more until the client gives up), a slow first byte, or a
// bare done line with no content and no counts or durations.
// FaultKeepAlive sends lines with empty content every Delay after k chunks
// (busy, but generating nothing), and FaultMisreport lets a test rewrite
// the done line's counts and durations (a server that lies). Requests to
// /v1/chat/completions take the same faults, except that FaultKeepAlive and
// FaultMisreport leave their stream as it is.
//
// # Steps
//
// Every generate, chat and chat-completion request runs the same steps
// (turn.go): admit (find the model, take the fault, answer the early
// faults), queue (load, slot), prefill, decode (tokens on the absolute
// timeline, the fault when due) and done; a reply (native.go, openai.go)
// writes what each protocol sends. testdata/transcripts pins every exchange
// byte for byte, with its timing and log entry, on the bubble's clock
// (TestTranscript*): a change in the fake's behaviour shows there as a diff.
//
// # Virtual time
//
// All waiting is done with timers, so under testing/synctest the script is
// exact. Goroutines blocked on a real socket keep a bubble from idling, so
// inside a bubble use [NewInBubble] (or [PipeClient]), which serves the
// handler over net.Pipe; [Start] serves on a loopback httptest listener for
// real-time tests.
//
// The handlers never call testing's Fatal: protocol problems are recorded
// and reported by [Server.Errors] (and by the Cleanup of Start/NewInBubble).
package ollamatest
