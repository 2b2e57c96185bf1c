package main

import (
	"path/filepath"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// catalogue is every report the tool knows.
func catalogue() ([]reportDef, error) {
	root, err := studydata.ModuleRoot()
	if err != nil {
		return nil, err
	}
	return []reportDef{{
		Name: "tr114", Title: "two agents at once", Benchmarks: []string{"TR114"},
		Study: func() ([]*golden.Set, error) {
			s, err := golden.ReadFile(filepath.Join(root, "tr114/testdata/baseline.bench"))
			return []*golden.Set{s}, err
		},
	}}, nil
}
