package studydata

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/chimeraforge/chimeraforge/internal/units"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"
)

// DirEnv names the variable that points the tests at a copy of the data
// pack other than the repository's own.
const DirEnv = "CHIMERA_STUDY_DIR"

// Dir returns the directory of the study's data pack: $CHIMERA_STUDY_DIR if
// set, else study/ at the module root (the directory holding go.mod, found
// upwards from the working directory), where the repository keeps its copy.
// A $CHIMERA_STUDY_DIR that is not a directory is an error naming the
// variable, never a fallback to the repository's copy.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		d, err := existingDir(d)
		if err != nil {
			return "", fmt.Errorf("%s: %w", DirEnv, err)
		}
		return d, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("find study data: %w", err)
	}
	return existingDir(filepath.Join(root, "study"))
}

// ModuleRoot returns the directory holding go.mod, found upwards from the
// working directory (a test's is its package directory).
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s: %w", wd, fs.ErrNotExist)
		}
	}
}

// BaselineFile returns the path of report's committed study baseline,
// <module root>/<report>/testdata/baseline.bench: each baseline is
// converted once, in the package of the report that owns it, and a report
// that compares with another's baseline reads it there.
func BaselineFile(report string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("find the %s baseline: %w", report, err)
	}
	return filepath.Join(root, report, "testdata", "baseline.bench"), nil
}

func existingDir(d string) (string, error) {
	fi, err := os.Stat(d)
	if err != nil {
		return "", fmt.Errorf("study data %s: %w", d, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("study data %s: not a directory: %w", d, fs.ErrNotExist)
	}
	return d, nil
}

// unitRecords returns the Unit lines for the named units, in the order
// given: better= as internal/units registers the unit's direction (none for
// a unit that is better neither way) and assume=nothing for every unit (the
// study's samples are few and not normal). A unit that is not registered is
// an error.
func unitRecords(names []string) ([]benchfmt.Record, error) {
	if err := units.Check(names...); err != nil {
		return nil, err
	}
	var recs []benchfmt.Record
	for _, n := range names {
		u, _ := units.Lookup(n)
		_, tidy := benchunit.Tidy(1, n)
		add := func(key, val string) {
			recs = append(recs, &benchfmt.UnitMetadata{
				UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: tidy, Key: key},
				OrigUnit:        n,
				Value:           val,
			})
		}
		if u.Better != units.Neither {
			add("better", u.Better.String())
		}
		add("assume", "nothing")
	}
	return recs, nil
}

// value builds a benchfmt.Value the way benchfmt.Reader would read it back,
// so that written and re-read records compare equal.
func value(v float64, u string) benchfmt.Value {
	tv, tu := benchunit.Tidy(v, u)
	if tv == v {
		return benchfmt.Value{Value: v, Unit: u}
	}
	return benchfmt.Value{Value: tv, Unit: tu, OrigValue: v, OrigUnit: u}
}

// fileConfig turns "key: value" pairs into file-level benchfmt config.
func fileConfig(kv [][2]string) []benchfmt.Config {
	cfg := make([]benchfmt.Config, len(kv))
	for i, p := range kv {
		cfg[i] = benchfmt.Config{Key: p[0], Value: []byte(p[1]), File: true}
	}
	return cfg
}

// Write writes recs as benchfmt to w.
func Write(w io.Writer, recs []benchfmt.Record) error {
	bw := benchfmt.NewWriter(w)
	for _, r := range recs {
		if err := bw.Write(r); err != nil {
			return fmt.Errorf("write benchfmt: %w", err)
		}
	}
	return nil
}

// Bytes is Write into a byte slice.
func Bytes(recs []benchfmt.Record) ([]byte, error) {
	var b bytes.Buffer
	err := Write(&b, recs)
	return b.Bytes(), err
}

// Machine is the study's hardware and software, from the data pack's
// README ("Known data caveats", General): one laptop, Ollama 0.12.10 with
// OLLAMA_NUM_PARALLEL=1, gemma3:latest. cpu is the string go test prints on
// that CPU.
func machine(pkg, source string) [][2]string {
	return [][2]string{
		{"goos", "windows"},
		{"goarch", "amd64"},
		{"pkg", pkg},
		{"cpu", "13th Gen Intel(R) Core(TM) i9-13980HX"},
		{"gpu", "NVIDIA GeForce RTX 4080 Laptop GPU"},
		{"gpu-memory", "12 GB"},
		{"os", "windows 11"},
		{"ollama-version", "0.12.10"},
		{"num-parallel", "1"},
		{"source", source},
		{"source-commit", "d1b67d83b89bbf7f9060dbcd6cb01e444a27330e"},
	}
}

// table is a CSV file read whole, with columns looked up by header name and
// errors that name file:line.
type table struct {
	file string
	col  map[string]int
	rows [][]string
	line []int
}

func readTable(r io.Reader, file string) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", file, err)
	}
	t := &table{file: file, col: make(map[string]int, len(header))}
	for i, h := range header {
		t.col[h] = i
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.line = append(t.line, line)
	}
	return t, nil
}

