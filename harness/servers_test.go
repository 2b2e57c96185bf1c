package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/internal/logtail"
	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// srvRecordingTB stands in for the test's TB where Servers must skip or
// fail: it records the message and ends the goroutine, as the real ones do.
type srvRecordingTB struct {
	testing.TB
	mu            sync.Mutex
	skipped, fail string
}

func (r *srvRecordingTB) end(dst *string, msg string) {
	r.mu.Lock()
	*dst = msg
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *srvRecordingTB) Skip(args ...any) { r.end(&r.skipped, fmt.Sprint(args...)) }
func (r *srvRecordingTB) Skipf(format string, args ...any) {
	r.end(&r.skipped, fmt.Sprintf(format, args...))
}
func (r *srvRecordingTB) SkipNow()          { r.end(&r.skipped, "SkipNow") }
func (r *srvRecordingTB) Fatal(args ...any) { r.end(&r.fail, fmt.Sprint(args...)) }
func (r *srvRecordingTB) Fatalf(format string, args ...any) {
	r.end(&r.fail, fmt.Sprintf(format, args...))
}
func (r *srvRecordingTB) FailNow() { r.end(&r.fail, "FailNow") }

// srvRecord runs fn on a goroutine with a recording TB and returns how it
// ended: skipped, failed, or neither.
func srvRecord(t *testing.T, fn func(tb testing.TB)) (skipped, fail string) {
	t.Helper()
	rec := &srvRecordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.skipped, rec.fail
}

// srvUseBin makes Servers start bin.
func srvUseBin(t *testing.T, bin string) {
	t.Setenv("CHIMERA_OLLAMA_URLS", "")
	t.Setenv("CHIMERA_OLLAMA_BIN", bin)
}

