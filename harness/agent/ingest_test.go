package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIngestSummaryMatchesTheStudysFormat(t *testing.T) {
	dir := testCorpus(t)
	c, err := Ingest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Files(), 101; got != want {
		t.Fatalf("files = %d, want %d", got, want)
	}
	s := c.Summary()
	// The shape of the study's prompt (prompts/tr111_analysis_prompt_as_sent.txt).
	for _, want := range []string{
		"Total files analyzed: 101\n\nCSV Files (28)\n  - reports/",
		"  ... and 23 more\n  Latest modified: ",
		" UTC\n\nJSON Files (44)\n",
		"  ... and 39 more\n",
		"MARKDOWN Files (29)\n",
		"  ... and 24 more\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if !strings.HasSuffix(s, " UTC\n\n") {
		t.Errorf("summary must end with a blank line after the last section:\n%q", s[len(s)-40:])
	}
	p := AnalysisPrompt(s)
	if !strings.Contains(p, " UTC\n\n\n\nPlease provide:") {
		t.Errorf("analysis prompt: three blank lines must separate the summary from the request, as sent in the study")
	}
}

func TestIngestLatestModifiedIsTheNewestFile(t *testing.T) {
	dir := t.TempDir()
	old := time.Date(2025, 10, 8, 17, 20, 51, 0, time.UTC)
	for i, name := range []string{"a.csv", "b.csv"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Ingest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "CSV Files (2)\n  - a.csv\n  - b.csv\n  Latest modified: 2025-10-08 18:20:51 UTC\n\n"; !strings.Contains(c.Summary(), want) {
		t.Errorf("summary:\n%s\nwant it to contain:\n%s", c.Summary(), want)
	}
}

func TestIngestErrors(t *testing.T) {
	t.Run("a missing directory names it", func(t *testing.T) {
		_, err := Ingest(filepath.Join(t.TempDir(), "nope"))
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("err = %v, want one naming the directory", err)
		}
	})
	t.Run("a corrupt JSON file is an error, not a silently smaller corpus", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o644)
		_, err := Ingest(dir)
		if err == nil || !strings.Contains(err.Error(), "bad.json") {
			t.Errorf("err = %v, want one naming bad.json", err)
		}
	})
	t.Run("no benchmark files at all", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "x.txt"), []byte("x"), 0o644)
		if _, err := Ingest(dir); err == nil {
			t.Error("want an error for a corpus with no csv/json/md files")
		}
	})
}

func TestDigestNamesTheCorpus(t *testing.T) {
	dir := testCorpus(t)
	d1, err := Digest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d1, "sha256:") || !strings.HasSuffix(d1, " (101 files)") {
		t.Errorf("Digest = %q, want sha256:<hex> (101 files)", d1)
	}
	if err := os.WriteFile(filepath.Join(dir, "extra.md"), []byte("# more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d2, err := Digest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d1 == d2 {
		t.Errorf("Digest unchanged after adding a file: %q", d2)
	}
}
