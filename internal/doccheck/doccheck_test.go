package doccheck

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/internal/studydata"
	_ "gotest.tools/v3/golden" // links -update, as every test package does
)

// A command is one go command line found in the repository's prose.
type command struct {
	line  string   // as written, continuations joined, white space collapsed
	where string   // file:line
	dir   string   // the directory it is meant to run in: the module root
	args  []string // after "go"
}

// TestDocCommands checks every go test and go tool command in the docs.
func TestDocCommands(t *testing.T) {
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmds := findCommands(t, root)
	if len(cmds) < 50 {
		t.Fatalf("found %d commands in the docs; the search is broken", len(cmds))
	}
	for _, c := range cmds {
		t.Logf("%s: go %s", c.where, strings.Join(c.args, " "))
	}
	pkgs := map[string]*pkgInfo{}
	for _, c := range cmds {
		var err error
		switch {
		case c.args[0] == "test":
			err = checkGoTest(root, pkgs, c.args[1:])
		case c.args[0] == "tool" && len(c.args) > 1 && c.args[1] == "benchstat":
			err = checkTool(root, benchstatFlags(), c.args[2:])
		case c.args[0] == "tool" && len(c.args) > 1 && c.args[1] == "chimeragate":
			err = checkTool(root, chimeragateFlags(), c.args[2:])
		case c.args[0] == "tool" && len(c.args) > 1 && c.args[1] == "chimerareport":
			err = checkTool(root, chimerareportFlags(), c.args[2:])
		}
		if err != nil {
			t.Errorf("%s: go %s: %v", c.where, strings.Join(c.args, " "), err)
		}
	}
}

// TestFragmentCommandsAreInTheDoc: a command a report fragment prints must
// be one its package's doc.go gives, word for word, so that the two cannot
// drift apart (tr114's fragment had lost the doc's -filter and -ignore).
func TestFragmentCommandsAreInTheDoc(t *testing.T) {
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]map[string]bool{} // package dir, command line
	var fragments []command
	for _, c := range findCommands(t, root) {
		file, _, _ := strings.Cut(c.where, ":")
		dir := filepath.Dir(file)
		switch {
		case filepath.Base(file) == "doc.go":
			if inDoc[dir] == nil {
				inDoc[dir] = map[string]bool{}
			}
			inDoc[dir][c.line] = true
		case strings.HasSuffix(file, ".md.golden"):
			fragments = append(fragments, c)
		}
	}
	if len(fragments) < 10 {
		t.Fatalf("found %d commands in the fragments; the search is broken", len(fragments))
	}
	for _, c := range fragments {
		pkg := filepath.Dir(filepath.Dir(strings.SplitN(c.where, ":", 2)[0]))
		if !inDoc[pkg][c.line] {
			t.Errorf("%s: %s\nis not in %s/doc.go", c.where, c.line, pkg)
		}
	}
}

// TestCommandChecksCatchDrift feeds the checks commands that have drifted,
// as the docs' had: each must be refused.
func TestCommandChecksCatchDrift(t *testing.T) {
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]*pkgInfo{}
	for _, tc := range []struct {
		name, line, want string
	}{
		{"a sub-benchmark that does not exist", `go test -run '^$' -bench 'TR114//T999' ./tr114`, "T999"},
		{"a benchmark that does not exist", `go test -run '^$' -bench 'TR999' ./tr114`, "TR999"},
		{"a bare sub-benchmark name matches no top-level benchmark", `go test -run '^$' -bench T013 ./tr114`, "T013"},
		{"a flag go test does not have", `go test -benchtim 1x ./tr114`, "benchtim"},
		{"a package that does not exist", `go test ./tr999`, "tr999"},
		{"a test that does not exist", `go test -run Baselin3 -update ./tr110`, "Baselin3"},
		{"a bad -benchtime", `go test -bench . -benchtime 3 ./tr114`, "benchtime"},
		{"a baseline that is not committed", `go tool benchstat tr113/testdata/instances2.bench new.txt`, "instances2.bench"},
		{"a benchstat flag that does not exist", `go tool benchstat -columns /instances new.txt`, "columns"},
		{"a chimeragate flag that does not exist", `go tool chimeragate -ignore-names dir base.txt head.txt`, "ignore-names"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args, err := words(strings.TrimPrefix(tc.line, "go "))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case args[0] == "test":
				err = checkGoTest(root, pkgs, args[1:])
			case args[1] == "benchstat":
				err = checkTool(root, benchstatFlags(), args[2:])
			default:
				err = checkTool(root, chimeragateFlags(), args[2:])
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: err = %v, want one naming %q", tc.line, err, tc.want)
			}
		})
	}
}

