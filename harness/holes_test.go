package harness

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// Issue 17: CHIMERA_OLLAMA_URLS=",,," ran nothing and passed (ok, exit
// 0): a list of no URL read as no list, then as too few URLs (a skip).
func TestURLListWithNoURLIsAnError(t *testing.T) {
	for _, list := range []string{",,,", " , ", ","} {
		t.Run(list, func(t *testing.T) {
			t.Setenv("CHIMERA_OLLAMA_URLS", list)
			skipped, fail := srvRecord(t, func(tb testing.TB) { Servers(tb, ServerConfig{}) })
			if skipped != "" || !strings.Contains(fail, `CHIMERA_OLLAMA_URLS="`+list+`" lists no URL`) {
				t.Errorf("skip %q, failure %q; want a failure naming CHIMERA_OLLAMA_URLS and its empty list", skipped, fail)
			}
		})
	}
}

// authFake serves fake behind basic auth user:pass, counting the
// requests that carried it and refusing the others.
type authFake struct {
	mu          sync.Mutex
	authed, bad int
}

func startAuthFake(t *testing.T, fake http.Handler, user, pass string) (*authFake, *httptest.Server) {
	t.Helper()
	a := &authFake{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		a.mu.Lock()
		good := ok && u == user && p == pass
		if good {
			a.authed++
		} else {
			a.bad++
		}
		a.mu.Unlock()
		if !good {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return a, srv
}

// Issue 17: a URL with credentials (http://admin:pass@…) was written
// verbatim into the trace and into error messages. Now the credentials
// reach the server as basic auth on every request, and no trace record,
// config line, error or skip message holds them.
func TestCredentialsReachTheServerButNoOutput(t *testing.T) {
	const user, pass = "admin", "s3cret-pass"
	m := ollamatest.Model{Name: "fake:tiny", InterToken: time.Millisecond, Tokens: 4}
	a, srv := startAuthFake(t, ollamatest.New(ollamatest.Options{Models: []ollamatest.Model{m}}), user, pass)
	host := strings.TrimPrefix(srv.URL, "http://")
	withCreds := "http://" + user + ":" + pass + "@" + host
	leaks := func(what, s string) {
		t.Helper()
		if strings.Contains(s, pass) || strings.Contains(s, user+":") || strings.Contains(s, user+"@") {
			t.Errorf("%s holds the credentials:\n%s", what, s)
		}
	}

	t.Run("trace and config lines", func(t *testing.T) {
		t.Setenv("CHIMERA_OLLAMA_URLS", withCreds)
		in := Servers(t, ServerConfig{})[0]
		leaks("Instance.URL", in.URL)
		leaks("config lines", strings.Join(ServerConfigLines([]*Instance{in}), "\n"))
		path := t.TempDir() + "/trace.jsonl"
		tr, err := measure.OpenTrace(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := measure.Measure(t.Context(), measure.Call{Client: in.Client, URL: in.URL, Model: m.Name, Prompt: "hello"})
		if err != nil {
			t.Fatalf("a call with the credentials: %v", err)
		}
		if err := tr.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		leaks("trace", string(b))
		if r.URL != srv.URL {
			t.Errorf("record URL %q, want the instance %q without user info", r.URL, srv.URL)
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.authed < 2 || a.bad > 0 {
			t.Errorf("the server saw %d requests with the credentials and %d without; want every request (version, generate) to carry them", a.authed, a.bad)
		}
	})

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	deadCreds := "http://" + user + ":" + pass + "@" + strings.TrimPrefix(dead.URL, "http://")
	for _, tt := range []struct {
		name      string
		urls      string
		instances int
	}{
		{"a server that does not answer", deadCreds, 1},
		{"a URL that does not parse", "http://" + user + ":" + pass + "@%zz", 1},
		{"a URL that is not http", "ftp://" + user + ":" + pass + "@" + host, 1},
		{"too few URLs for the instances", withCreds, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CHIMERA_OLLAMA_URLS", tt.urls)
			skipped, fail := srvRecord(t, func(tb testing.TB) { Servers(tb, ServerConfig{Instances: tt.instances}) })
			if skipped == "" && fail == "" {
				t.Fatal("neither skipped nor failed")
			}
			t.Logf("skip %q, failure %q", skipped, fail)
			leaks("the message", skipped+fail)
			if !strings.Contains(skipped+fail, measure.Redacted) && !strings.Contains(skipped+fail, strings.TrimPrefix(dead.URL, "http://")) {
				t.Errorf("the message %q shows neither the redacted URL nor the host", skipped+fail)
			}
		})
	}
}

// Issue 17: CHIMERA_NUM_THREAD and CHIMERA_NUM_PREDICT had no upper
// bound (1000000000 threads crashed Ollama's runner), and nothing named
// the variable's bounds.
func TestNumericVariablesAreBounded(t *testing.T) {
	tests := []struct {
		env, value string
		read       func(tb testing.TB)
		wantFail   string
	}{
		{"CHIMERA_NUM_THREAD", "1000000000", func(tb testing.TB) { numThreadOverride(tb) }, `CHIMERA_NUM_THREAD="1000000000": want an integer from 1 to 1024`},
		{"CHIMERA_NUM_THREAD", "0", func(tb testing.TB) { numThreadOverride(tb) }, `CHIMERA_NUM_THREAD="0": want an integer from 1 to 1024`},
		{"CHIMERA_NUM_THREAD", "1024", func(tb testing.TB) { numThreadOverride(tb) }, ""},
		{"CHIMERA_NUM_PREDICT", "1000000000", func(tb testing.TB) { NumPredict(tb, ModelInfo{}) }, `CHIMERA_NUM_PREDICT="1000000000": want an integer from 1 to 131072`},
		{"CHIMERA_NUM_PREDICT", "-5", func(tb testing.TB) { NumPredict(tb, ModelInfo{}) }, `CHIMERA_NUM_PREDICT="-5": want an integer from 1 to 131072`},
		{"CHIMERA_NUM_PREDICT", "131072", func(tb testing.TB) { NumPredict(tb, ModelInfo{}) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			_, fail := srvRecord(t, tt.read)
			if (tt.wantFail == "") != (fail == "") || !strings.Contains(fail, tt.wantFail) {
				t.Errorf("failure %q, want %q", fail, tt.wantFail)
			}
		})
	}
}

// Issue 17: an unusable CHIMERA_TRACE_DIR or CHIMERA_CORPUS gave an error
// naming the path (or none at all, for the corpus, until an agent read
// it), never the variable.
func TestPathVariablesAreNamed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env, value string
		use        func(tb testing.TB)
	}{
		{"CHIMERA_TRACE_DIR", filepath.Join(file, "traces"), func(tb testing.TB) { NewTrace(tb) }},
		{"CHIMERA_TRACE_DIR", file, func(tb testing.TB) { NewTrace(tb) }},
		{"CHIMERA_CORPUS", filepath.Join(t.TempDir(), "absent"), func(tb testing.TB) { CorpusDir(tb) }},
		{"CHIMERA_CORPUS", file, func(tb testing.TB) { CorpusDir(tb) }},
	}
	for _, tt := range tests {
		t.Run(tt.env+"="+filepath.Base(tt.value), func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			_, fail := srvRecord(t, tt.use)
			if want := tt.env + `="` + tt.value + `" is unusable`; !strings.Contains(fail, want) {
				t.Errorf("failure %q, want one containing %q", fail, want)
			}
		})
	}
}

