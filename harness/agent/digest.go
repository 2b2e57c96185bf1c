package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Digest identifies what an agent ingests from root: the sha256 of every
// file Ingest reads (relative path and content, in sorted order), as
// "sha256:<12 hex> (<n> files)". Two runs whose agents read different
// corpora then carry different provenance.
func Digest(root string) (string, error) {
	c, err := Ingest(root)
	if err != nil {
		return "", err
	}
	var paths []string
	for _, k := range c.Kinds {
		paths = append(paths, k.Paths...)
	}
	h := sha256.New()
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return "", fmt.Errorf("corpus digest: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
	}
	return fmt.Sprintf("sha256:%s (%d files)", hex.EncodeToString(h.Sum(nil))[:12], len(paths)), nil
}
