package onnx_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/internal/studydata/studydatatest"
)

// The prompts are the data pack's, word for word, and their token counts
// are the study's: tr118's padded lengths (longest of a set: 11, 19, 27)
// and tr120's per-prompt counts (1, 9, 11, 17, 19, 25, 27, 51).
func TestStudyPromptsAreTheStudys(t *testing.T) {
	want := map[string][]int{"micro": {1, 1}, "short": {9, 11}, "medium": {17, 19}, "long": {27, 25}, "stress": {51}}
	for set, lens := range want {
		ps := onnx.StudyPrompts(set)
		if len(ps) != len(lens) {
			t.Fatalf("%s: %d prompts, want %d", set, len(ps), len(lens))
		}
		for i, p := range ps {
			if len(p.Tokens) != lens[i] {
				t.Errorf("%s[%d] %q: %d tokens, want %d", set, i, p.Text, len(p.Tokens), lens[i])
			}
			for _, id := range p.Tokens {
				if id < 0 || id >= 50257 {
					t.Errorf("%s[%d]: token %d outside GPT-2's vocabulary", set, i, id)
				}
			}
		}
	}
	if onnx.StudyPrompts("nonesuch") != nil {
		t.Error("an unknown set has prompts")
	}
	dir := studydatatest.Require(t)
	f, err := os.Open(filepath.Join(dir, "prompts", "tr117_tier3_prompt_sets.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		key, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		set, idx, _ := strings.Cut(strings.TrimSuffix(key, "]"), "[")
		ps := onnx.StudyPrompts(set)
		i := int(idx[0] - '0')
		if i >= len(ps) || ps[i].Text != text {
			t.Errorf("%s: the data pack has %q", key, text)
		}
		n++
	}
	if n != 9 {
		t.Errorf("the data pack has %d prompts, want 9", n)
	}
}
