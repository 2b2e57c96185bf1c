package harness

import "testing"

// TestModelKey checks the model=… segment values: a synthetic model by
// its preset, a real one by its tag with no '/', and a tag that only
// looks synthetic by its tag.
func TestModelKey(t *testing.T) {
	cases := map[string]ModelInfo{
		"synth:llama3.1-small":   {Tag: "chimera-synth/llama3.1-small:0123456789ab", Synthetic: true},
		"gemma3:270m":            {Tag: "gemma3:270m"},
		"hf.co_org_model:Q4_K_M": {Tag: "hf.co/org/model:Q4_K_M"},
		"chimera-synth_x:y":      {Tag: "chimera-synth/x:y"},
	}
	for want, m := range cases {
		if got := ModelKey(m); got != want {
			t.Errorf("ModelKey(%+v) = %q, want %q", m, got, want)
		}
	}
}
