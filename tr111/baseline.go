package tr111

import (
	_ "embed"

	"github.com/chimeraforge/chimeraforge/golden/report"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

//go:embed testdata/baseline.bench
var baseline []byte

// Baseline is the study's TR111_v2 calls as studydata.TR111File converts
// them, committed here once; tr109 and tr114 compare with it.
var Baseline = report.Baseline{Name: "tr111", Report: "tr111", File: "baseline.bench", Data: baseline, Convert: studydata.TR111File}
