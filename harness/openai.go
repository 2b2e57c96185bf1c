package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// OpenAIURLsEnv names the variable that lists OpenAI-compatible servers
// (vLLM, SGLang, TGI, llama.cpp's llama-server, Ollama's own /v1): their
// base URLs, comma-separated, e.g. http://h1:8000/v1. Set, the benchmarks
// that can ([LiveConfig.OpenAI]) measure their calls over that protocol;
// the others skip, saying so.
const OpenAIURLsEnv = "CHIMERA_OPENAI_URLS"

// findOpenAI reads CHIMERA_OPENAI_URLS; ok is false when it is unset.
// Naming both it and CHIMERA_OLLAMA_URLS is an error: which servers a run
// measures must not depend on an order of precedence.
func findOpenAI(getenv func(string) string) (src ServerSource, ok bool, err error) {
	list := getenv(OpenAIURLsEnv)
	if strings.TrimSpace(list) == "" {
		return ServerSource{}, false, nil
	}
	if strings.TrimSpace(getenv("CHIMERA_OLLAMA_URLS")) != "" {
		return ServerSource{}, true, fmt.Errorf("%s and CHIMERA_OLLAMA_URLS are both set: set one", OpenAIURLsEnv)
	}
	var urls []string
	for _, raw := range strings.Split(list, ",") {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		u, err := parseServerURL(raw)
		if err != nil {
			return ServerSource{}, true, fmt.Errorf("%s: %w", OpenAIURLsEnv, err)
		}
		urls = append(urls, u)
	}
	return ServerSource{Kind: SourceOpenAI, URLs: urls}, true, nil
}