// Issue 17: the ~0.5 MB default corpus of every benchmark went to
// tb.TempDir, named after the test with no owner, so a killed run's copy
// was never reaped. It now goes to a TempDir named after this process,
// which the next start reaps once the process is gone.
func TestTempDirsOfKilledRunsAreReaped(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("leftover dirs are reaped on unix only")
	}
	t.Setenv("CHIMERA_CORPUS", "")
	corpus := CorpusDir(t)
	if want := tempDirPrefix + strconv.Itoa(os.Getpid()) + "-"; !strings.HasPrefix(filepath.Base(corpus), want) {
		t.Errorf("default corpus in %s, want a dir named %s<random>, which a later run can reap", corpus, want)
	}
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	leftover := filepath.Join(root, fmt.Sprintf("%s%d-123", tempDirPrefix, dead.Process.Pid))
	ours := filepath.Join(root, fmt.Sprintf("%s%d-456", tempDirPrefix, os.Getpid()))
	for _, d := range []string{leftover, ours} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(leftover, "corpus.txt"), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	reapServerDirs(root, progress.New(&said))
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("%s, left by exited process %d: %v; want it reaped", leftover, dead.Process.Pid, err)
	}
	if _, err := os.Stat(ours); err != nil {
		t.Errorf("our own %s: %v; want it kept", ours, err)
	}
	if want := fmt.Sprintf("# Freed %s (1.0 MiB), left by process %d, which has exited\n", leftover, dead.Process.Pid); said.String() != want {
		t.Errorf("reaping said %q, want %q", said.String(), want)
	}
}