// row is one CSV row; its accessors record the first error so that a
// converter reads a whole row and checks once.
type row struct {
	t    *table
	i    int
	err  error
	segs [][2]string // column and cell of every seg read, in order
}

func (t *table) row(i int) *row { return &row{t: t, i: i} }

func (r *row) fail(col, msg string) {
	r.failRow("column " + col + ": " + msg)
}

// failRow records an error of the row as a whole.
func (r *row) failRow(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s:%d: %s", r.t.file, r.t.line[r.i], msg)
	}
}

func (r *row) str(col string) string {
	j, ok := r.t.col[col]
	if !ok {
		r.fail(col, "no such column")
		return ""
	}
	return r.t.rows[r.i][j]
}

// seg returns the cell in col for a benchmark name's key=value segment or
// a config line. benchfmt splits a line at white space and a name at '/'
// and '=': such a cell would break the line or add name keys, so it is an
// error.
func (r *row) seg(col string) string {
	s := r.str(col)
	if strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsAny(s, "/=") {
		r.fail(col, fmt.Sprintf("%q has white space, '/' or '=', which benchfmt would read as a line break or name keys", s))
	}
	r.segs = append(r.segs, [2]string{col, s})
	return s
}

// float returns the number in col. NaN and ±Inf are errors: benchfmt would
// write them, and read them back, as measurements.
func (r *row) float(col string) float64 {
	s := r.str(col)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		r.fail(col, fmt.Sprintf("not a number: %q", s))
		return math.NaN()
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		r.fail(col, fmt.Sprintf("%q is not a finite number", s))
	}
	return v
}

func (r *row) int(col string) int {
	s := r.str(col)
	v, err := strconv.Atoi(s)
	if err != nil {
		r.fail(col, fmt.Sprintf("not an integer: %q", s))
	}
	return v
}

// result returns r's benchmark line, or the first error r recorded. A
// value that is NaN or infinite (from cells that divide by zero) is an
// error, as a NaN or infinite cell is, and so is a name that ends in '-'
// and digits, which benchfmt reads as a GOMAXPROCS suffix and not as part
// of the last segment (the error names the cell the segment came from).
func (r *row) result(cfg []benchfmt.Config, name string, vals []benchfmt.Value) (*benchfmt.Result, error) {
	for _, v := range vals {
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			u, x := v.Unit, v.Value
			if v.OrigUnit != "" {
				u, x = v.OrigUnit, v.OrigValue
			}
			r.failRow(fmt.Sprintf("%s is %v, from the row's values: not a measurement", u, x))
		}
	}
	if _, parts := benchfmt.Name(name).Parts(); len(parts) > 0 && bytes.HasPrefix(parts[len(parts)-1], []byte("-")) {
		msg := fmt.Sprintf("the name %s ends in %s, which benchfmt reads as GOMAXPROCS", name, parts[len(parts)-1])
		i := len(r.segs) - 1
		for ; i >= 0 && (r.segs[i][1] == "" || !strings.HasSuffix(name, r.segs[i][1])); i-- {
		}
		if i >= 0 {
			msg = "column " + r.segs[i][0] + ": " + msg
		}
		r.failRow(msg)
	}
	if r.err != nil {
		return nil, r.err
	}
	return &benchfmt.Result{Config: cfg, Name: benchfmt.Name(name), Iters: 1, Values: vals}, nil
}

// ns converts a duration in the given unit (1e-3 for ms, 1 for s) to
// integer nanoseconds.
func ns(v, unitSeconds float64) float64 { return math.Round(v * unitSeconds * 1e9) }

// BenchstatIgnore is the benchstat -ignore list that lines a baseline up
// with a run of ours: the study-only name keys and GOMAXPROCS (the study's
// lines have no -N suffix). Together with an empty -table (one table whatever the
// config lines say) it gives a side-by-side comparison:
//
//	go tool benchstat -table '' -ignore /dir,/study-agent,/gomaxprocs tr111/testdata/baseline.bench new.txt
const BenchstatIgnore = "/dir,/study-agent,/gomaxprocs"

// TR111File converts dir/tr111/llm_calls.csv (dir as from Dir).
func TR111File(dir string) ([]benchfmt.Record, error) {
	p := filepath.Join(dir, "tr111", "llm_calls.csv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("convert TR111: %w", err)
	}
	defer f.Close()
	return TR111(f, p)
}

// TR114Files converts dir/tr114/runs.csv and dir/tr114/llm_calls.csv.
func TR114Files(dir string) ([]benchfmt.Record, error) {
	rp, cp := filepath.Join(dir, "tr114", "runs.csv"), filepath.Join(dir, "tr114", "llm_calls.csv")
	runs, err := os.Open(rp)
	if err != nil {
		return nil, fmt.Errorf("convert TR114: %w", err)
	}
	defer runs.Close()
	calls, err := os.Open(cp)
	if err != nil {
		return nil, fmt.Errorf("convert TR114: %w", err)
	}
	defer calls.Close()
	return TR114(runs, calls, rp, cp)
}