// connectOpenAI returns the first n CHIMERA_OPENAI_URLS servers, each
// spoken to with CHIMERA_OPENAI_KEY as its bearer token. Each must list
// its models (a 401 or 403 fails the test naming the key's variable);
// what it says of itself (Ollama's /api/version, llama.cpp's /props,
// vLLM's /version, or its Server header) goes into Instance.OpenAI.
func connectOpenAI(tb testing.TB, urls []string, n int) []*Instance {
	tb.Helper()
	if len(urls) < n {
		tb.Skipf("harness: this test needs %d servers and %s lists %d (%s); list %d URLs", n, OpenAIURLsEnv, len(urls), strings.Join(urls, ","), n)
	}
	if v := os.Getenv("CHIMERA_NUM_THREAD"); v != "" {
		tb.Fatalf("harness: CHIMERA_NUM_THREAD=%s: the OpenAI protocol has no num_thread (the server sets its threads at launch); unset it to use %s", v, OpenAIURLsEnv)
	}
	key := os.Getenv(measure.OpenAIKeyEnv)
	ins := make([]*Instance, n)
	for i := range n {
		u, err := url.Parse(urls[i])
		if err != nil {
			tb.Fatalf("harness: %s: %v", OpenAIURLsEnv, err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64 // concurrent agents reuse connections
		in := &Instance{Index: i, URL: urls[i], Source: SourceOpenAI,
			Client: measure.NewOpenAIClient(u, &http.Client{Transport: tr}, key)}
		ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
		if _, err := in.Client.OpenAIModels(ctx); err != nil {
			cancel()
			tb.Fatalf("harness: OpenAI-compatible server %d (%s): %v", i, OpenAIURLsEnv, err)
		}
		info := in.Client.OpenAIServer(ctx)
		cancel()
		in.OpenAI, in.Version = &info, info.Version
		ins[i] = in
	}
	return ins
}

// openaiServerLines are the config lines of OpenAI-compatible servers:
// the protocol, what each server says it is and its version (each distinct
// value, comma-separated), and how many.
func openaiServerLines(ins []*Instance) []string {
	var names, versions []string
	for _, in := range ins {
		v := in.OpenAI.Version
		if v == "" {
			v = "unknown"
		}
		if !slices.Contains(names, in.OpenAI.Name) {
			names = append(names, in.OpenAI.Name)
		}
		if !slices.Contains(versions, v) {
			versions = append(versions, v)
		}
	}
	return []string{
		"protocol: " + measure.ProtocolOpenAI,
		"server: " + strings.Join(names, ","),
		"server-version: " + strings.Join(versions, ","),
		"instances: " + strconv.Itoa(len(ins)),
	}
}

// openaiModels makes sure every model of specs is served by every
// instance. Where the servers are Ollama, models are had as on Ollama's
// native API (synthetic ones created, real ones pulled); elsewhere a
// synthetic model cannot be created, and a model a server does not list
// fails the test with the list.
func openaiModels(tb testing.TB, ins []*Instance, specs []ModelSpec) []ModelInfo {
	tb.Helper()
	ollama := true
	for _, in := range ins {
		ollama = ollama && in.OpenAI.Ollama
	}
	var infos []ModelInfo
	for _, s := range specs {
		var info ModelInfo
		switch {
		case ollama:
			info = model(tb, ins, s, true)
		case s.Synthetic != "":
			tb.Fatalf("harness: the synthetic model %s is created through Ollama's native API, and %s is %s; name models it serves in CHIMERA_MODELS (it serves: %s)",
				s.Synthetic, ins[0].URL, ins[0].OpenAI.Name, strings.Join(servedModels(tb, ins[0]), ", "))
		default:
			info = ModelInfo{Tag: s.Real, Digest: "unknown"}
		}
		for _, in := range ins {
			served := servedModels(tb, in)
			if !slices.ContainsFunc(served, func(id string) bool { return canonicalModelName(id) == canonicalModelName(info.Tag) }) {
				tb.Fatalf("harness: model %s, named by CHIMERA_MODELS: %s (%s) does not serve it; it serves: %s",
					info.Tag, in.URL, OpenAIURLsEnv, strings.Join(served, ", "))
			}
		}
		infos = append(infos, info)
	}
	return infos
}

// servedModels are the ids of the models the server lists, sorted.
func servedModels(tb testing.TB, in *Instance) []string {
	tb.Helper()
	ms, err := in.Client.OpenAIModels(tb.Context())
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

// openaiProbe makes one short call (traced as run "probe", excluded from
// every metric) to learn what the server reports, and says it in config
// lines: whether token counts are its usage or counted chunks, and
// whether it times prefill and decode (llama.cpp's timings) or prefill-ns
// and tok/s are omitted.
func openaiProbe(tb testing.TB, l *Live) []string {
	tb.Helper()
	in := l.Instances[0]
	r, err := measure.Measure(tb.Context(), measure.Call{
		Client: in.Client, URL: in.URL, Model: l.Model().Tag, Prompt: "Say hello.",
		Options: measure.Options{NumPredict: measure.Ptr(4)}.Map(), Run: "probe", Stage: "probe",
	})
	if terr := l.Trace.Write(r); terr != nil {
		tb.Fatalf("harness: %v", terr)
	}
	if err != nil {
		tb.Fatalf("harness: probe call to %s: %v", in.URL, err)
	}
	usage, timings := "server", "server"
	if r.TokensCounted {
		usage = "none, token counts are content and reasoning chunks counted"
	}
	if r.PromptEvalDuration == nil && r.EvalDuration == nil {
		timings = "none, prefill-ns and tok/s omitted (stream-tok/s is the client's)"
	}
	return []string{"openai-usage: " + usage, "openai-timings: " + timings}
}

// openaiArmUnavailable says why the CHIMERA_OPENAI_URLS servers cannot
// provide an arm, or "".
func openaiArmUnavailable(src ServerSource, cfg ServerConfig) string {
	n := max(cfg.Instances, 1)
	if cfg.NumParallel > 1 {
		return fmt.Sprintf("harness: parallel=%d needs servers the harness starts with OLLAMA_NUM_PARALLEL=%d, and the %s servers keep their own slots; unset %s to let the harness start Ollama",
			cfg.NumParallel, cfg.NumParallel, OpenAIURLsEnv, OpenAIURLsEnv)
	}
	if len(src.URLs) < n {
		return fmt.Sprintf("harness: %d instances are needed and %s lists %d (%s); list %d URLs",
			n, OpenAIURLsEnv, len(src.URLs), strings.Join(src.URLs, ","), n)
	}
	return ""
}

// Unsupported says why a configuration whose agents send opts cannot run
// on l's servers, or "": over the OpenAI protocol, the options it lacks
// (num_ctx, num_gpu, …). Such a configuration is skipped with the reason,
// never run with the options dropped.
func (l *Live) Unsupported(opts ...measure.Options) string {
	if len(l.Instances) == 0 || l.Instances[0].Client == nil || !l.Instances[0].Client.OpenAI() {
		return ""
	}
	var keys []string
	for _, o := range opts {
		for _, k := range measure.OpenAIUnsupported(o.Map()) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return fmt.Sprintf("harness: this configuration sends %s, which the OpenAI protocol lacks (a server such as vLLM or llama.cpp fixes them at launch); it is skipped, never run with them dropped (%s)",
		strings.Join(keys, ", "), OpenAIURLsEnv)
}

// CannotUnload says why [Instance.Unload] cannot work on in, or "": an
// OpenAI-compatible server other than Ollama has no way to unload a model.
// (Ollama's /v1 unloads through its native API.)
func (in *Instance) CannotUnload() string {
	if in.OpenAI == nil || in.OpenAI.Ollama {
		return ""
	}
	return fmt.Sprintf("harness: %s (%s, %s) cannot be told to unload a model over the OpenAI protocol; runs that need a cold model run on Ollama, or on its /v1",
		in.URL, in.OpenAI.Name, OpenAIURLsEnv)
}

// nativeURL is where Ollama's native API is: the URL, or for an
// OpenAI-compatible Ollama the root of its /v1.
func (in *Instance) nativeURL() string {
	if in.OpenAI != nil {
		return strings.TrimSuffix(strings.TrimSuffix(in.URL, "/"), "/v1")
	}
	return in.URL
}
