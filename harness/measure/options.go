package measure

// Options are the per-request model options an agent sends. A nil field is
// not sent at all, so the server's default applies: an agent with zero
// Options is the study's "baseline" agent. Set fields with [Ptr].
type Options struct {
	NumGPU        *int     // layers offloaded to the GPU (the server clamps values above the layer count)
	NumCtx        *int     // context window
	Temperature   *float64 // sampling temperature
	TopP          *float64
	TopK          *int
	RepeatPenalty *float64

	// NumPredict fixes the number of generated tokens, which makes a
	// workload exactly repeatable (synthetic models always generate exactly
	// this many). The study did not set it.
	NumPredict *int
	// NumThread is the CPU threads per request. Changing it between
	// requests reloads the model, so it is set per instance, not per config.
	NumThread *int
	// Seed makes sampling repeatable.
	Seed *int
}

// Ptr returns a pointer to v, for setting an [Options] field.
func Ptr[T any](v T) *T { return &v }

// Map renders the options as Ollama's request options, omitting unset
// fields; nil when nothing is set, so the request carries no options.
func (o Options) Map() map[string]any {
	m := map[string]any{}
	put := func(k string, v any) { m[k] = v }
	if o.NumGPU != nil {
		put("num_gpu", *o.NumGPU)
	}
	if o.NumCtx != nil {
		put("num_ctx", *o.NumCtx)
	}
	if o.Temperature != nil {
		put("temperature", *o.Temperature)
	}
	if o.TopP != nil {
		put("top_p", *o.TopP)
	}
	if o.TopK != nil {
		put("top_k", *o.TopK)
	}
	if o.RepeatPenalty != nil {
		put("repeat_penalty", *o.RepeatPenalty)
	}
	if o.NumPredict != nil {
		put("num_predict", *o.NumPredict)
	}
	if o.NumThread != nil {
		put("num_thread", *o.NumThread)
	}
	if o.Seed != nil {
		put("seed", *o.Seed)
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
