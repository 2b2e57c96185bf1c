// Package study is the original study's data pack (README.md: its source,
// commits and MIT licence): the CSVs the report baselines are converted
// from (internal/studydata) and PUBLISHED.md, the published numbers and
// the pack's own recomputation of each.
//
// It embeds PUBLISHED.md, so that a program that renders the reports
// (every report's Render cites it) has the published numbers with no data
// pack beside it. The tests read the pack from its directory instead
// (studydata.Dir, which CHIMERA_STUDY_DIR overrides).
package study

import (
	"bytes"
	_ "embed"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

//go:embed PUBLISHED.md
var published []byte

// Published parses the embedded PUBLISHED.md.
func Published() (studydata.Published, error) {
	return studydata.ParsePublished(bytes.NewReader(published), "study/PUBLISHED.md")
}
