//go:build !unix

package harness

import (
	"os"
	"testing"
)

// srvFakeOllama skips: the fake Ollama is started through a shell script.
func srvFakeOllama(t *testing.T, mode string) string {
	t.Helper()
	t.Skip("the fake ollama is a /bin/sh script: unix only")
	return ""
}

// srvPidAlive reports whether a process with the id can be opened.
func srvPidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
