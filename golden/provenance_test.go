package golden

import "testing"

func TestIsIdentifying(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"gpu", true},
		{"ollama-cflags", true},
		{"protocol", true},
		{"model", true},
		{"model2", true},
		{"model2-digest", true},
		{"model12-synthetic", true},
		{"model2-other", false},
		{"models", false},
		{"model-", false},
		{"harness-commit", false},
		{"pkg", false},
		{"", false},
	} {
		if got := IsIdentifying(tc.key); got != tc.want {
			t.Errorf("IsIdentifying(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}
