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
// packages, tr and capacity, and commands above it may); and drawing
// stays in golden/report/chartdraw, the only package that imports
// gonum.org/v1/plot: no other library links it but the …test packages that
// render charts, so that golden/report, the harness and the report
// packages (tr121's maths included) link no plotting code.
func TestLayering(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go: not found on PATH (%v); this check lists the module's packages with it", err)
	}
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-f", `{{.ImportPath}}|{{join .Deps " "}}|{{join .Imports " "}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const drawing = "golden/report/chartdraw"
	mayLinkTesting := []string{
		"harness",
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		p, rest, _ := strings.Cut(strings.TrimSpace(line), "|")
		deps, imports, _ := strings.Cut(rest, "|")
		rel := strings.TrimPrefix(strings.TrimPrefix(p, modulePath), "/")
		ds := strings.Fields(deps)
		n++
		switch {
		case strings.HasSuffix(path.Base(rel), "test"), strings.HasPrefix(rel, "tr1"), rel == "capacity", strings.HasPrefix(rel, "cmd/"), slices.Contains(mayLinkTesting, rel):
		case slices.Contains(ds, "testing"):
			t.Errorf("%s links testing: assertions belong in a …test package", p)
		}
		plots := func(d string) bool { return strings.HasPrefix(d, "gonum.org/v1/plot") }
		switch {
		case rel == drawing:
		case slices.ContainsFunc(strings.Fields(imports), plots):
			t.Errorf("%s imports gonum.org/v1/plot: drawing belongs in %s/%s", p, modulePath, drawing)
		case strings.HasSuffix(path.Base(rel), "test"), strings.HasPrefix(rel, "cmd/"):
		case slices.ContainsFunc(ds, plots):
			t.Errorf("%s links gonum.org/v1/plot: a chart is described in golden/report and drawn by %s only in tests and commands", p, drawing)
		}
	}
	if n < 20 {
		t.Fatalf("go list found %d packages; the listing is broken", n)
	}
}
