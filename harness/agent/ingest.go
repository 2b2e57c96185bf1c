package agent

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A Corpus is the set of benchmark files an agent ingests before its first
// LLM call: the study's agents read a directory of CSV, JSON and Markdown
// reports and embedded a summary of it in the analysis prompt.
type Corpus struct {
	Root  string
	Kinds []CorpusKind // in the study's order: CSV, JSON, MARKDOWN; empty kinds omitted
	Bytes int64
}

// A CorpusKind is the files of one kind, sorted by path.
type CorpusKind struct {
	Name   string   // CSV, JSON or MARKDOWN
	Paths  []string // slash-separated, relative to the corpus root
	Latest time.Time
}

var corpusKinds = []struct{ name, ext string }{
	{"CSV", ".csv"},
	{"JSON", ".json"},
	{"MARKDOWN", ".md"},
}

// Ingest reads the corpus under root. Every file is read in full, as the
// study's agents did, so ingest time is real I/O, not a directory listing.
func Ingest(root string) (Corpus, error) {
	c := Corpus{Root: root, Kinds: make([]CorpusKind, len(corpusKinds))}
	for i, k := range corpusKinds {
		c.Kinds[i].Name = k.name
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		i := slices.IndexFunc(corpusKinds, func(k struct{ name, ext string }) bool { return k.ext == ext })
		if i < 0 {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ext == ".json" && !json.Valid(data) {
			return fmt.Errorf("%s: invalid JSON", path)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		k := &c.Kinds[i]
		k.Paths = append(k.Paths, filepath.ToSlash(rel))
		if info.ModTime().After(k.Latest) {
			k.Latest = info.ModTime()
		}
		c.Bytes += int64(len(data))
		return nil
	})
	if err != nil {
		return Corpus{}, fmt.Errorf("ingest %s: %w", root, err)
	}
	c.Kinds = slices.DeleteFunc(c.Kinds, func(k CorpusKind) bool { return len(k.Paths) == 0 })
	if len(c.Kinds) == 0 {
		return Corpus{}, fmt.Errorf("ingest %s: no .csv, .json or .md files", root)
	}
	for i := range c.Kinds {
		slices.Sort(c.Kinds[i].Paths)
	}
	return c, nil
}

// Files is the number of files ingested.
func (c Corpus) Files() int {
	n := 0
	for _, k := range c.Kinds {
		n += len(k.Paths)
	}
	return n
}

// Summary renders the ingest summary exactly as the study's Rust agent
// embedded it in the analysis prompt (see the study's
// prompts/tr111_analysis_prompt_as_sent.txt): per kind, the first five
// paths, how many more, and the latest modification time.
func (c Corpus) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Total files analyzed: %d\n\n", c.Files())
	for _, k := range c.Kinds {
		fmt.Fprintf(&b, "%s Files (%d)\n", k.Name, len(k.Paths))
		for _, p := range k.Paths[:min(5, len(k.Paths))] {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
		if n := len(k.Paths) - 5; n > 0 {
			fmt.Fprintf(&b, "  ... and %d more\n", n)
		}
		fmt.Fprintf(&b, "  Latest modified: %s\n\n", k.Latest.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return b.String()
}

// MetricsJSON is the performance_metrics object embedded in the report
// prompt: what the ingest measured, as indented JSON.
func (c Corpus) MetricsJSON() string {
	m := map[string]any{"total_files_analyzed": c.Files(), "total_file_size_bytes": c.Bytes}
	for _, k := range c.Kinds {
		m[strings.ToLower(k.Name)+"_files"] = len(k.Paths)
	}
	b, _ := json.MarshalIndent(m, "", "  ") // a map of ints cannot fail to marshal
	return string(b)
}
