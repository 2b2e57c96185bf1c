package harness

import (
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

var openaiModel = ollamatest.Model{Name: "fake:tiny", InterToken: time.Millisecond, Tokens: 4}

// withOpenAIFake points the harness at a fake OpenAI-compatible server of
// the given shape on a loopback socket, through the environment a user sets.
func withOpenAIFake(t *testing.T, opts ollamatest.Options) *ollamatest.Server {
	t.Helper()
	if opts.Models == nil {
		opts.Models = []ollamatest.Model{openaiModel}
	}
	fake := ollamatest.Start(t, opts)
	t.Setenv("CHIMERA_OLLAMA_URLS", "")
	t.Setenv(OpenAIURLsEnv, fake.URL+"/v1")
	t.Setenv("CHIMERA_MODELS", openaiModel.Name)
	t.Setenv("CHIMERA_NUM_THREAD", "")
	t.Setenv(measure.OpenAIKeyEnv, "")
	t.Setenv("CHIMERA_SAMPLER", "none")
	t.Setenv("CHIMERA_TRACE_DIR", t.TempDir())
	return fake
}

// The live setup on each server shape prints clean benchfmt naming the
// protocol, what the server says it is, and what it reports.
func TestLiveOverOpenAINamesProtocolAndServer(t *testing.T) {
	for _, tc := range []struct {
		shape ollamatest.OpenAIShape
		want  []string
	}{
		{ollamatest.ShapeOllama, []string{"server: ollama\n", "server-version: " + ollamatest.DefaultVersion + "\n",
			"model-digest: ", "openai-usage: server\n", "openai-timings: none, prefill-ns and tok/s omitted"}},
		{ollamatest.ShapeVLLM, []string{"server: vllm\n", "server-version: " + ollamatest.VLLMVersion + "\n",
			"model-digest: unknown\n", "openai-usage: server\n", "openai-timings: none"}},
		{ollamatest.ShapeLlamaCpp, []string{"server: llama.cpp\n", "server-version: " + ollamatest.LlamaCppBuild + "\n",
			"openai-usage: server\n", "openai-timings: server\n"}},
		{ollamatest.ShapeNoUsage, []string{"server: " + ollamatest.NoUsageServer + "\n", "server-version: unknown\n",
			"openai-usage: none, token counts are content and reasoning chunks counted\n", "openai-timings: none"}},
	} {
		t.Run("shape="+tc.shape.String(), func(t *testing.T) {
			fake := withOpenAIFake(t, ollamatest.Options{OpenAI: tc.shape})
			var out strings.Builder
			BenchOnce(t, func(b *testing.B) {
				l := LiveTo(b, LiveConfig{Units: CallUnits, OpenAI: true}, &out)
				if !l.Instances[0].Client.OpenAI() || l.Instances[0].URL != fake.URL+"/v1" {
					b.Errorf("instance %s speaks OpenAI %v; want the fake's /v1 over OpenAI", l.Instances[0].URL, l.Instances[0].Client.OpenAI())
				}
				for b.Loop() {
				}
			})
			text := out.String()
			for _, want := range append([]string{"protocol: openai\n", "instances: 1\n", "model: " + openaiModel.Name + "\n"}, tc.want...) {
				if !strings.Contains(text, want) {
					t.Errorf("config lines lack %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "ollama-version") || strings.Contains(text, "num-thread") {
				t.Errorf("config lines describe an Ollama setting the protocol does not have:\n%s", text)
			}
			r := benchfmt.NewReader(strings.NewReader(text+"BenchmarkZ 1 1 ns/op\n"), "live")
			for r.Scan() {
				if e, ok := r.Result().(*benchfmt.SyntaxError); ok {
					t.Errorf("syntax error: %v", e)
				}
			}
		})
	}
}

// What cannot run on the OpenAI servers named fails or skips the setup,
// saying why and what to do; the key is named, never quoted.
func TestLiveOverOpenAIRefusesWhatItCannotRun(t *testing.T) {
	const key = "sk-do-not-print-me"
	for _, tc := range []struct {
		name       string
		opts       ollamatest.Options
		env        map[string]string
		cfg        LiveConfig
		wantFail   []string
		wantSkip   []string
		notInFails string
	}{
		{name: "no key for a server that wants one", opts: ollamatest.Options{APIKey: key},
			wantFail: []string{"401", "set CHIMERA_OPENAI_KEY"}},
		{name: "a key it refuses", opts: ollamatest.Options{APIKey: key}, env: map[string]string{measure.OpenAIKeyEnv: key + "-old"},
			wantFail: []string{"the key in CHIMERA_OPENAI_KEY was refused"}},
		{name: "a model it does not serve", opts: ollamatest.Options{OpenAI: ollamatest.ShapeVLLM}, env: map[string]string{"CHIMERA_MODELS": "llama3:8b"},
			wantFail: []string{"model llama3:8b, named by CHIMERA_MODELS", "it serves: fake:tiny"}},
		{name: "a synthetic model where only Ollama can create it", opts: ollamatest.Options{OpenAI: ollamatest.ShapeLlamaCpp}, env: map[string]string{"CHIMERA_MODELS": ""},
			wantFail: []string{"synthetic model llama3.1-tiny is created through Ollama's native API", "is llama.cpp", "it serves: fake:tiny"}},
		{name: "both kinds of URLs", env: map[string]string{"CHIMERA_OLLAMA_URLS": "http://127.0.0.1:1"},
			wantFail: []string{"CHIMERA_OPENAI_URLS and CHIMERA_OLLAMA_URLS are both set"}},
		{name: "num_thread, which the protocol lacks", env: map[string]string{"CHIMERA_NUM_THREAD": "1"},
			wantFail: []string{"CHIMERA_NUM_THREAD=1: the OpenAI protocol has no num_thread"}},
		{name: "a benchmark that speaks the native API", cfg: LiveConfig{OpenAI: false},
			wantSkip: []string{"CHIMERA_OPENAI_URLS is set, and this test speaks Ollama's native API"}},
		{name: "more instances than URLs", cfg: LiveConfig{OpenAI: true, Instances: 2},
			wantSkip: []string{"needs 2 servers and CHIMERA_OPENAI_URLS lists 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withOpenAIFake(t, tc.opts)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg := tc.cfg
			if tc.wantSkip == nil {
				cfg.OpenAI = true
			}
			skipped, fail := srvRecord(t, func(tb testing.TB) { LiveTo(tb, cfg, io.Discard) })
			got, wants := fail, tc.wantFail
			if tc.wantSkip != nil {
				got, wants = skipped, tc.wantSkip
			}
			if got == "" {
				t.Fatalf("skipped %q, failed %q; want it to %s", skipped, fail, map[bool]string{true: "skip", false: "fail"}[tc.wantSkip != nil])
			}
			for _, w := range wants {
				if !strings.Contains(got, w) {
					t.Errorf("got %q\nwant it to say %q", got, w)
				}
			}
			if strings.Contains(skipped+fail, key) {
				t.Errorf("the key was quoted: %q %q", skipped, fail)
			}
		})
	}
}

// Options the protocol lacks skip a configuration, naming them; an
// OpenAI server other than Ollama cannot unload a model; an arm that
// needs OLLAMA_NUM_PARALLEL or more URLs is unavailable over OpenAI.
func TestOpenAIConfigurationsThatCannotRun(t *testing.T) {
	u, _ := url.Parse("http://h:8000/v1")
	oa := &Instance{URL: u.String(), Source: SourceOpenAI, Client: measure.NewOpenAIClient(u, nil, ""), OpenAI: &measure.ServerInfo{Name: "vllm"}}
	native := &Instance{URL: "http://h:11434", Source: SourceURLs, Client: measure.NewClient(u, nil)}
	base := measure.Options{NumPredict: measure.Ptr(24)}
	chimera := AgentConfigs()[1].Options(base)
	if why := (&Live{Instances: []*Instance{oa}}).Unsupported(base, chimera); !strings.Contains(why, "sends num_ctx, num_gpu, which the OpenAI protocol lacks") ||
		!strings.Contains(why, "never run with them dropped") {
		t.Errorf("Unsupported(chimera) over OpenAI = %q, want num_ctx, num_gpu named and the skip explained", why)
	}
	if why := (&Live{Instances: []*Instance{oa}}).Unsupported(base); why != "" {
		t.Errorf("Unsupported(baseline) over OpenAI = %q, want none: temperature, max_tokens and seed map", why)
	}
	if why := (&Live{Instances: []*Instance{native}}).Unsupported(chimera); why != "" {
		t.Errorf("Unsupported on Ollama's native API = %q, want none", why)
	}
	if why := oa.CannotUnload(); !strings.Contains(why, "cannot be told to unload a model") {
		t.Errorf("CannotUnload(vllm) = %q", why)
	}
	oa.OpenAI.Ollama = true
	if why := oa.CannotUnload(); why != "" {
		t.Errorf("CannotUnload(Ollama's /v1) = %q, want none: its native API unloads", why)
	}
	src := ServerSource{Kind: SourceOpenAI, URLs: []string{"http://h1:8000/v1"}}
	for _, tc := range []struct {
		cfg  ServerConfig
		want string
	}{
		{ServerConfig{Instances: 1, NumParallel: 2}, "parallel=2 needs servers the harness starts"},
		{ServerConfig{Instances: 2, NumParallel: 1}, "2 instances are needed and CHIMERA_OPENAI_URLS lists 1"},
		{ServerConfig{Instances: 1}, ""},
	} {
		if got := armUnavailable(src, tc.cfg); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("armUnavailable(%+v) = %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