// findCommands returns the go commands in every doc.go (tab-indented
// comment lines), the README (lines of its sh blocks) and every committed
// markdown fragment (lines indented four spaces), with "\" continuations
// joined.
func findCommands(t *testing.T, root string) []command {
	t.Helper()
	var cmds []command
	add := func(path string, n int, line string) {
		line = strings.Join(strings.Fields(line), " ")
		full := line
		// Leading VAR=value assignments set the environment, not go's args.
		for {
			f, rest, ok := strings.Cut(line, " ")
			if !ok || !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=\S*$`).MatchString(f) {
				break
			}
			line = strings.TrimSpace(rest)
		}
		if !strings.HasPrefix(line, "go test") && !strings.HasPrefix(line, "go tool") {
			return
		}
		rel, _ := filepath.Rel(root, path)
		args, err := words(strings.TrimPrefix(line, "go "))
		if err != nil {
			t.Errorf("%s:%d: %v", rel, n, err)
			return
		}
		cmds = append(cmds, command{line: full, where: fmt.Sprintf("%s:%d", rel, n), dir: root, args: args})
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "study" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		var prefix string
		switch {
		case d.Name() == "doc.go" || (strings.HasSuffix(path, ".go") && slices.Contains([]string{"chimeragate", "chimerareport"}, filepath.Base(filepath.Dir(path))) && d.Name() == "main.go"):
			prefix = "//\t"
		case strings.HasSuffix(d.Name(), ".md.golden"):
			prefix = "    "
		case path == filepath.Join(root, "README.md"):
			prefix = ""
		default:
			return nil
		}
		return eachLine(path, prefix, add)
	})
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

// eachLine calls f with each line of path that starts with prefix (the
// prefix removed), joining lines that end in a backslash.
func eachLine(path, prefix string, f func(path string, n int, line string)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	var joined string
	start, n := 0, 0
	for sc.Scan() {
		n++
		line, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			joined = ""
			continue
		}
		if joined == "" {
			start = n
		}
		if s, cont := strings.CutSuffix(strings.TrimRight(line, " "), "\\"); cont {
			joined += s + " "
			continue
		}
		f(path, start, joined+line)
		joined = ""
	}
	return sc.Err()
}

// words splits a shell command line into words, honouring single and
// double quotes, and stops at an unquoted redirection, pipe, list operator
// or comment.
func words(line string) ([]string, error) {
	var out []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated %c quote in %q", c, line)
			}
			w.WriteString(line[i+1 : i+1+j])
			i += 1 + j
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				out = append(out, w.String())
				w.Reset()
				inWord = false
			}
		case strings.IndexByte("><|;&", c) >= 0 || c == '#' && !inWord:
			if inWord {
				out = append(out, w.String())
			}
			return out, nil
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, w.String())
	}
	return out, nil
}

// goTestFlags is go test's flag set: the build flags the docs use and the
// test binary's flags, plus gotest.tools' -update, which every test
// package links.
func goTestFlags() (*flag.FlagSet, map[string]*string) {
	fs := flag.NewFlagSet("go test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, name := range []string{"run", "skip", "bench", "benchtime", "count", "cpu", "timeout", "tags", "o",
		"coverprofile", "cpuprofile", "memprofile", "blockprofile", "mutexprofile", "trace", "outputdir", "fuzz", "fuzztime",
		"fuzzminimizetime", "parallel", "p", "shuffle", "list", "exec", "vet", "ldflags", "gcflags", "covermode", "coverpkg"} {
		vals[name] = fs.String(name, "", "")
	}
	for _, name := range []string{"v", "short", "update", "benchmem", "json", "failfast", "c", "race", "cover", "x", "n", "a", "i"} {
		fs.Bool(name, false, "")
	}
	return fs, vals
}

func checkGoTest(root string, pkgs map[string]*pkgInfo, args []string) error {
	fs, vals := goTestFlags()
	// go test takes packages before flags too: split them out first.
	var pkgArgs, flagArgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			pkgArgs = append(pkgArgs, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		name := strings.TrimLeft(a, "-")
		if f := fs.Lookup(name); f != nil && !strings.Contains(a, "=") {
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool && i+1 < len(args) {
				i++
				flagArgs = append(flagArgs, args[i])
			}
		}
	}
	if err := fs.Parse(flagArgs); err != nil {
		return err
	}
	pkgArgs = append(pkgArgs, fs.Args()...)
	if bt := *vals["benchtime"]; bt != "" {
		if n, ok := strings.CutSuffix(bt, "x"); ok {
			if _, err := strconv.Atoi(n); err != nil {
				return fmt.Errorf("-benchtime %q: want Nx or a duration", bt)
			}
		} else if _, err := time.ParseDuration(bt); err != nil {
			return fmt.Errorf("-benchtime %q: want Nx or a duration", bt)
		}
	}
	if c := *vals["count"]; c != "" {
		if _, err := strconv.Atoi(c); err != nil {
			return fmt.Errorf("-count %q: %v", c, err)
		}
	}
	if len(pkgArgs) == 0 {
		return errors.New("names no package (the docs' commands run from the module root)")
	}
	var infos []*pkgInfo
	for _, p := range pkgArgs {
		in, err := packages(root, pkgs, p)
		if err != nil {
			return err
		}
		infos = append(infos, in...)
	}
	if pat := *vals["run"]; pat != "" && pat != "^$" {
		if err := matchesSome(pat, infos, func(p *pkgInfo) []string { return p.tests }, false); err != nil {
			return fmt.Errorf("-run: %w", err)
		}
	}
	if pat := *vals["bench"]; pat != "" {
		if err := matchesSome(pat, infos, func(p *pkgInfo) []string { return p.benchmarks }, true); err != nil {
			return fmt.Errorf("-bench: %w", err)
		}
	}
	return nil
}

// matchesSome checks that every alternative of pat selects something:
// its first level a function of one of the packages, and, for benchmarks,
// each deeper level a name segment those packages' sources can produce.
func matchesSome(pat string, infos []*pkgInfo, funcs func(*pkgInfo) []string, subs bool) error {
	for _, alt := range harness.SplitBenchPattern(pat) {
		var levels []*regexp.Regexp
		for _, l := range alt {
			re, err := regexp.Compile(l)
			if err != nil {
				return fmt.Errorf("%q: %v", pat, err)
			}
			levels = append(levels, re)
		}
		var hit []*pkgInfo
		for _, p := range infos {
			if slices.ContainsFunc(funcs(p), levels[0].MatchString) {
				hit = append(hit, p)
			}
		}
		if len(hit) == 0 {
			return fmt.Errorf("%q: %q matches no function of the packages named (the first level is the top-level name)", pat, alt[0])
		}
		if !subs {
			continue
		}
		for _, l := range alt[1:] {
			if l == "" {
				continue
			}
			if !slices.ContainsFunc(hit, func(p *pkgInfo) bool { return p.segmentMatches(l) }) {
				return fmt.Errorf("%q: level %q matches no sub-benchmark name segment the package can produce", pat, l)
			}
		}
	}
	return nil
}

// pkgInfo is what the check knows of a package: its test and benchmark
// functions, and the name segments its sources (and those of the module's
// packages it imports) can produce: the string literals split at '/',
// literal segments as they are, and segments with one fmt verb
// ("test=%s", "instances=%d") or ending in '=' (a key concatenated with
// its value) filled with each literal segment and the numbers 0 to 16.
type pkgInfo struct {
	tests, benchmarks   []string
	literals, templates []string
	candidates          []string // made from literals and templates on first use
}

// segmentMatches reports whether the pattern level l matches a segment
// the package can produce.
func (p *pkgInfo) segmentMatches(l string) bool {
	re, err := regexp.Compile(l)
	if err != nil {
		return false
	}
	if p.candidates == nil {
		fills := slices.Clone(p.literals)
		for i := range 17 {
			fills = append(fills, strconv.Itoa(i))
		}
		p.candidates = slices.Clone(p.literals)
		for _, t := range p.templates {
			loc := verb.FindStringIndex(t)
			for _, f := range fills {
				p.candidates = append(p.candidates, t[:loc[0]]+f+t[loc[1]:])
			}
		}
		for _, k := range p.literals {
			if strings.HasSuffix(k, "=") { // "size="+s.Name
				for _, f := range fills {
					p.candidates = append(p.candidates, k+f)
				}
			}
		}
	}
	return slices.ContainsFunc(p.candidates, re.MatchString)
}

var (
	verb     = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	nameLike = regexp.MustCompile(`^[A-Za-z0-9_.=:+%-]+$`)
)

// packages resolves a package argument (./tr114, ./tr1..., ./...) to the
// packages it names, failing if it names none.
func packages(root string, cache map[string]*pkgInfo, arg string) ([]*pkgInfo, error) {
	rel, ok := strings.CutPrefix(arg, "./")
	if !ok && arg != "." {
		return nil, fmt.Errorf("package %q: the docs name packages as ./dir", arg)
	}
	var dirs []string
	if base, ok := strings.CutSuffix(rel, "..."); ok {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			r, _ := filepath.Rel(root, path)
			if d.Name() == "testdata" || d.Name() == "study" || strings.HasPrefix(d.Name(), ".") && path != root {
				return filepath.SkipDir
			}
			if r == "." {
				r = ""
			}
			if strings.HasPrefix(r, base) && hasGo(path) {
				dirs = append(dirs, r)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else if hasGo(filepath.Join(root, rel)) {
		dirs = []string{rel}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("package %q: no such package in the module", arg)
	}
	var out []*pkgInfo
	for _, d := range dirs {
		in, err := load(root, cache, d)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

func hasGo(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(m) > 0
}

const modulePath = "github.com/chimeraforge/chimeraforge"

// load parses the package in dir (tests included) and, for its name
// segments, the module's packages it imports.
func load(root string, cache map[string]*pkgInfo, dir string) (*pkgInfo, error) {
	if in, ok := cache[dir]; ok {
		return in, nil
	}
	in := &pkgInfo{}
	cache[dir] = in
	seen := map[string]bool{}
	var walk func(dir string, own bool) error
	walk = func(dir string, own bool) error {
		if seen[dir] {
			return nil
		}
		seen[dir] = true
		fset := token.NewFileSet()
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, name := range files {
			if !own && strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !own || !ok || fn.Recv != nil || !strings.HasSuffix(name, "_test.go") {
					continue
				}
				switch {
				case strings.HasPrefix(fn.Name.Name, "Benchmark"):
					in.benchmarks = append(in.benchmarks, fn.Name.Name)
				case strings.HasPrefix(fn.Name.Name, "Test") || strings.HasPrefix(fn.Name.Name, "Example") || strings.HasPrefix(fn.Name.Name, "Fuzz"):
					in.tests = append(in.tests, fn.Name.Name)
				}
			}
			var imports []string
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				if p, ok := strings.CutPrefix(s, modulePath+"/"); ok {
					imports = append(imports, p)
					return true
				}
				for _, seg := range strings.Split(s, "/") {
					if !nameLike.MatchString(seg) {
						continue
					}
					switch n := len(verb.FindAllStringIndex(seg, -1)); {
					case n == 0:
						in.literals = append(in.literals, seg)
					case n == 1 && len(verb.ReplaceAllString(seg, "")) > 0:
						in.templates = append(in.templates, seg)
					}
				}
				return true
			})
			for _, p := range imports {
				if hasGo(filepath.Join(root, p)) {
					if err := walk(p, false); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return in, walk(dir, true)
}

// checkTool checks a go tool command's flags against the tool's, and that
// every .bench file it names is committed.
func checkTool(root string, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, a := range fs.Args() {
		if strings.HasSuffix(a, ".bench") {
			if _, err := os.Stat(filepath.Join(root, a)); err != nil {
				return fmt.Errorf("%s is not in the repository: %w", a, err)
			}
		}
	}
	return nil
}

// benchstatFlags are benchstat's flags (x/perf cmd/benchstat).
func benchstatFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("benchstat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, n := range []string{"table", "row", "col", "ignore", "filter", "alpha", "confidence", "format"} {
		fs.String(n, "", "")
	}
	return fs
}

// chimeragateFlags are cmd/chimeragate's flags, read from its usage so that
// a flag added or renamed there is known here.
func chimeragateFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("chimeragate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, n := range []string{"tolerance", "tol", "alpha", "confidence", "ignore-config", "ignore-name", "ignore-unit"} {
		fs.String(n, "", "")
	}
	for _, n := range []string{"allow-config-mismatch", "v"} {
		fs.Bool(n, false, "")
	}
	return fs
}

// chimerareportFlags are cmd/chimerareport's flags.
func chimerareportFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("chimerareport", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("o", "", "")
	fs.Bool("summary", false, "")
	return fs
}

// TestEveryTestPackageLinksUpdate: go test ./... -update stops at the
// first test package that does not define -update ("flag provided but not
// defined"), so every one links gotest.tools' golden package.
func TestEveryTestPackageLinksUpdate(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go: not found on PATH (%v); this check lists the module's test packages with it", err)
	}
	root, err := studydata.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary's main package (p.test) lists everything it links.
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-test", "-f", `{{.ImportPath}}|{{join .Deps " "}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		path, deps, _ := strings.Cut(strings.TrimSpace(line), "|")
		if !strings.HasSuffix(path, ".test") {
			continue
		}
		n++
		if !slices.Contains(strings.Fields(deps), "gotest.tools/v3/golden") {
			t.Errorf("%s does not link gotest.tools/v3/golden: go test ./... -update fails there (add an update_test.go)", path)
		}
	}
	if n < 20 {
		t.Fatalf("go list found %d test binaries; the listing is broken", n)
	}
}
