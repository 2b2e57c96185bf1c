package measure

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fullDisk is a trace file on a disk with room bytes left: a write past
// them writes what fits and fails with ENOSPC, as write(2) does. With
// noCut, truncating fails too.
type fullDisk struct {
	*os.File
	room  int
	noCut bool
}

func (d *fullDisk) Write(b []byte) (int, error) {
	if len(b) <= d.room {
		d.room -= len(b)
		return d.File.Write(b)
	}
	n, err := d.File.Write(b[:d.room])
	d.room -= n
	if err == nil {
		err = syscall.ENOSPC
	}
	return n, err
}

func (d *fullDisk) Truncate(size int64) error {
	if d.noCut {
		return errors.New("read-only file system")
	}
	return d.File.Truncate(size)
}

// openFull opens a trace at path whose disk has room bytes left.
func openFull(t *testing.T, path string, room int, noCut bool) (*Trace, *fullDisk) {
	t.Helper()
	tr, err := OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	d := &fullDisk{File: tr.f.(*os.File), room: room, noCut: noCut}
	tr.f = d
	t.Cleanup(func() { tr.Close() })
	return tr, d
}

// A disk that fills in the middle of a record leaves no torn line: the
// short write is cut back to the last whole record, and once there is room
// again the next record and the next run's records read back whole. main
// left the 269-byte fragment in place, the next run appended to it, and
// ReadTrace failed at that line, losing every later record.
func TestTraceShortWriteIsCutBackToTheLastWholeLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	one, two, three, four := sampleRecord("1"), sampleRecord("2"), sampleRecord("3"), sampleRecord("4")
	size := len(mustLine(t, one))
	tr, disk := openFull(t, path, 2*size+size/2, false)
	for _, r := range []Record{one, two} {
		if err := tr.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	err := tr.Write(three)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nothing of it kept") {
		t.Errorf("short write: err = %v, want ENOSPC naming %s, and nothing kept", err, path)
	}
	if data, err := os.ReadFile(path); err != nil || len(data) != 2*size || !strings.HasSuffix(string(data), "\n") {
		t.Errorf("after the short write the file holds %d bytes (%v), want the 2 whole records' %d", len(data), err, 2*size)
	}
	disk.room = 1 << 20 // space freed
	if err := tr.Write(four); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	// The next run appends to the same file.
	next, err := OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Write(three); err != nil {
		t.Fatal(err)
	}
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTrace(path)
	if err != nil {
		t.Errorf("ReadTrace: %v, want a clean file", err)
	}
	if diff := cmp.Diff([]Record{one, two, four, three}, got); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
}

// When the torn bytes cannot be cut off either, the next record starts on
// a fresh line, and the reader returns every whole record and names the
// torn line.
func TestTraceAppendAfterATornLineStartsAFreshLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	one, two, three := sampleRecord("1"), sampleRecord("2"), sampleRecord("3")
	size := len(mustLine(t, one))
	tr, disk := openFull(t, path, size+269, true)
	if err := tr.Write(one); err != nil {
		t.Fatal(err)
	}
	err := tr.Write(two)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "cutting the 269 bytes written back off: read-only file system") {
		t.Errorf("short write that cannot be cut: err = %v, want ENOSPC and why the cut failed", err)
	}
	disk.room = 1 << 20
	if err := tr.Write(three); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTrace(path)
	if !errors.Is(err, ErrTorn) || !strings.Contains(err.Error(), "line 2: torn record") {
		t.Errorf("ReadTrace: err = %v, want ErrTorn naming line 2", err)
	}
	if diff := cmp.Diff([]Record{one, three}, got); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
}

// A file left torn by an earlier process (a crash mid-write, or main's
// full disk) gets its next record on a fresh line: main appended it to
// the fragment, so that neither read back.
func TestOpenTraceOnATornFileStartsAFreshLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	one, two := sampleRecord("1"), sampleRecord("2")
	line := mustLine(t, one)
	if err := os.WriteFile(path, append(line, line[:269]...), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := OpenTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Write(two); err != nil {
		t.Fatal(err)
	}
	if err := tr.Write(two); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTrace(path)
	if !errors.Is(err, ErrTorn) || !strings.Contains(err.Error(), "line 2: torn record") {
		t.Errorf("ReadTrace: err = %v, want ErrTorn naming line 2", err)
	}
	if diff := cmp.Diff([]Record{one, two, two}, got); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
}

// mustLine is r's trace line, newline included.
func mustLine(t *testing.T, r Record) []byte {
	t.Helper()
	data, err := os.ReadFile(writeTrace(t, r))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