func TestFindOllama(t *testing.T) {
	fake := srvFakeOllama(t, "")
	notExec := filepath.Join(t.TempDir(), "ollama.txt")
	if err := os.WriteFile(notExec, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := &ollamabuild.PrereqError{Missing: []ollamabuild.Missing{{What: "a C++ compiler (tried g++, c++, clang++)", Fix: "apt-get install -y g++, or set CXX"}}}
	tests := []struct {
		name       string
		env        map[string]string
		onPath     string // what lookPath("ollama") finds
		embedded   error  // what the embedded check says
		want       ServerSource
		wantNoOll  bool     // error wraps ErrNoOllama (skip)
		wantErrHas []string // error text; nil = no error
	}{
		{
			name:   "URLs come first, host:port means http",
			env:    map[string]string{"CHIMERA_OLLAMA_URLS": " http://10.0.0.1:11434/ , 127.0.0.1:11435", "CHIMERA_OLLAMA_BIN": fake},
			onPath: "/usr/bin/ollama",
			want:   ServerSource{Kind: SourceURLs, URLs: []string{"http://10.0.0.1:11434", "http://127.0.0.1:11435"}},
		},
		{
			name:       "a URL that is not http is broken, not absent",
			env:        map[string]string{"CHIMERA_OLLAMA_URLS": "ftp://x:1"},
			wantErrHas: []string{"CHIMERA_OLLAMA_URLS", "ftp://x:1"},
		},
		{
			name:   "CHIMERA_OLLAMA_BIN before PATH",
			env:    map[string]string{"CHIMERA_OLLAMA_BIN": fake},
			onPath: "/usr/bin/ollama",
			want:   ServerSource{Kind: SourceBin, Bin: fake},
		},
		{
			name:       "a missing CHIMERA_OLLAMA_BIN is broken, not absent",
			env:        map[string]string{"CHIMERA_OLLAMA_BIN": "/nonexistent/ollama"},
			onPath:     "/usr/bin/ollama",
			wantErrHas: []string{"CHIMERA_OLLAMA_BIN", "/nonexistent/ollama"},
		},
		{
			name:       "a non-executable CHIMERA_OLLAMA_BIN is broken",
			env:        map[string]string{"CHIMERA_OLLAMA_BIN": notExec},
			wantErrHas: []string{"not an executable file"},
		},
		{
			name:   "ollama on PATH",
			onPath: "/usr/bin/ollama",
			want:   ServerSource{Kind: SourceBin, Bin: "/usr/bin/ollama"},
		},
		{
			name: "embedded when nothing else",
			want: ServerSource{Kind: SourceEmbedded, Bin: "/cache/ollama/0.17.4-key/ollama"},
		},
		{
			name:       "nothing at all skips with every way out",
			embedded:   missing,
			wantNoOll:  true,
			wantErrHas: []string{"CHIMERA_OLLAMA_URLS and CHIMERA_OLLAMA_BIN are unset", "no ollama on PATH", "apt-get install -y g++, or set CXX"},
		},
		{
			name:       "an embedded build that cannot be located is an error",
			embedded:   errors.New("find cache dir: $HOME is not defined"),
			wantErrHas: []string{"$HOME is not defined"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			lookPath := func(name string) (string, error) {
				if name == "ollama" && tt.onPath != "" {
					return tt.onPath, nil
				}
				return "", exec.ErrNotFound
			}
			embedded := func() (string, error) { return "/cache/ollama/0.17.4-key/ollama", tt.embedded }
			got, err := findOllama(getenv, lookPath, embedded)
			if tt.wantErrHas == nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("source mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if errors.Is(err, ErrNoOllama) != tt.wantNoOll {
				t.Errorf("errors.Is(err, ErrNoOllama) = %v, want %v: %v", !tt.wantNoOll, tt.wantNoOll, err)
			}
			if tt.wantNoOll && !errors.Is(err, ollamabuild.ErrMissingPrereq) {
				t.Errorf("err does not wrap the build's ErrMissingPrereq: %v", err)
			}
			for _, want := range tt.wantErrHas {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
		})
	}
}

// srvVersionServer is an external Ollama as far as /api/version goes.
func srvVersionServer(t *testing.T, version string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/version" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"version": version})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestServersFromURLs(t *testing.T) {
	a, b := srvVersionServer(t, "0.17.4"), srvVersionServer(t, "0.17.5")
	t.Setenv("CHIMERA_OLLAMA_URLS", a.URL+","+b.URL+",http://127.0.0.1:1")
	ins := Servers(t, ServerConfig{Instances: 2, NumParallel: 4})
	type view struct {
		Index                     int
		URL, Source, Version, Bin string
		NumParallel, NumThread    int
		Alive                     bool
	}
	var got []view
	for _, in := range ins {
		got = append(got, view{in.Index, in.URL, in.Source, in.Version, in.Bin, in.NumParallel, in.NumThread, in.Alive()})
	}
	want := []view{
		{Index: 0, URL: a.URL, Source: SourceURLs, Version: "0.17.4", Alive: true},
		{Index: 1, URL: b.URL, Source: SourceURLs, Version: "0.17.5", Alive: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances mismatch (-want +got):\n%s", diff)
	}
	// The client talks to the URL.
	if v, err := ins[1].Client.Version(t.Context()); err != nil || v != "0.17.5" {
		t.Errorf("client version = %q, %v; want 0.17.5", v, err)
	}
	if got := ins[0].LogTail(5); got != "" {
		t.Errorf("external server has a log tail: %q", got)
	}
	if err := errors.New("x"); ins[0].Annotate(err) != err {
		t.Error("Annotate changed the error of an external server")
	}
	// External servers get no num_thread unless the user asks for one.
	t.Setenv("CHIMERA_NUM_THREAD", "3")
	if n := Servers(t, ServerConfig{Instances: 1})[0].NumThread; n != 3 {
		t.Errorf("with CHIMERA_NUM_THREAD=3, NumThread = %d, want 3", n)
	}
}

func TestServersFromURLsSkipsOrFails(t *testing.T) {
	live := srvVersionServer(t, "0.17.4")
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	tests := []struct {
		name      string
		urls      string
		instances int
		wantSkip  string
		wantFail  string
	}{
		{"fewer URLs than instances skips with the way out", live.URL, 2, "needs 2 Ollama instances and CHIMERA_OLLAMA_URLS lists 1", ""},
		{"a URL that does not answer fails", live.URL + "," + dead.URL, 2, "", dead.URL + " (CHIMERA_OLLAMA_URLS) does not answer /api/version"},
		{"a malformed URL fails", "http://%zz", 1, "", "CHIMERA_OLLAMA_URLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CHIMERA_OLLAMA_URLS", tt.urls)
			skipped, fail := srvRecord(t, func(tb testing.TB) { Servers(tb, ServerConfig{Instances: tt.instances}) })
			if !strings.Contains(skipped, tt.wantSkip) || (tt.wantSkip == "") != (skipped == "") {
				t.Errorf("skip = %q, want one containing %q", skipped, tt.wantSkip)
			}
			if !strings.Contains(fail, tt.wantFail) || (tt.wantFail == "") != (fail == "") {
				t.Errorf("failure = %q, want one containing %q", fail, tt.wantFail)
			}
		})
	}
}

func TestServersStartsInstances(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	ins := Servers(t, ServerConfig{Instances: 2, NumParallel: 3, Env: []string{"HARNESS_EXTRA=yes", "OLLAMA_KEEP_ALIVE=7m"}})
	if len(ins) != 2 {
		t.Fatalf("%d instances, want 2", len(ins))
	}
	if ins[0].URL == ins[1].URL {
		t.Errorf("both instances at %s", ins[0].URL)
	}
	for i, in := range ins {
		if !strings.HasPrefix(in.URL, "http://127.0.0.1:") {
			t.Errorf("instance %d URL %s is not loopback", i, in.URL)
		}
		env := func(k string) string { return srvFakeGet(t, in, "/fake/env?key="+k) }
		got := map[string]string{
			"source":              in.Source,
			"version":             in.Version,
			"OLLAMA_HOST":         env("OLLAMA_HOST"),
			"OLLAMA_NUM_PARALLEL": env("OLLAMA_NUM_PARALLEL"),
			"OLLAMA_MODELS":       env("OLLAMA_MODELS"),
			"OLLAMA_NOPRUNE":      env("OLLAMA_NOPRUNE"),
			"OLLAMA_KEEP_ALIVE":   env("OLLAMA_KEEP_ALIVE"),
			"HARNESS_EXTRA":       env("HARNESS_EXTRA"),
			"HOME":                filepath.Base(env("HOME")),
			"num-thread":          strconv.Itoa(in.NumThread),
			"num-parallel":        strconv.Itoa(in.NumParallel),
		}
		want := map[string]string{
			"source":              SourceBin,
			"version":             "0.0.0-fake",
			"OLLAMA_HOST":         strings.TrimPrefix(in.URL, "http://"),
			"OLLAMA_NUM_PARALLEL": "3",
			"OLLAMA_MODELS":       ins[0].ModelsDir, // shared
			"OLLAMA_NOPRUNE":      "1",
			"OLLAMA_KEEP_ALIVE":   "7m", // cfg.Env wins
			"HARNESS_EXTRA":       "yes",
			"HOME":                "home-" + strconv.Itoa(i), // own
			"num-thread":          strconv.Itoa(max(1, (runtime.NumCPU()-1)/2)),
			"num-parallel":        "3",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("instance %d mismatch (-want +got):\n%s", i, diff)
		}
		if !strings.Contains(in.LogTail(5), "Listening on "+strings.TrimPrefix(in.URL, "http://")) {
			t.Errorf("instance %d log %s lacks its Listening line:\n%s", i, in.LogPath, in.LogTail(20))
		}
		if !in.Alive() || in.StartTime <= 0 {
			t.Errorf("instance %d: alive %v, start time %s", i, in.Alive(), in.StartTime)
		}
	}
}

func TestServersFindsOllamaOnPath(t *testing.T) {
	fake := srvFakeOllama(t, "")
	t.Setenv("CHIMERA_OLLAMA_URLS", "")
	t.Setenv("CHIMERA_OLLAMA_BIN", "")
	t.Setenv("PATH", filepath.Dir(fake)+string(os.PathListSeparator)+os.Getenv("PATH"))
	in := Servers(t, ServerConfig{})[0]
	if in.Source != SourceBin || in.Bin != fake {
		t.Errorf("source %s, bin %s; want %s, %s", in.Source, in.Bin, SourceBin, fake)
	}
}

// A port held by another server that answers /api/version must not be
// taken for ours: the start retries on another port.
func TestServersRetriesAPortInUse(t *testing.T) {
	impostor := srvVersionServer(t, "impostor")
	_, portStr, err := net.SplitHostPort(strings.TrimPrefix(impostor.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	taken, _ := strconv.Atoi(portStr)
	var picks []int
	opts := defaultServerStartOptions()
	opts.pickPort = func() int {
		p := taken
		if len(picks) > 0 {
			p = randomServerPort()
		}
		picks = append(picks, p)
		return p
	}
	src := ServerSource{Kind: SourceBin, Bin: srvFakeOllama(t, "")}
	in := startServers(t, src, ServerConfig{}, 1, opts)[0]
	if in.Version != "0.0.0-fake" || in.URL == impostor.URL {
		t.Errorf("took %s (version %s) for our server", in.URL, in.Version)
	}
	if len(picks) < 2 || picks[0] != taken {
		t.Errorf("ports tried %v; want %d first, then another", picks, taken)
	}
	first := logtail.Tail(filepath.Join(filepath.Dir(in.LogPath), "ollama-0.log"), 5)
	if !strings.Contains(first, "address already in use") {
		t.Errorf("first start's log does not show the clash:\n%s", first)
	}
}

func TestServersStartFailures(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		stall    time.Duration
		wantFail []string
	}{
		// The stall limit is long where the process's exit is the point:
		// on two loaded cores a process can take more than 300 ms to start
		// and exit, and the stall must not win that race.
		{"a server that exits fails the test quoting its log", "exit", time.Minute, []string{"exited before it was ready", "exit status 1", "boom: cannot start"}},
		{"a silent server fails after the stall timeout", "silent", 300 * time.Millisecond, []string{"not ready and silent for 300ms", "starting, slowly"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := defaultServerStartOptions()
			opts.stall = tt.stall
			src := ServerSource{Kind: SourceBin, Bin: srvFakeOllama(t, tt.mode)}
			_, fail := srvRecord(t, func(tb testing.TB) { startServers(tb, src, ServerConfig{}, 1, opts) })
			for _, want := range tt.wantFail {
				if !strings.Contains(fail, want) {
					t.Errorf("failure lacks %q:\n%s", want, fail)
				}
			}
		})
	}
}

func TestInstanceRestart(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	in := Servers(t, ServerConfig{})[0]
	url, pid, log := in.URL, srvFakeGet(t, in, "/fake/pid"), in.LogPath
	in.Restart(t)
	if in.URL != url {
		t.Logf("port %s was taken meanwhile; restarted at %s", url, in.URL)
	}
	if got := srvFakeGet(t, in, "/fake/pid"); got == pid {
		t.Errorf("same server process %s after restart", pid)
	}
	if n, _ := strconv.Atoi(pid); srvPidAlive(n) {
		t.Errorf("old server %d still alive", n)
	}
	if in.LogPath == log {
		t.Errorf("restart reuses log %s", log)
	}
}

func TestInstanceRestartExternalSkips(t *testing.T) {
	t.Setenv("CHIMERA_OLLAMA_URLS", srvVersionServer(t, "0.17.4").URL)
	in := Servers(t, ServerConfig{})[0]
	skipped, fail := srvRecord(t, func(tb testing.TB) { in.Restart(tb) })
	if !strings.Contains(skipped, "cannot be restarted") || fail != "" {
		t.Errorf("skip %q, fail %q; want a skip", skipped, fail)
	}
}

func TestInstanceDeadServerExplainsErrors(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	in := Servers(t, ServerConfig{})[0]
	if in.Annotate(nil) != nil {
		t.Error("Annotate(nil) != nil")
	}
	http.Get(in.URL + "/fake/exit") // the connection dies with the server
	deadline := time.Now().Add(10 * time.Second)
	for in.Alive() {
		if time.Now().After(deadline) {
			t.Fatal("server still alive after /fake/exit")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, callErr := in.Client.Version(t.Context())
	err := in.Annotate(callErr)
	if !errors.Is(err, callErr) {
		t.Errorf("annotated error does not wrap the call's: %v", err)
	}
	for _, want := range []string{"has exited (exit status 3)", "fatal: fake crash", in.LogPath} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// A server that dies drops its connection before its exit is reaped; the
// error of a call that saw the drop must still say that it exited.
func TestInstanceAnnotateWaitsForTheExit(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	in := Servers(t, ServerConfig{})[0]
	_, callErr := http.Get(in.URL + "/fake/exit-later") // EOF now, exit 300 ms later
	if callErr == nil {
		t.Fatal("the fake answered /fake/exit-later")
	}
	err := in.Annotate(callErr)
	for _, want := range []string{"has exited (exit status 3)", "fatal: fake crash"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// A live server's answer is not waited on.
	srvUseBin(t, srvFakeOllama(t, ""))
	live := Servers(t, ServerConfig{})[0]
	start := time.Now()
	statusErr := api.StatusError{StatusCode: http.StatusNotFound, ErrorMessage: "model not found"}
	if got := live.Annotate(statusErr); got != error(statusErr) || time.Since(start) > time.Second {
		t.Errorf("Annotate of a live server's status = %v after %s; want it unchanged at once", got, time.Since(start))
	}
}

// The directory of started servers is named after the test process, so
// that a later start can tell when its owner has gone, and removed after
// the servers stop.
func TestServersDirNamesItsOwner(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	var dir string
	t.Run("servers", func(t *testing.T) {
		dir = filepath.Dir(Servers(t, ServerConfig{})[0].ModelsDir)
		if want := serverDirPrefix + strconv.Itoa(os.Getpid()) + "-"; !strings.HasPrefix(filepath.Base(dir), want) || filepath.Dir(dir) != filepath.Clean(os.TempDir()) {
			t.Errorf("server dir %s, want %s<random> in %s", dir, want, os.TempDir())
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("server dir %s after the test: %v; want it removed", dir, err)
	}
}

func TestReapServerDirs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("leftover server dirs are reaped on unix only")
	}
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	name := func(pid int, rest string) string { return fmt.Sprintf("%s%d-%s", serverDirPrefix, pid, rest) }
	leftover := name(dead.Process.Pid, "123")
	keep := []string{
		name(os.Getpid(), "456"),  // ours
		name(os.Getppid(), "789"), // a live process's
		serverDirPrefix + "x-1",   // not ours to judge
		"unrelated",
	}
	for _, d := range append([]string{leftover}, keep...) {
		if err := os.MkdirAll(filepath.Join(root, d, "models", "blobs"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	blob := filepath.Join(root, leftover, "models", "blobs", "sha256-00")
	if err := os.WriteFile(blob, make([]byte, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	reapServerDirs(root, progress.New(&said))
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	slices.Sort(keep)
	if diff := cmp.Diff(keep, left); diff != "" {
		t.Errorf("dirs left mismatch (-want +got):\n%s", diff)
	}
	want := fmt.Sprintf("# Freed %s (3.0 MiB), left by process %d, which has exited\n", filepath.Join(root, leftover), dead.Process.Pid)
	if said.String() != want {
		t.Errorf("reaping said %q, want %q", said.String(), want)
	}
}

func TestInstanceUnload(t *testing.T) {
	srvUseBin(t, srvFakeOllama(t, ""))
	in := Servers(t, ServerConfig{})[0]
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	srvGenerate(t, in, "tiny")
	start := time.Now()
	if err := in.Unload(ctx, "tiny"); err != nil {
		t.Fatal(err)
	}
	// The fake drops the model 100 ms after the request: Unload waited.
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("Unload returned after %s, before the model left /api/ps", took)
	}
	ps, err := in.Client.ListRunning(ctx)
	if err != nil || len(ps.Models) != 0 {
		t.Errorf("after Unload, /api/ps = %+v, %v; want empty", ps, err)
	}
}

func srvGenerate(t *testing.T, in *Instance, model string) {
	t.Helper()
	resp, err := http.Post(in.URL+"/api/generate", "application/json", strings.NewReader(`{"model":"`+model+`","prompt":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestCanonicalModelName(t *testing.T) {
	for in, want := range map[string]string{
		"tiny":                        "tiny:latest",
		"tiny:latest":                 "tiny:latest",
		"llama3.1:8b-instruct-q4_0":   "llama3.1:8b-instruct-q4_0",
		"registry:5000/ns/model":      "registry:5000/ns/model:latest",
		"registry:5000/ns/model:v1.2": "registry:5000/ns/model:v1.2",
	} {
		if got := canonicalModelName(in); got != want {
			t.Errorf("canonicalModelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServerConfigLines(t *testing.T) {
	tests := []struct {
		name string
		ins  []*Instance
		want []string
	}{
		{"no instances", nil, nil},
		{
			"started instances say their parallelism",
			[]*Instance{{Source: SourceEmbedded, Version: "0.17.4", NumParallel: 1}, {Source: SourceEmbedded, Version: "0.17.4", NumParallel: 1}},
			[]string{"ollama-source: embedded", "ollama-version: 0.17.4", "instances: 2", "num-parallel: 1"},
		},
		{
			"external servers of different versions list both, parallelism unknown",
			[]*Instance{{Source: SourceURLs, Version: "0.17.4"}, {Source: SourceURLs, Version: "0.18.0"}},
			[]string{"ollama-source: urls", "ollama-version: 0.17.4,0.18.0", "instances: 2"},
		},
		{
			"a missing version is unknown, not blank",
			[]*Instance{{Source: SourceBin, NumParallel: 4}},
			[]string{"ollama-source: bin", "ollama-version: unknown", "instances: 1", "num-parallel: 4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ServerConfigLines(tt.ins)); diff != "" {
				t.Errorf("lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The start path against a real Ollama, when one is at hand without
// building: CHIMERA_OLLAMA_BIN, ollama on PATH, or a cached embedded build.
func TestServersRealOllama(t *testing.T) {
	bin := srvRealOllama()
	if bin == "" {
		t.Skip("no real Ollama without building one (set CHIMERA_OLLAMA_BIN, put ollama on PATH, or run a benchmark once to build the embedded one)")
	}
	srvUseBin(t, bin)
	ins := Servers(t, ServerConfig{Instances: 2})
	for _, in := range ins {
		t.Logf("instance %d: %s version %s ready in %s", in.Index, in.URL, in.Version, in.StartTime)
		if in.Version == "" || in.Version == "0.0.0" {
			t.Errorf("instance %d version %q: built without -X version.Version?", in.Index, in.Version)
		}
		ps, err := in.Client.ListRunning(t.Context())
		if err != nil || len(ps.Models) != 0 {
			t.Errorf("instance %d: /api/ps = %+v, %v; want a fresh server", in.Index, ps, err)
		}
	}
	err := ins[0].Unload(t.Context(), "no-such-model")
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Unload of an unknown model = %v; want not found", err)
	}
	ins[1].Restart(t)
	t.Logf("instance 1 restarted: %s ready in %s", ins[1].URL, ins[1].StartTime)
	if _, err := ins[1].Client.Version(t.Context()); err != nil {
		t.Errorf("after restart: %v", err)
	}
}

type srvDeadlineTB struct {
	testing.TB
	deadline time.Time
	ok       bool
}

func (d srvDeadlineTB) Deadline() (time.Time, bool) { return d.deadline, d.ok }

func TestServerGraceShrinksNearTheDeadline(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name string
		tb   testing.TB
		want time.Duration
	}{
		{"no deadline keeps the grace", srvDeadlineTB{TB: t}, 5 * time.Second},
		{"a far deadline keeps the grace", srvDeadlineTB{TB: t, deadline: now.Add(10 * time.Minute), ok: true}, 5 * time.Second},
		{"10s left allows 5% of it", srvDeadlineTB{TB: t, deadline: now.Add(10 * time.Second), ok: true}, 500 * time.Millisecond},
		{"a passed deadline still allows 100ms", srvDeadlineTB{TB: t, deadline: now.Add(-time.Second), ok: true}, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serverGrace(tt.tb, 5*time.Second)
			if diff := got - tt.want; diff < -10*time.Millisecond || diff > 10*time.Millisecond {
				t.Errorf("grace = %s, want %s", got, tt.want)
			}
		})
	}
}
