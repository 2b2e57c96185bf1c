package doccheck

import (
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/internal/studydata"
)

// TestLayering checks what the libraries link, with go list: assertions
// live in packages named …test, so no other library package links testing
// (the harness root, whose job is running benchmarks, and the report
// packages, tr and capacity, and commands above it may); and pure maths stays out of the plotting
// package, so tr121's non-test code links no gonum.org/v1/plot.
func TestLayering(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go: not found on PATH (%v); this check lists the module's packages with it", err)
	}
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-f", `{{.ImportPath}}|{{join .Deps " "}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	mayLinkTesting := []string{
		"harness",
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		p, deps, _ := strings.Cut(strings.TrimSpace(line), "|")
		rel := strings.TrimPrefix(strings.TrimPrefix(p, modulePath), "/")
		ds := strings.Fields(deps)
		n++
		switch {
		case strings.HasSuffix(path.Base(rel), "test"), strings.HasPrefix(rel, "tr1"), rel == "capacity", strings.HasPrefix(rel, "cmd/"), slices.Contains(mayLinkTesting, rel):
		case slices.Contains(ds, "testing"):
			t.Errorf("%s links testing: assertions belong in a …test package", p)
		}
		if rel == "tr121" && slices.ContainsFunc(ds, func(d string) bool { return strings.HasPrefix(d, "gonum.org/v1/plot") }) {
			t.Errorf("tr121 links gonum.org/v1/plot: its maths belongs in internal/stats")
		}
	}
	if n < 20 {
		t.Fatalf("go list found %d packages; the listing is broken", n)
	}
}
