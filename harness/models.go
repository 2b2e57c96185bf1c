package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
	"github.com/chimeraforge/chimeraforge/internal/progress"
	"github.com/chimeraforge/chimeraforge/internal/synth"
)

// ModelSpec names one model a benchmark runs: a synthetic preset or a real
// Ollama tag. Exactly one field is set.
type ModelSpec struct {
	// Synthetic is a preset of internal/synth, e.g. "llama3.1-tiny"
	// (synth.Presets lists them). The model is written locally and
	// created on each server; no network is needed.
	Synthetic string
	// Real is an Ollama tag, e.g. "gemma3:latest", pulled if a server
	// lacks it.
	Real string
}

// ModelInfo is a model present on every instance a benchmark uses.
type ModelInfo struct {
	// Tag is the name to send in requests. Synthetic models are tagged
	// "chimera-synth/<preset>:<fingerprint>", where the fingerprint
	// (12 hex digits of synth.Fingerprint) changes whenever the file would.
	Tag string
	// Digest identifies the weights, stable across runs and machines. For
	// a real model it is the digest /api/tags lists (`ollama list` shows
	// its start): the sha256 of the manifest pulled from the registry. For
	// a synthetic one it is synth.Fingerprint, the sha256 of the recipe
	// version and Spec, which fixes the GGUF byte for byte; the manifest
	// digest of a locally created model changes with every creation.
	Digest string
	// Params is the parameter count: synth.Params for synthetic models,
	// general.parameter_count from /api/show for real ones.
	Params int64
	// Synthetic reports a model written by internal/synth.
	Synthetic bool
}

// SynthPrefix marks a synthetic preset in CHIMERA_MODELS.
const SynthPrefix = "synth:"

// Models returns the models benchmarks run, each present on every
// instance. It reads CHIMERA_MODELS at call time: a comma-separated list of
// Ollama tags (gemma3:latest,llama3.1:8b-instruct-q4_0), where an entry
// "synth:<preset>" names a synthetic model instead. Unset or empty, it is the
// synthetic synth.DefaultPreset alone, so every benchmark runs with nothing
// downloaded. The user named these models, so one that cannot be had fails
// the test, with the reason and the way out; it never skips.
func Models(tb testing.TB, ins []*Instance) []ModelInfo {
	tb.Helper()
	specs, err := parseModels(os.Getenv("CHIMERA_MODELS"))
	if err != nil {
		tb.Fatalf("CHIMERA_MODELS: %v", err)
	}
	if len(ins) > 0 && ins[0].OpenAI != nil {
		return openaiModels(tb, ins, specs)
	}
	var infos []ModelInfo
	for _, s := range specs {
		infos = append(infos, model(tb, ins, s, true))
	}
	return infos
}

func parseModels(env string) ([]ModelSpec, error) {
	var specs []ModelSpec
	for _, e := range strings.Split(env, ",") {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case strings.HasPrefix(e, SynthPrefix):
			name := strings.TrimPrefix(e, SynthPrefix)
			if _, err := synth.Preset(name); err != nil {
				return nil, err
			}
			specs = append(specs, ModelSpec{Synthetic: name})
		default:
			specs = append(specs, ModelSpec{Real: e})
		}
	}
	if len(specs) == 0 {
		specs = []ModelSpec{{Synthetic: synth.DefaultPreset}}
	}
	return specs, nil
}

// Model makes sure the model that spec names is present on every instance and
// describes it. A synthetic model is written once into the cache
// (CHIMERA_CACHE, else the user cache dir's chimeraforge/) as
// models/<preset>-<fingerprint>.gguf, uploaded as a blob and created on each
// server that lacks its tag; a server that has it is left alone. A real
// model missing from a server is pulled; if no registry can be reached the
// test is skipped, with the way out in the reason (the test, not the user,
// asked for it; [Models] fails instead). Steps that take more than a second
// report progress on stderr.
func Model(tb testing.TB, ins []*Instance, spec ModelSpec) ModelInfo {
	tb.Helper()
	return model(tb, ins, spec, false)
}

