package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// A Trace is a JSON-lines file of [Record]s, one line per record, appended
// as each call ends so that a crash loses nothing measured: Write hands the
// whole line to the OS in one write(2) on an O_APPEND file before it
// returns, so the line survives the process dying; it is not fsynced per
// record (a machine crash may lose the last lines), but Close fsyncs.
// A Trace is safe for concurrent use.
type Trace struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

// OpenTrace opens path for appending, creating it (and not its directory)
// if needed.
func OpenTrace(path string) (*Trace, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open trace: %w", err)
	}
	return &Trace{path: path, f: f}, nil
}

// Path is the trace file's path.
func (t *Trace) Path() string { return t.path }

// Write appends r as one line. A failed or short write (a full disk) is
// returned, never swallowed.
func (t *Trace) Write(r Record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("trace %s: encode record: %w", t.path, err)
	}
	line = append(line, '\n')
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.f.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("trace %s: write record: %w", t.path, err)
	}
	return nil
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

// ReadTrace reads every record of a trace file. A line that does not
// decode, or a last line cut short by a crash (no newline), is an error
// naming the line; the records before it are returned with it.
func ReadTrace(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read trace: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var recs []Record
	for n := 1; ; n++ {
		line, err := readTraceLine(br)
		if len(line) > 0 {
			if !bytes.HasSuffix(line, []byte("\n")) {
				return recs, fmt.Errorf("trace %s: line %d: truncated record (no newline)", path, n)
			}
			if len(bytes.TrimSpace(line)) > 0 {
				var r Record
				if jerr := json.Unmarshal(line, &r); jerr != nil {
					return recs, fmt.Errorf("trace %s: line %d: %w", path, n, jerr)
				}
				recs = append(recs, r)
			}
		}
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, fmt.Errorf("trace %s: line %d: %w", path, n, err)
		}
	}
}

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
