package harness

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
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
