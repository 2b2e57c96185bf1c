package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// A Trace is a JSON-lines file of [Record]s, one line per record, appended
// as each call ends so that a crash loses nothing measured: Write hands the
// whole line to the OS in one write(2) on an O_APPEND file before it
// returns, so the line survives the process dying; it is not fsynced per
// record (a machine crash may lose the last lines), but Close fsyncs.
//
// The trace never tears: a write cut short (a full disk) is cut back to the
// last whole line, and a file that ends in a torn line anyway (a crash
// mid-write, or a cut that failed) gets its next record on a fresh line,
// so one torn line never spoils the records after it. A Trace is safe for
// concurrent use; one file has one Trace writing it at a time.
type Trace struct {
	path string
	mu   sync.Mutex
	f    traceFile
	// torn: the file does not end with a newline, so the next record
	// starts with one.
	torn bool
}

// traceFile is what a Trace needs of its file: *os.File, or a test's file
// that fails as a full disk does.
type traceFile interface {
	io.Writer
	io.Seeker
	Truncate(size int64) error
	Sync() error
	Close() error
}

// OpenTrace opens path for appending, creating it (and not its directory)
// if needed. A file whose last line is torn (no newline) gets its next
// record on a fresh line.
func OpenTrace(path string) (*Trace, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open trace: %w", err)
	}
	torn, err := endsTorn(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open trace %s: %w", path, err)
	}
	return &Trace{path: path, f: f, torn: torn}, nil
}

// endsTorn reports whether f is not empty and does not end with a newline.
// A file that cannot seek (a device such as /dev/full) has no end to check.
func endsTorn(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return false, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// Path is the trace file's path.
func (t *Trace) Path() string { return t.path }

// Write appends r as one line. A failed or short write (a full disk) is
// returned, never swallowed, and what it wrote is cut off again, so that
// the file still ends with its last whole record; if that cut fails too,
// the next record starts on a fresh line.
func (t *Trace) Write(r Record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("trace %s: encode record: %w", t.path, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.torn {
		line = append([]byte{'\n'}, line...)
	}
	line = append(line, '\n')
	n, err := t.f.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err == nil {
		t.torn = false
		return nil
	}
	if n > 0 {
		if cerr := t.cut(int64(n)); cerr != nil {
			t.torn = true
			return fmt.Errorf("trace %s: write record: %w; cutting the %d bytes written back off: %v", t.path, err, n, cerr)
		}
	}
	return fmt.Errorf("trace %s: write record: %w (nothing of it kept)", t.path, err)
}

// cut removes the last n bytes of the file: the part of a record that a
// short write appended.
func (t *Trace) cut(n int64) error {
	end, err := t.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if end < n {
		return fmt.Errorf("file of %d bytes is shorter than the %d written", end, n)
	}
	return t.f.Truncate(end - n)
}

// Close fsyncs and closes the file.
func (t *Trace) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	serr := t.f.Sync()
	if err := t.f.Close(); err != nil {
		return fmt.Errorf("trace %s: close: %w", t.path, err)
	}
	if serr != nil {
		return fmt.Errorf("trace %s: sync: %w", t.path, serr)
	}
	return nil
}

// maxTraceLine bounds one record's line (a record keeps every chunk's time).
const maxTraceLine = 64 << 20

// ErrTorn marks a trace line that holds no whole record: cut short by a
// crash or a full disk (with or without its newline), or not a record.
var ErrTorn = errors.New("torn record")

// maxTornNamed bounds how many torn lines an error names.
const maxTornNamed = 10

// ReadTrace reads every whole record of a trace file. A line that holds
// none (a last line cut short with no newline, or a line that does not
// decode) is skipped and named in the error, which wraps [ErrTorn]; every
// record before and after it is returned with the error. A read error
// (or a line over 64 MiB) ends the reading, naming its line.
func ReadTrace(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read trace: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var recs []Record
	var torn tornLines
	for n := 1; ; n++ {
		line, err := readTraceLine(br)
		if len(line) > 0 {
			if !bytes.HasSuffix(line, []byte("\n")) {
				torn.add(n, errors.New("no newline"))
			} else if len(bytes.TrimSpace(line)) > 0 {
				var r Record
				if jerr := json.Unmarshal(line, &r); jerr != nil {
					torn.add(n, jerr)
				} else {
					recs = append(recs, r)
				}
			}
		}
		if err == io.EOF {
			if torn.n > 0 {
				return recs, fmt.Errorf("trace %s: %w", path, torn)
			}
			return recs, nil
		}
		if err != nil {
			if torn.n > 0 {
				return recs, fmt.Errorf("trace %s: %w; line %d: %w", path, torn, n, err)
			}
			return recs, fmt.Errorf("trace %s: line %d: %w", path, n, err)
		}
	}
}

// tornLines are the torn lines of a trace: the first maxTornNamed, and
// how many in all.
type tornLines struct {
	named []string
	n     int
}

func (t *tornLines) add(line int, why error) {
	t.n++
	if len(t.named) < maxTornNamed {
		t.named = append(t.named, fmt.Sprintf("line %d: %v (%v)", line, ErrTorn, why))
	}
}

func (t tornLines) Error() string {
	s := strings.Join(t.named, "; ")
	if more := t.n - len(t.named); more > 0 {
		s += fmt.Sprintf("; and %d more torn lines", more)
	}
	return s
}

func (t tornLines) Unwrap() error { return ErrTorn }

// readTraceLine reads one line, newline included, up to maxTraceLine bytes.
func readTraceLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxTraceLine {
			return nil, errors.New("record longer than 64 MiB")
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}
