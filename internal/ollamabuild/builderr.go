package ollamabuild

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// A BuildError is a CPU build that failed with every set of flags it
// tried. Its message is a few lines: per try, the flags, the compiler's or
// linker's first error lines and the log's path; then the ways out. It
// never quotes a command line (the link line names every object file).
type BuildError struct {
	Version  string
	Tries    []failedTry
	Override bool // the target was CHIMERA_OLLAMA_MARCH: no fallback was tried
}

// A failedTry is one build that failed.
type failedTry struct {
	flags    string
	fallback bool
	log      string
	err      error    // go install's ("exit status 1")
	errors   []string // the log's error lines, in order, without repeats
	tail     bool     // errors holds the log's last lines: none matched
}

// maxErrorLines is how many error lines the message quotes in all.
const maxErrorLines = 6

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "build ollama %s failed", e.Version)
	if e.Override {
		fmt.Fprintf(&b, " for the target %s names (no fallback)", marchEnv)
	}
	b.WriteString(":")
	per := maxErrorLines / max(len(e.Tries), 1)
	for _, t := range e.Tries {
		which := ""
		if t.fallback {
			which = " (the fallback)"
		}
		switch {
		case len(t.errors) == 0:
			fmt.Fprintf(&b, "\n    with %q%s: %v; nothing in %s", t.flags, which, t.err, t.log)
		case t.tail:
			fmt.Fprintf(&b, "\n    with %q%s: %v; no error line, the last lines of %s:", t.flags, which, t.err, t.log)
		case len(t.errors) > per:
			fmt.Fprintf(&b, "\n    with %q%s: %v; the first %d of %d error lines of %s:", t.flags, which, t.err, per, len(t.errors), t.log)
		default:
			fmt.Fprintf(&b, "\n    with %q%s: %v; error lines of %s:", t.flags, which, t.err, t.log)
		}
		for _, l := range t.errors[:min(per, len(t.errors))] {
			b.WriteString("\n        " + l)
		}
	}
	if e.Override {
		fmt.Fprintf(&b, "\n    ways out: set %s to another target (e.g. x86-64-v3) or unset it for this CPU's;", marchEnv)
	} else {
		fmt.Fprintf(&b, "\n    ways out: set %s to a target the compiler builds (e.g. x86-64-v2);", marchEnv)
	}
	b.WriteString("\n      set CHIMERA_OLLAMA_BIN to an ollama executable; or install ollama on PATH (used as is)")
	return b.String()
}

// Unwrap returns the last try's error.
func (e *BuildError) Unwrap() error {
	if len(e.Tries) == 0 {
		return nil
	}
	return e.Tries[len(e.Tries)-1].err
}

// firstError is the try's first error line, or its error.
func (t failedTry) firstError() string {
	if len(t.errors) > 0 {
		return t.errors[0]
	}
	return t.err.Error()
}

// errorLine matches what gcc, clang, ld and cmd/go print for an error:
// "x.c:1:2: error: …", "cc1: error: …", "collect2: error: …", "fatal
// error: …", the linker's own complaints, a compiler not found or killed.
var errorLine = regexp.MustCompile(`(^|\s)(fatal )?error:|undefined reference to|multiple definition of|cannot find -l|executable file not found|signal: killed`)

// sourceLine matches the source gcc and clang quote under a diagnostic
// ("1244 |   memcpy(…)", "|   ~~~^~~"), which may hold any word.
var sourceLine = regexp.MustCompile(`^[0-9]* *\|`)

// Lines longer than this are command lines (the link line runs to tens of
// kilobytes), not messages.
const maxLineLen = 600

// quotedLen is how much of an error line the message quotes.
const quotedLen = 240

// firstErrors returns the error lines of the build log at path, in order,
// each once and shortened to quotedLen; or, where none matches, its last
// three short lines (tail true), so that the message never comes up empty.
func firstErrors(path string) (lines []string, tail bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var found, last []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || len(l) > maxLineLen {
			continue
		}
		if len(l) > quotedLen {
			l = l[:quotedLen] + "…"
		}
		last = append(last, l)
		if len(last) > 3 {
			last = last[1:]
		}
		if errorLine.MatchString(l) && !sourceLine.MatchString(l) && !slices.Contains(found, l) {
			found = append(found, l)
		}
	}
	if len(found) == 0 {
		return last, true
	}
	return found, false
}
