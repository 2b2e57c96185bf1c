package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
	"github.com/chimeraforge/chimeraforge/internal/synth"
)

func TestParseModels(t *testing.T) {
	tests := []struct {
		name string
		env  string
		want []ModelSpec
	}{
		{"unset means the synthetic default", "", []ModelSpec{{Synthetic: synth.DefaultPreset}}},
		{"only separators mean the synthetic default", " , ,", []ModelSpec{{Synthetic: synth.DefaultPreset}}},
		{"tags are real models in order", "gemma3:latest, llama3.1:8b-instruct-q4_0", []ModelSpec{{Real: "gemma3:latest"}, {Real: "llama3.1:8b-instruct-q4_0"}}},
		{"synth prefix names a preset", "synth:qwen2.5-small,gemma3:latest", []ModelSpec{{Synthetic: "qwen2.5-small"}, {Real: "gemma3:latest"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseModels(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := parseModels("synth:nonesuch"); err == nil {
		t.Error("unknown preset: no error")
	}
}

// mdlCalls records the method and path of every request a fake served.
type mdlCalls struct {
	mu   sync.Mutex
	list []string
}

func (c *mdlCalls) add(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, r.Method+" "+r.URL.Path)
}

// count returns how many requests had the method and a path with prefix.
func (c *mdlCalls) count(method, prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range c.list {
		m, p, _ := strings.Cut(l, " ")
		if m == method && strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// mdlStartFake serves an ollamatest fake on loopback, recording every request;
// override, if not nil, answers the requests it returns true for.
func mdlStartFake(t *testing.T, opts ollamatest.Options, override func(http.ResponseWriter, *http.Request) bool) (*Instance, *mdlCalls) {
	t.Helper()
	fake := ollamatest.New(opts)
	c := &mdlCalls{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.add(r)
		if override != nil && override(w, r) {
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		for _, err := range fake.Errors() {
			t.Errorf("fake: %v", err)
		}
	})
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Instance{URL: ts.URL, Client: measure.NewClient(u, ts.Client())}, c
}

func TestModelSynthetic(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("CHIMERA_CACHE", cache)
	a, ca := mdlStartFake(t, ollamatest.Options{}, nil)
	b, cb := mdlStartFake(t, ollamatest.Options{}, nil)
	ins := []*Instance{a, b}
	const preset = "llama3.1-tiny"
	s, err := synth.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}

	got := Model(t, ins, ModelSpec{Synthetic: preset})

	tag, err := SynthTag(preset)
	if err != nil {
		t.Fatal(err)
	}
	want := ModelInfo{Tag: tag, Digest: synth.Fingerprint(s), Params: synth.Params(s), Synthetic: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	files, err := filepath.Glob(filepath.Join(cache, "models", "*"))
	if err != nil {
		t.Fatal(err)
	}
	gguf := filepath.Join(cache, "models", preset+"-"+synth.Fingerprint(s)[:16]+".gguf")
	if diff := cmp.Diff([]string{gguf}, files); diff != "" {
		t.Errorf("cache holds other than the one GGUF (temp files left?) (-want +got):\n%s", diff)
	}
	// The blob the fake verified on upload is the cached file.
	f, err := os.Open(gguf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*mdlCalls{ca, cb} {
		if n := c.count("POST", "/api/blobs/sha256:"+hex.EncodeToString(h.Sum(nil))); n != 1 {
			t.Errorf("instance %d: %d uploads of the cached file, want 1", i, n)
		}
		if n := c.count("POST", "/api/create"); n != 1 {
			t.Errorf("instance %d: %d creates, want 1", i, n)
		}
	}

	t.Run("second call finds it on the servers", func(t *testing.T) {
		if err := os.RemoveAll(cache); err != nil {
			t.Fatal(err)
		}
		again := Model(t, ins, ModelSpec{Synthetic: preset})
		if diff := cmp.Diff(got, again); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if n := ca.count("POST", "/api/create") + cb.count("POST", "/api/create"); n != 2 {
			t.Errorf("%d creates in all, want the first 2 only", n)
		}
		if _, err := os.Stat(cache); !os.IsNotExist(err) {
			t.Errorf("cache rewritten although both servers had the model: %v", err)
		}
	})

	t.Run("a new server reuses the cached file", func(t *testing.T) {
		c2 := t.TempDir()
		t.Setenv("CHIMERA_CACHE", c2)
		Model(t, []*Instance{a}, ModelSpec{Synthetic: preset}) // present: writes nothing
		fresh, cf := mdlStartFake(t, ollamatest.Options{}, nil)
		first := Model(t, []*Instance{fresh}, ModelSpec{Synthetic: preset})
		path := filepath.Join(c2, "models", filepath.Base(gguf))
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		mtime := fi.ModTime()
		other, co := mdlStartFake(t, ollamatest.Options{}, nil)
		second := Model(t, []*Instance{other}, ModelSpec{Synthetic: preset})
		if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(mtime) {
			t.Errorf("cached file rewritten (err %v)", err)
		}
		if first.Tag != second.Tag || cf.count("POST", "/api/blobs/") != 1 || co.count("POST", "/api/blobs/") != 1 {
			t.Errorf("tags %s, %s; uploads %d, %d; want equal tags and one upload each",
				first.Tag, second.Tag, cf.count("POST", "/api/blobs/"), co.count("POST", "/api/blobs/"))
		}
	})
}

func TestModelReal(t *testing.T) {
	gemma := ollamatest.Model{Name: "gemma3:latest", Digest: strings.Repeat("ab", 32)}

	t.Run("pulls only where missing", func(t *testing.T) {
		a, ca := mdlStartFake(t, ollamatest.Options{Models: []ollamatest.Model{gemma}}, nil)
		b, cb := mdlStartFake(t, ollamatest.Options{Registry: []ollamatest.Model{gemma}}, nil)
		got := Model(t, []*Instance{a, b}, ModelSpec{Real: "gemma3:latest"})
		want := ModelInfo{Tag: "gemma3:latest", Digest: gemma.Digest, Params: 5_000_000}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if pa, pb := ca.count("POST", "/api/pull"), cb.count("POST", "/api/pull"); pa != 0 || pb != 1 {
			t.Errorf("pulls: %d on the server that had it, %d on the other; want 0 and 1", pa, pb)
		}
	})

	t.Run("different digests are an error", func(t *testing.T) {
		other := gemma
		other.Digest = strings.Repeat("cd", 32)
		a, _ := mdlStartFake(t, ollamatest.Options{Models: []ollamatest.Model{gemma}}, nil)
		b, _ := mdlStartFake(t, ollamatest.Options{Models: []ollamatest.Model{other}}, nil)
		_, _, err := ensureReal(t.Context(), []*Instance{a, b}, "gemma3:latest")
		if err == nil || !strings.Contains(err.Error(), other.Digest) {
			t.Errorf("ensureReal = %v, want an error naming both digests", err)
		}
	})

	t.Run("unknown tag is an error, not a skip", func(t *testing.T) {
		a, _ := mdlStartFake(t, ollamatest.Options{}, nil)
		_, offline, err := ensureReal(t.Context(), []*Instance{a}, "nonesuch:latest")
		if err == nil || offline {
			t.Errorf("ensureReal = offline %t, %v; want an error that is not offline", offline, err)
		}
	})

	t.Run("no registry skips a model the test asked for", func(t *testing.T) {
		a, _ := mdlStartFake(t, ollamatest.Options{}, mdlOfflinePull)
		skipped, fail := srvRecord(t, func(tb testing.TB) { Model(tb, []*Instance{a}, ModelSpec{Real: "gemma3:latest"}) })
		if !strings.Contains(skipped, "no registry reachable") || fail != "" {
			t.Errorf("skip %q, fail %q; want a skip", skipped, fail)
		}
	})
}

// mdlOfflinePull answers /api/pull as Ollama v0.17.4 does when it cannot
// resolve the registry.
func mdlOfflinePull(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/api/pull" {
		return false
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	io.WriteString(w, `{"status":"pulling manifest"}`+"\n"+
		`{"error":"pull model manifest: Get \"https://registry.ollama.ai/v2/library/gemma3/manifests/latest\": dial tcp: lookup registry.ollama.ai on 10.255.255.53:53: no such host"}`+"\n")
	return true
}

// A model the user named in CHIMERA_MODELS is enforced: one that cannot be
// had fails the benchmark with the reason and the way out, never skips.
func TestModelsNamedAreEnforced(t *testing.T) {
	gemma := ollamatest.Model{Name: "gemma3:latest"}
	for _, tc := range []struct {
		name     string
		opts     ollamatest.Options
		offline  bool
		wantFail []string // nil: the model is had
	}{
		{"present", ollamatest.Options{Models: []ollamatest.Model{gemma}}, false, nil},
		{"pulled from the registry", ollamatest.Options{Registry: []ollamatest.Model{gemma}}, false, nil},
		{"offline fails with the way out", ollamatest.Options{}, true,
			[]string{"gemma3:latest, named by CHIMERA_MODELS", "no registry reachable", "no such host", "ollama pull gemma3:latest", "take it out of CHIMERA_MODELS"}},
		{"not in the registry fails", ollamatest.Options{}, false, []string{"pull gemma3:latest", "file does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var override func(http.ResponseWriter, *http.Request) bool
			if tc.offline {
				override = mdlOfflinePull
			}
			a, _ := mdlStartFake(t, tc.opts, override)
			t.Setenv("CHIMERA_MODELS", "gemma3:latest")
			var got []ModelInfo
			skipped, fail := srvRecord(t, func(tb testing.TB) { got = Models(tb, []*Instance{a}) })
			if skipped != "" {
				t.Errorf("skipped: %s", skipped)
			}
			if tc.wantFail == nil {
				if fail != "" || len(got) != 1 || got[0].Tag != "gemma3:latest" {
					t.Errorf("Models = %+v, failure %q; want gemma3:latest", got, fail)
				}
				return
			}
			for _, want := range tc.wantFail {
				if !strings.Contains(fail, want) {
					t.Errorf("failure lacks %q: %q", want, fail)
				}
			}
		})
	}
}

func TestModelsReadsEnv(t *testing.T) {
	gemma := ollamatest.Model{Name: "gemma3:latest"}
	a, _ := mdlStartFake(t, ollamatest.Options{Models: []ollamatest.Model{gemma}}, nil)
	t.Setenv("CHIMERA_CACHE", t.TempDir())
	t.Setenv("CHIMERA_MODELS", "synth:gemma3-tiny, gemma3:latest")
	var got []string
	for _, m := range Models(t, []*Instance{a}) {
		got = append(got, m.Tag)
	}
	tag, err := SynthTag("gemma3-tiny")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{tag, "gemma3:latest"}; !slices.Equal(want, got) {
		t.Errorf("Models tags = %v, want %v", got, want)
	}
}

// TestModelsLive creates synthetic models on a real server and checks the
// property benchmarks rely on: every generation streams exactly num_predict
// tokens and ends with done:true, greedy or sampled. It runs the three tiny
// presets, or CHIMERA_MODELS when set, and logs decode tok/s. It needs a
// real Ollama without building one: CHIMERA_OLLAMA_BIN or CHIMERA_OLLAMA_URLS.
//
//	CHIMERA_OLLAMA_BIN=/path/to/ollama go test -run TestModelsLive -v ./harness
func TestModelsLive(t *testing.T) {
	if os.Getenv("CHIMERA_OLLAMA_BIN") == "" && os.Getenv("CHIMERA_OLLAMA_URLS") == "" {
		t.Skip("needs a real Ollama: set CHIMERA_OLLAMA_BIN (or CHIMERA_OLLAMA_URLS)")
	}
	ins := Servers(t, ServerConfig{})
	var models []ModelInfo
	if os.Getenv("CHIMERA_MODELS") == "" {
		for _, f := range []string{"llama3.1", "gemma3", "qwen2.5"} {
			models = append(models, Model(t, ins, ModelSpec{Synthetic: f + "-tiny"}))
		}
	} else {
		models = Models(t, ins)
	}
	in := ins[0]
	for _, m := range models {
		t.Run(m.Tag, func(t *testing.T) {
			if m.Synthetic {
				show, err := in.Client.Show(t.Context(), &api.ShowRequest{Model: m.Tag})
				if err != nil {
					t.Fatal(err)
				}
				if n, _ := show.ModelInfo["general.parameter_count"].(float64); int64(n) != m.Params {
					t.Errorf("server counts %.0f parameters, synth.Params %d", n, m.Params)
				}
			}
			for _, n := range []int{16, 128, 512} {
				for _, temp := range []float64{0.8, 0} {
					mdlCheckGenerate(t, in, m.Tag, n, temp, false)
				}
			}
			mdlCheckGenerate(t, in, m.Tag, 64, 0.8, true)
			if err := in.Unload(t.Context(), m.Tag); err != nil {
				t.Error(err)
			}
		})
	}
}

// mdlCheckGenerate streams one generation (a chat, if chat) and checks it
// ran to num_predict.
func mdlCheckGenerate(t *testing.T, in *Instance, tag string, n int, temp float64, chat bool) {
	t.Helper()
	const prompt = "Summarise the benchmark results for the agent."
	// One thread: speed is not what this checks, and threads spin at
	// barriers, so on a busy 2-core machine two of them can crawl.
	opts := map[string]any{"num_predict": n, "temperature": temp, "seed": 42, "num_thread": 1}
	var (
		chunks int
		text   strings.Builder
		last   api.Metrics
		done   bool
		reason string
	)
	add := func(content string, d bool, r string, m api.Metrics) {
		if content != "" {
			chunks++
			text.WriteString(content)
		}
		done, reason, last = d, r, m
	}
	var err error
	if chat {
		err = in.Client.Chat(t.Context(), &api.ChatRequest{Model: tag, Messages: []api.Message{{Role: "user", Content: prompt}}, Options: opts},
			func(r api.ChatResponse) error { add(r.Message.Content, r.Done, r.DoneReason, r.Metrics); return nil })
	} else {
		err = in.Client.Generate(t.Context(), &api.GenerateRequest{Model: tag, Prompt: prompt, Options: opts},
			func(r api.GenerateResponse) error { add(r.Response, r.Done, r.DoneReason, r.Metrics); return nil })
	}
	what := fmt.Sprintf("chat %t num_predict=%d temperature=%g", chat, n, temp)
	if err != nil {
		t.Fatalf("%s: %v", what, in.Annotate(err))
	}
	tps := float64(last.EvalCount) / last.EvalDuration.Seconds()
	t.Logf("%s: eval_count %d in %d chunks, %.0f tok/s, %q…", what, last.EvalCount, chunks, tps, mdlHead(text.String(), 40))
	if !done || reason != "length" || last.EvalCount != n || chunks != n || strings.TrimSpace(text.String()) == "" {
		t.Errorf("%s: done %t (%s), eval_count %d, %d content chunks, text %q; want done (length), %d, %d, non-empty",
			what, done, reason, last.EvalCount, chunks, mdlHead(text.String(), 40), n, n)
	}
}

func mdlHead(s string, n int) string { return s[:min(len(s), n)] }
