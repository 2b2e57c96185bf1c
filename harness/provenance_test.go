package harness

import (
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
)

// The provenance says which backend the embedded build ran on, so that a
// run on the CPU of a GPU machine is never mistaken for a GPU run; servers
// the harness did not build get no such line (it cannot know).
func TestProvenanceNamesTheEmbeddedBackend(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   Instance
		want string // "" = no ollama-backend line
	}{
		{"embedded with the CUDA backend", Instance{Source: SourceEmbedded, Backend: ollamabuild.BackendCUDA, Version: "0.17.4"}, "ollama-backend: cuda"},
		{"embedded on the CPU", Instance{Source: SourceEmbedded, Backend: ollamabuild.BackendCPU, Version: "0.17.4"}, "ollama-backend: cpu"},
		{"a server on PATH", Instance{Source: SourceBin, Version: "0.17.4"}, ""},
		{"an external server", Instance{Source: SourceURLs, Version: "0.17.4"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines := Provenance(t, []*Instance{&tt.in}, nil, measure.Options{})
			i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "ollama-backend:") })
			switch {
			case tt.want == "" && i >= 0:
				t.Errorf("provenance has %q, want no ollama-backend line", lines[i])
			case tt.want != "" && (i < 0 || lines[i] != tt.want):
				t.Errorf("provenance lines %q lack %q", lines, tt.want)
			}
		})
	}
}

// The provenance names the embedded build's compiler flags: builds for
// different targets (native, a named one, the portable fallback) have
// different kernels and must not be pooled.
func TestProvenanceNamesTheEmbeddedCFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   Instance
		want string // "" = no ollama-cflags line
	}{
		{"embedded, native", Instance{Source: SourceEmbedded, Backend: ollamabuild.BackendCPU, CFlags: "-O3 -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"}, "ollama-cflags: -O3 -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"},
		{"embedded, the fallback", Instance{Source: SourceEmbedded, Backend: ollamabuild.BackendCUDA, CFlags: "-O3 -march=x86-64-v3"}, "ollama-cflags: -O3 -march=x86-64-v3"},
		{"a server on PATH", Instance{Source: SourceBin}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines := Provenance(t, []*Instance{&tt.in}, nil, measure.Options{})
			i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "ollama-cflags:") })
			switch {
			case tt.want == "" && i >= 0:
				t.Errorf("provenance has %q, want no ollama-cflags line", lines[i])
			case tt.want != "" && (i < 0 || lines[i] != tt.want):
				t.Errorf("provenance lines %q lack %q", lines, tt.want)
			}
		})
	}
}
