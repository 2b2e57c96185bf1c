// Package logtail reads the end of a log file, for error messages that
// quote what a server or a build said last.
package logtail

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// window bounds how much of a large log is read.
const window = 64 << 10

// Tail returns the last n lines of the file at path (read from its last
// 64 KiB), or a note saying why it cannot.
func Tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > window {
		f.Seek(fi.Size()-window, io.SeekStart)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
