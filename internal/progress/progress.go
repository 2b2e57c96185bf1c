// Package progress prints the lines that tell a person what long work is
// doing (the Ollama build, model creation, sweeps), so that nobody stares
// at a silent terminal for minutes.
//
// Two rules make them safe next to benchfmt. go test joins a test binary's
// stderr to its stdout, which is benchfmt, and benchfmt reads any line of
// the form "key: value" (lower-case key, no spaces) as a config line that
// splits benchstat's tables. So every line starts with "# ", which benchfmt
// never reads as a config, unit or result line. And when the process has a
// terminal, the lines go to it directly, so that `go test … > new.txt`
// still shows them while they stay out of the file.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Prefix starts every progress line.
const Prefix = "# "

// A Printer writes progress lines to one writer; it is safe for concurrent
// use. The zero value discards.
type Printer struct {
	mu   sync.Mutex
	w    io.Writer
	once map[string]bool // the keys Once has printed under
}

// New returns a Printer writing to w (nil discards).
func New(w io.Writer) *Printer { return &Printer{w: w} }

// Printf prints one progress line (several, if the text has newlines), each
// starting with [Prefix].
func (p *Printer) Printf(format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	text := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	var b strings.Builder
	for line := range strings.Lines(text) {
		b.WriteString(Prefix)
		b.WriteString(strings.TrimRight(line, "\n"))
		b.WriteByte('\n')
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, b.String())
}

// Once prints what Printf would, unless p has printed a line under key
// before: for a notice that every benchmark of a run would otherwise
// repeat (the embedded Ollama's backend is decided for each set of
// servers, and is the same each time). Default's Printers are shared, so
// with them the notice is printed once a process.
func (p *Printer) Once(key, format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	seen := p.once[key]
	if !seen {
		if p.once == nil {
			p.once = map[string]bool{}
		}
		p.once[key] = true
	}
	p.mu.Unlock()
	if !seen {
		p.Printf(format, args...)
	}
}

// Write makes a Printer an io.Writer for code that prints its own lines
// (each write is one or more lines).
func (p *Printer) Write(b []byte) (int, error) {
	p.Printf("%s", b)
	return len(b), nil
}

// Default returns the process's Printer for CHIMERA_PROGRESS as it is now
// (read at each call, so a test's t.Setenv takes effect): off discards,
// stderr writes to stderr, anything else the controlling terminal when
// there is one (so redirecting go test's output to a file still shows
// progress), else stderr. One Printer per destination is shared, so
// concurrent lines stay whole.
func Default() *Printer {
	switch os.Getenv("CHIMERA_PROGRESS") {
	case "off":
		return New(nil)
	case "stderr":
		return stderr()
	}
	return terminal()
}

var (
	stderr   = sync.OnceValue(func() *Printer { return New(os.Stderr) })
	terminal = sync.OnceValue(func() *Printer {
		if tty, err := openTerminal(); err == nil {
			return New(tty)
		}
		return stderr()
	})
)
