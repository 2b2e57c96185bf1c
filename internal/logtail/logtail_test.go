package logtail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTail(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.log")
	os.WriteFile(small, []byte("a\nb\nc\n"), 0o644)
	big := filepath.Join(dir, "big.log")
	os.WriteFile(big, []byte(strings.Repeat("x\n", window)+"last\n"), 0o644)
	tests := []struct {
		name, path string
		n          int
		want       string
	}{
		{"fewer lines than asked returns them all", small, 10, "a\nb\nc"},
		{"the last n lines, without the final newline", small, 2, "b\nc"},
		{"a large file is read from its end", big, 2, "x\nlast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tail(tt.path, tt.n); got != tt.want {
				t.Errorf("Tail = %q, want %q", got, tt.want)
			}
		})
	}
	if got := Tail(filepath.Join(dir, "none"), 3); !strings.Contains(got, "cannot read") {
		t.Errorf("missing file: %q, want a note saying it cannot be read", got)
	}
}
