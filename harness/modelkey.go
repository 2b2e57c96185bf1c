package harness

import "strings"

// ModelKey is m's value in a sub-benchmark name's model=… segment:
// "synth:<preset>" as CHIMERA_MODELS spells a synthetic model (its
// fingerprint is in the model-digest config line), else the tag with '/'
// made '_' (a name segment cannot hold '/').
func ModelKey(m ModelInfo) string {
	if preset, ok := strings.CutPrefix(m.Tag, "chimera-synth/"); ok && m.Synthetic {
		preset, _, _ = strings.Cut(preset, ":")
		return SynthPrefix + preset
	}
	return strings.ReplaceAll(m.Tag, "/", "_")
}
