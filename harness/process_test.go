package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
)

// The process tests start a fake `ollama serve`: this test binary,
// re-executed through a small script (srvFakeOllama) with
// HARNESS_FAKE_OLLAMA naming its behaviour, comma-separated:
//
//	(none)       listen on OLLAMA_HOST, log "Listening on <addr> (version …)" as Ollama does, serve
//	runner       also start a child process (like Ollama's runners) that never exits by itself
//	exit         print "boom: cannot start" and exit 1 before listening
//	silent       print one line and never listen
//	ignore-term  ignore SIGTERM (stop must escalate to SIGKILL)
//
// It serves /api/version, /api/generate (a request loads the model; an empty
// prompt with keep_alive 0 unloads it 100 ms later), /api/ps, and for the
// tests /fake/env?key=K, /fake/pid, /fake/exit (dies with "fatal: fake
// crash") and /fake/exit-later (drops the connection, then dies so 300 ms
// later).
func TestServersHelperFakeOllama(t *testing.T) {
	mode, ok := os.LookupEnv("HARNESS_FAKE_OLLAMA")
	if !ok {
		t.Skip("helper process for the server tests, not a test")
	}
	os.Exit(srvFakeOllamaMain(strings.Split(mode, ",")))
}

func srvFakeOllamaMain(mode []string) int {
	if slices.Contains(mode, "sleeper") {
		time.Sleep(time.Hour)
		return 0
	}
	if slices.Contains(mode, "ignore-term") {
		signal.Ignore(syscall.SIGTERM)
	}
	if slices.Contains(mode, "exit") {
		fmt.Fprintln(os.Stderr, "boom: cannot start")
		return 1
	}
	if slices.Contains(mode, "silent") {
		fmt.Fprintln(os.Stderr, "starting, slowly")
		time.Sleep(time.Hour)
		return 0
	}
	addr := os.Getenv("OLLAMA_HOST")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err) // as cobra prints Ollama's
		return 1
	}
	if slices.Contains(mode, "runner") {
		runner := exec.Command(os.Args[0], "-test.run=^TestServersHelperFakeOllama$")
		runner.Env = append(os.Environ(), "HARNESS_FAKE_OLLAMA=sleeper")
		if err := runner.Start(); err != nil {
			fmt.Fprintf(os.Stderr, "Error: start runner: %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "msg=\"started runner\" pid=%d\n", runner.Process.Pid)
	}
	version := os.Getenv("HARNESS_FAKE_VERSION")
	if version == "" {
		version = "0.0.0-fake"
	}
	fmt.Fprintf(os.Stderr, "time=%s level=INFO msg=\"Listening on %s (version %s)\"\n", time.Now().Format(time.RFC3339), ln.Addr(), version)

	var mu sync.Mutex
	loaded := map[string]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/version", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"version": version})
	})
	mux.HandleFunc("/api/generate", func(w http.ResponseWriter, r *http.Request) {
		var req api.GenerateRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		name := canonicalModelName(req.Model)
		if req.Prompt == "" && req.KeepAlive != nil && req.KeepAlive.Duration == 0 {
			time.AfterFunc(100*time.Millisecond, func() {
				mu.Lock()
				delete(loaded, name)
				mu.Unlock()
			})
			json.NewEncoder(w).Encode(api.GenerateResponse{Model: req.Model, Done: true, DoneReason: "unload"})
			return
		}
		mu.Lock()
		loaded[name] = true
		mu.Unlock()
		json.NewEncoder(w).Encode(api.GenerateResponse{Model: req.Model, Response: "x", Done: true, DoneReason: "stop"})
	})
	mux.HandleFunc("/api/ps", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var ps api.ProcessResponse
		for name := range loaded {
			ps.Models = append(ps.Models, api.ProcessModelResponse{Name: name, Model: name})
		}
		json.NewEncoder(w).Encode(ps)
	})
	mux.HandleFunc("/fake/env", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, os.Getenv(r.URL.Query().Get("key")))
	})
	mux.HandleFunc("/fake/pid", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, os.Getpid())
	})
	mux.HandleFunc("/fake/exit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(os.Stderr, "fatal: fake crash")
		os.Exit(3)
	})
	mux.HandleFunc("/fake/exit-later", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintln(os.Stderr, "fatal: fake crash")
		os.Exit(3)
	})
	http.Serve(ln, mux)
	return 0
}

// srvFakeGet GETs a /fake/ endpoint of the fake and returns the body.
func srvFakeGet(t *testing.T, in *Instance, path string) string {
	t.Helper()
	resp, err := http.Get(in.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// srvRealOllama returns an Ollama executable to test the start path with,
// without building one: CHIMERA_OLLAMA_BIN, ollama on PATH, or a cached
// embedded build.
func srvRealOllama() string {
	if bin := os.Getenv("CHIMERA_OLLAMA_BIN"); bin != "" {
		return bin
	}
	if bin, err := exec.LookPath("ollama"); err == nil {
		return bin
	}
	if bin, err := ollamabuild.Path(); err == nil {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	return ""
}

// TestServersHelperOrphanChild is the test process that TestServersNoOrphan
// kills: it starts a server and waits to be killed.
func TestServersHelperOrphanChild(t *testing.T) {
	marker := os.Getenv("HARNESS_ORPHAN_MARKER_VALUE")
	if marker == "" {
		t.Skip("helper process for TestServersNoOrphan, not a test")
	}
	ins := Servers(t, ServerConfig{Env: []string{"HARNESS_ORPHAN_MARKER=" + marker}})
	if err := os.WriteFile(os.Getenv("HARNESS_ORPHAN_READY"), []byte(ins[0].URL), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Hour)
}