// model is Model; named says that the user named spec (CHIMERA_MODELS), so
// that a real model no registry can supply fails the test.
func model(tb testing.TB, ins []*Instance, spec ModelSpec, named bool) ModelInfo {
	tb.Helper()
	if len(ins) == 0 {
		tb.Fatalf("model %+v: no instances", spec)
	}
	ctx := tb.Context()
	var (
		info ModelInfo
		err  error
	)
	switch {
	case (spec.Synthetic == "") == (spec.Real == ""):
		tb.Fatalf("model %+v: set exactly one of Synthetic and Real", spec)
	case spec.Synthetic != "":
		info, err = ensureSynthetic(ctx, ins, spec.Synthetic)
	default:
		var offline bool
		info, offline, err = ensureReal(ctx, ins, spec.Real)
		switch {
		case offline && named:
			tb.Fatalf("model %s, named by CHIMERA_MODELS: not on the server and no registry reachable (%v); pull it beforehand (OLLAMA_HOST=<server> ollama pull %s), or take it out of CHIMERA_MODELS (unset, the synthetic default runs)",
				spec.Real, err, spec.Real)
		case offline:
			tb.Skipf("model %s: not on the server and no registry reachable (%v); pull it beforehand (OLLAMA_HOST=<server> ollama pull %s)",
				spec.Real, err, spec.Real)
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	return info
}

// SynthTag is the tag a synthetic preset gets on the servers.
func SynthTag(preset string) (string, error) {
	s, err := synth.Preset(preset)
	if err != nil {
		return "", err
	}
	return "chimera-synth/" + preset + ":" + synth.Fingerprint(s)[:12], nil
}

func ensureSynthetic(ctx context.Context, ins []*Instance, preset string) (ModelInfo, error) {
	s, err := synth.Preset(preset)
	if err != nil {
		return ModelInfo{}, err
	}
	tag, err := SynthTag(preset)
	if err != nil {
		return ModelInfo{}, err
	}
	var path, digest string // the GGUF and its blob digest, once needed
	for _, in := range ins {
		ok, err := hasModel(ctx, in, tag)
		if err != nil {
			return ModelInfo{}, err
		}
		if ok {
			continue
		}
		if path == "" {
			if path, err = synthFile(preset, s); err != nil {
				return ModelInfo{}, err
			}
			if digest, err = fileDigest(path); err != nil {
				return ModelInfo{}, err
			}
		}
		if err := uploadBlob(ctx, in, path, digest); err != nil {
			return ModelInfo{}, err
		}
		p := startStepProgress(fmt.Sprintf("creating %s on %s", tag, in.URL), 0)
		err = in.Client.Create(ctx, &api.CreateRequest{Model: tag, Files: map[string]string{"model.gguf": digest}},
			func(r api.ProgressResponse) error { p.status(r.Status); return nil })
		p.end()
		if err != nil {
			return ModelInfo{}, in.Annotate(fmt.Errorf("create %s on %s: %w", tag, in.URL, err))
		}
	}
	return ModelInfo{Tag: tag, Digest: synth.Fingerprint(s), Params: synth.Params(s), Synthetic: true}, nil
}

// synthFile returns the cached GGUF of preset s, writing it first if
// absent. The write goes to a temporary file renamed into place, so a
// reader (another test process) never sees a partial file.
func synthFile(preset string, s synth.Spec) (string, error) {
	dir, err := ollamabuild.CacheRoot()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "models")
	path := filepath.Join(dir, preset+"-"+synth.Fingerprint(s)[:16]+".gguf")
	size, err := synth.Size(s)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == size {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("synthetic model cache: %w", err)
	}
	f, err := os.CreateTemp(dir, preset+"-*.tmp")
	if err != nil {
		return "", fmt.Errorf("synthetic model cache: %w", err)
	}
	defer os.Remove(f.Name()) // no-op after the rename
	p := startStepProgress("writing "+filepath.Base(path), size)
	err = synth.Write(io.MultiWriter(f, p), s)
	p.end()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return "", fmt.Errorf("write synthetic model %s: %w", path, err)
	}
	return path, nil
}

// fileDigest is the "sha256:<hex>" of a file, as Ollama names blobs.
func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	p := startStepProgress("hashing "+filepath.Base(path), fi.Size())
	_, err = io.Copy(h, io.TeeReader(f, p))
	p.end()
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// uploadBlob sends the file as a blob unless the server already holds it
// (servers may share OLLAMA_MODELS).
func uploadBlob(ctx context.Context, in *Instance, path, digest string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, strings.TrimSuffix(in.nativeURL(), "/")+"/api/blobs/"+digest, nil)
	if err != nil {
		return err
	}
	resp, err := in.HTTPClient().Do(req)
	if err != nil {
		return fmt.Errorf("check blob on %s: %w", in.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	p := startStepProgress(fmt.Sprintf("uploading %s to %s", filepath.Base(path), in.URL), fi.Size())
	err = in.Client.CreateBlob(ctx, digest, io.TeeReader(f, p))
	p.end()
	if err != nil {
		return in.Annotate(fmt.Errorf("upload %s to %s: %w", path, in.URL, err))
	}
	return nil
}

func hasModel(ctx context.Context, in *Instance, tag string) (bool, error) {
	_, err := in.Client.Show(ctx, &api.ShowRequest{Model: tag})
	var se api.StatusError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se) && se.StatusCode == http.StatusNotFound:
		return false, nil
	default:
		return false, in.Annotate(fmt.Errorf("show %s on %s: %w", tag, in.URL, err))
	}
}

