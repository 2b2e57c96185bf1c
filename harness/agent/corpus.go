package agent

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

// The default corpus: 101 small benchmark files (28 CSV, 44 JSON,
// 29 Markdown), the same counts as the 101-file reports directory the
// study's agents ingested, made from the study's own TR108 gemma3 runs.
//
//go:embed corpus
var defaultCorpus embed.FS

// WriteDefaultCorpus writes the default corpus under dir.
func WriteDefaultCorpus(dir string) error {
	sub, err := fs.Sub(defaultCorpus, "corpus")
	if err != nil {
		return err
	}
	return os.CopyFS(filepath.Clean(dir), sub)
}