// sameDigest returns tag's digest from /api/tags, which must be the same
// on every instance: a benchmark comparing instances must run one model.
func sameDigest(ctx context.Context, ins []*Instance, tag string) (string, error) {
	var digest string
	for i, in := range ins {
		l, err := in.Client.List(ctx)
		if err != nil {
			return "", fmt.Errorf("list models on %s: %w", in.URL, err)
		}
		var d string
		for _, m := range l.Models {
			if m.Name == tag || m.Model == tag || m.Name == tag+":latest" {
				d = m.Digest
				break
			}
		}
		switch {
		case d == "":
			return "", fmt.Errorf("model %s: not listed by %s/api/tags after show found it", tag, in.URL)
		case i > 0 && d != digest:
			return "", fmt.Errorf("model %s: digest %s on %s but %s on %s; give the instances the same model (or one OLLAMA_MODELS)",
				tag, digest, ins[0].URL, d, in.URL)
		}
		digest = d
	}
	return digest, nil
}

// ensureReal pulls tag where it is missing. offline reports a pull that
// failed because no registry could be reached.
func ensureReal(ctx context.Context, ins []*Instance, tag string) (info ModelInfo, offline bool, err error) {
	var show *api.ShowResponse
	for _, in := range ins {
		ok, err := hasModel(ctx, in, tag)
		if err != nil {
			return ModelInfo{}, false, err
		}
		if !ok {
			p := startStepProgress(fmt.Sprintf("pulling %s on %s", tag, in.URL), 0)
			err := in.Client.Pull(ctx, &api.PullRequest{Model: tag}, func(r api.ProgressResponse) error {
				p.status(r.Status)
				if r.Total > 0 {
					p.setTotal(r.Total, r.Completed)
				}
				return nil
			})
			p.end()
			if err != nil {
				return ModelInfo{}, registryUnreachable(err), in.Annotate(fmt.Errorf("pull %s on %s: %w", tag, in.URL, err))
			}
		}
		if show == nil {
			if show, err = in.Client.Show(ctx, &api.ShowRequest{Model: tag}); err != nil {
				return ModelInfo{}, false, fmt.Errorf("show %s on %s: %w", tag, in.URL, err)
			}
		}
	}
	d, err := sameDigest(ctx, ins, tag)
	if err != nil {
		return ModelInfo{}, false, err
	}
	var params int64
	if n, ok := show.ModelInfo["general.parameter_count"].(float64); ok {
		params = int64(n)
	}
	return ModelInfo{Tag: tag, Digest: d, Params: params}, false, nil
}

// registryUnreachable reports an error that says the registry could not be
// reached, as Ollama words it ("dial tcp: lookup registry.ollama.ai …: no
// such host"), rather than that the tag does not exist.
func registryUnreachable(err error) bool {
	msg := err.Error()
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "network is unreachable",
		"i/o timeout", "TLS handshake timeout", "proxyconnect", "no route to host"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// stepProgress reports one long step on stderr: nothing if it ends within a
// second, then a line every two seconds and one when it ends. Used as an
// io.Writer it counts bytes towards total.
type stepProgress struct {
	label string
	start time.Time
	done  atomic.Int64
	total atomic.Int64

	mu      sync.Mutex
	state   string
	printed bool

	stop chan struct{}
	wg   sync.WaitGroup
	out  *progress.Printer
}

func startStepProgress(label string, total int64) *stepProgress {
	p := &stepProgress{label: label, start: time.Now(), stop: make(chan struct{}), out: progress.Default()}
	p.total.Store(total)
	p.wg.Go(func() {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.print(false)
				t.Reset(2 * time.Second)
			}
		}
	})
	return p
}

func (p *stepProgress) Write(b []byte) (int, error) {
	p.done.Add(int64(len(b)))
	return len(b), nil
}

func (p *stepProgress) setTotal(total, done int64) {
	p.total.Store(total)
	p.done.Store(done)
}

func (p *stepProgress) status(s string) {
	p.mu.Lock()
	p.state = s
	p.mu.Unlock()
}

func (p *stepProgress) end() {
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	printed := p.printed
	p.mu.Unlock()
	if printed {
		p.print(true)
	}
}

func (p *stepProgress) print(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printed = true
	var b strings.Builder
	fmt.Fprintf(&b, "%s", p.label)
	if total, done := p.total.Load(), p.done.Load(); total > 0 {
		fmt.Fprintf(&b, ": %s/%s (%.0f%%)", progressMiB(done), progressMiB(total), 100*float64(done)/float64(total))
	}
	if p.state != "" && !final {
		fmt.Fprintf(&b, ": %s", p.state)
	}
	elapsed := time.Since(p.start).Round(100 * time.Millisecond)
	if final {
		fmt.Fprintf(&b, ", done in %v", elapsed)
	} else {
		fmt.Fprintf(&b, ", %v", elapsed)
	}
	p.out.Printf("%s", b.String())
}

func progressMiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
