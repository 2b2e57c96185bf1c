package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/envvar"
	"github.com/chimeraforge/chimeraforge/internal/logtail"
	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// Where an [Instance]'s server comes from, as [Instance.Source].
const (
	SourceURLs     = "urls"     // CHIMERA_OLLAMA_URLS: running servers, never started or stopped by us
	SourceBin      = "bin"      // CHIMERA_OLLAMA_BIN or ollama on PATH, started by us
	SourceEmbedded = "embedded" // built from the go.mod-pinned module (internal/ollamabuild), started by us
	SourceOpenAI   = "openai"   // CHIMERA_OPENAI_URLS: OpenAI-compatible servers, spoken to over that protocol (openai.go)
)

// ErrNoOllama is wrapped by [FindOllama]'s error when no server can be had
// here: tests skip on it. Any other error means one was named but is broken.
var ErrNoOllama = errors.New("no Ollama server available")

// A ServerConfig says what servers a test needs. The zero value is one
// server with OLLAMA_NUM_PARALLEL=1, as in the study.
type ServerConfig struct {
	Instances   int      // number of servers; 0 means 1
	NumParallel int      // OLLAMA_NUM_PARALLEL of started servers; 0 means 1. External servers keep theirs.
	Env         []string // extra "KEY=value" environment for started servers, applied after the harness's own
	// OpenAI says the caller measures through Instance.Client only, so
	// that OpenAI-compatible servers (CHIMERA_OPENAI_URLS) can serve it;
	// without it they skip the test with the reason.
	OpenAI bool
}

// An Instance is one Ollama server a test talks to: found at a URL, or
// started by the harness for the test and stopped with it.
type Instance struct {
	Index   int             // position in the slice [Servers] returned
	URL     string          // base URL, e.g. http://127.0.0.1:23817
	Client  *measure.Client // client for URL, without an overall timeout (streams run long)
	Source  string          // SourceURLs, SourceBin or SourceEmbedded
	Version string          // as the server's /api/version says
	// Backend is what an embedded server runs on: ollamabuild.BackendCUDA
	// or BackendCPU. "" for other sources, whose backends the harness
	// does not know.
	Backend string
	// OpenAI is what an OpenAI-compatible server (SourceOpenAI) says of
	// itself; nil for the other sources. Its Version is also Version.
	OpenAI *measure.ServerInfo
	// CFlags are the C/C++ compiler flags the embedded build was compiled
	// with (its CPU kernels depend on them); "" for other sources.
	CFlags string

	// Set for started servers only.
	Bin         string // the ollama executable
	LogPath     string // server stdout+stderr, under the test's artifact dir; a restart starts a new file
	ModelsDir   string // OLLAMA_MODELS, shared by the instances of one Servers call
	NumParallel int    // OLLAMA_NUM_PARALLEL; 0 for external servers (unknown)
	// NumThread is the num_thread to send with each request: CHIMERA_NUM_THREAD
	// if set; else, for started servers, one core is left to the client and
	// the harness and the rest shared by the instances,
	// max(1, (NumCPU−1)/instances); else 0 (external servers: their default).
	// On 2 cores, 2 threads collapse decode when anything else runs, and two
	// servers with their default threads decoding together crawl (FACTS.md).
	NumThread int
	StartTime time.Duration // from exec to answering /api/version, for the last (re)start

	hc       *http.Client   // Client's own, for requests the api package has no call for
	proc     *serverProcess // the running server; nil for external ones
	ownerCtx context.Context
	env      []string // environment of the server, less OLLAMA_HOST
	logDir   string
	port     int // last port bound; a restart tries it first
	starts   int
	opts     serverStartOptions
}

// serverStartOptions are the start path's knobs; tests shorten them.
type serverStartOptions struct {
	pickPort  func() int    // candidate loopback port
	portTries int           // ports tried before giving up
	stall     time.Duration // readiness fails after this long with no new log output
	grace     time.Duration // SIGTERM to SIGKILL when stopping
}

func defaultServerStartOptions() serverStartOptions {
	return serverStartOptions{
		pickPort:  randomServerPort,
		portTries: 8,
		stall:     30 * time.Second,
		grace:     5 * time.Second,
	}
}

// randomServerPort picks a port below Linux's default ephemeral range
// (32768–60999), so that it does not collide with client sockets or with
// the runner ports Ollama itself asks the kernel for.
func randomServerPort() int { return 20000 + rand.IntN(12000) }

// serverGrace shortens the SIGTERM-to-SIGKILL grace near the test's
// deadline (to 5% of the time left, at least 100 ms, as
// internal/testenv.CommandContext does), so that stopping servers cannot
// push a test past its timeout.
func serverGrace(tb testing.TB, grace time.Duration) time.Duration {
	t, ok := tb.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return grace
	}
	deadline, ok := t.Deadline()
	if !ok {
		return grace
	}
	return min(grace, max(100*time.Millisecond, time.Until(deadline)/20))
}

// A ServerSource is where [Servers] will get its servers, as [FindOllama]
// decides without starting or building anything.
type ServerSource struct {
	Kind string   // SourceURLs, SourceBin or SourceEmbedded
	URLs []string // for SourceURLs
	Bin  string   // for SourceBin; for SourceEmbedded, where the build is (or will be) cached
	// Backend is what the embedded build runs on (ollamabuild.BackendCUDA
	// or BackendCPU), once [Servers] has built it; "" for other sources.
	Backend string
	CFlags  string // the embedded build's compiler flags, likewise
}

// FindOllama decides where servers come from, reading the environment at
// call time, in this order: CHIMERA_OLLAMA_URLS (comma-separated running
// servers); CHIMERA_OLLAMA_BIN, else ollama on PATH; else the embedded
// build of the go.mod-pinned Ollama, when it is cached or can be built
// here. The error wraps [ErrNoOllama] when none is available (skip), and
// does not when one is named but unusable (fail).
func FindOllama() (ServerSource, error) {
	return findOllama(os.Getenv, exec.LookPath, embeddedOllama)
}

// embeddedOllama returns where the embedded build lives and an error
// wrapping ollamabuild.ErrMissingPrereq when it is absent and cannot be built.
func embeddedOllama() (string, error) {
	bin, err := ollamabuild.Path()
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	return bin, ollamabuild.CheckPrereqs()
}

func findOllama(getenv func(string) string, lookPath func(string) (string, error), embedded func() (string, error)) (ServerSource, error) {
	if src, ok, err := findOpenAI(getenv); ok || err != nil {
		return src, err
	}
	if list := getenv("CHIMERA_OLLAMA_URLS"); strings.TrimSpace(list) != "" {
		var urls []string
		for _, raw := range strings.Split(list, ",") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			u, err := parseServerURL(raw)
			if err != nil {
				return ServerSource{}, fmt.Errorf("CHIMERA_OLLAMA_URLS: %w", err)
			}
			urls = append(urls, u)
		}
		if len(urls) == 0 {
			// Set but empty of URLs is a mistake, not a request for
			// started servers: the run would otherwise test nothing.
			return ServerSource{}, fmt.Errorf("CHIMERA_OLLAMA_URLS=%q lists no URL: list running servers (http://host:port,…), or unset it to let the harness start its own", list)
		}
		return ServerSource{Kind: SourceURLs, URLs: urls}, nil
	}
	if bin := getenv("CHIMERA_OLLAMA_BIN"); bin != "" {
		fi, err := os.Stat(bin)
		if err != nil {
			return ServerSource{}, fmt.Errorf("CHIMERA_OLLAMA_BIN: %w", err)
		}
		if !fi.Mode().IsRegular() || !isExecutable(fi) {
			return ServerSource{}, fmt.Errorf("CHIMERA_OLLAMA_BIN: %s is not an executable file", bin)
		}
		return ServerSource{Kind: SourceBin, Bin: bin}, nil
	}
	if bin, err := lookPath("ollama"); err == nil {
		return ServerSource{Kind: SourceBin, Bin: bin}, nil
	}
	bin, err := embedded()
	if errors.Is(err, ollamabuild.ErrMissingPrereq) {
		return ServerSource{}, fmt.Errorf("%w: CHIMERA_OLLAMA_URLS and CHIMERA_OLLAMA_BIN are unset, there is no ollama on PATH, and %w", ErrNoOllama, err)
	}
	if err != nil {
		return ServerSource{}, err
	}
	return ServerSource{Kind: SourceEmbedded, Bin: bin}, nil
}

// parseServerURL accepts what OLLAMA_HOST accepts for a client: a URL, or
// host:port (http assumed). Its errors show the URL redacted
// (measure.RedactURL): url.Parse's own would quote a password.
func parseServerURL(raw string) (string, error) {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", measure.RedactURL(raw))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) server URL", measure.RedactURL(raw))
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// redactedURLs joins urls for a message, each redacted.
func redactedURLs(urls []string) string {
	r := make([]string, len(urls))
	for i, u := range urls {
		r[i] = measure.RedactURL(u)
	}
	return strings.Join(r, ",")
}

// RequireOllama skips the test when no Ollama server can be had here (with
// the reason and the ways out) and fails it when one is named but broken.
// It starts and builds nothing.
func RequireOllama(tb testing.TB) ServerSource {
	tb.Helper()
	src, err := FindOllama()
	if errors.Is(err, ErrNoOllama) {
		tb.Skipf("harness: %v", err)
	}
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	return src
}

// Servers returns cfg.Instances Ollama servers for the test, from the
// first source [FindOllama] finds:
//
//   - CHIMERA_OLLAMA_URLS: instance i is URL i. Each must answer
//     /api/version (else the test fails); fewer URLs than instances skips
//     the test. The harness starts and stops nothing.
//   - CHIMERA_OLLAMA_BIN, or ollama on PATH: the harness starts the servers.
//   - the embedded Ollama, built on first use (2–6 min, progress on
//     stderr) and started like the above. Missing build prerequisites skip
//     the test with the fix; a failing build fails it.
//
// A started server listens on 127.0.0.1 only, has its own HOME, shares
// OLLAMA_MODELS (with OLLAMA_NOPRUNE=1) with the other instances of this
// call, logs to LogPath and is stopped in tb.Cleanup. A test binary that is
// killed, or panics on -test.timeout, runs no cleanup: on unix a watchdog
// in each server's process group then stops the server and its runners,
// and the next start frees the models and homes it left in the OS temp
// dir (chimera-ollama-<pid>-*), saying so on the progress output.
func Servers(tb testing.TB, cfg ServerConfig) []*Instance {
	tb.Helper()
	n := max(cfg.Instances, 1)
	src := RequireOllama(tb)
	switch src.Kind {
	case SourceOpenAI:
		if !cfg.OpenAI {
			tb.Skipf("harness: %s is set, and this test speaks Ollama's native API (or needs servers the harness starts); unset %s to run it on Ollama", OpenAIURLsEnv, OpenAIURLsEnv)
		}
		return connectOpenAI(tb, src.URLs, n)
	case SourceURLs:
		return connectServers(tb, src.URLs, n)
	case SourceEmbedded:
		// With the CUDA backend, Bin is <dir>/bin/ollama beside
		// <dir>/lib/ollama/libggml-cuda.so, where Ollama looks for it.
		srv, err := ollamabuild.Build(tb.Context(), progress.Default())
		if errors.Is(err, ollamabuild.ErrMissingPrereq) {
			tb.Skipf("harness: %v", err)
		}
		if err != nil {
			tb.Fatalf("harness: embedded Ollama: %v", err)
		}
		src.Bin, src.Backend, src.CFlags = srv.Bin, srv.Backend, srv.CFlags
	}
	return startServers(tb, src, cfg, n, defaultServerStartOptions())
}

// MaxNumThread bounds CHIMERA_NUM_THREAD (and CHIMERA_ONNX_THREADS): no
// machine the suite runs on has more cores, and Ollama's runner crashes
// on a thread count it cannot create (1000000000, issue 17).
const MaxNumThread = 1024

// NumThreadFromEnv is CHIMERA_NUM_THREAD, read now: the num_thread every
// request sends, 1 to [MaxNumThread]; 0 if unset. Any other value is an
// error naming the variable and the bounds.
func NumThreadFromEnv() (int, error) {
	n, _, err := envvar.Int(os.Getenv, "CHIMERA_NUM_THREAD", 1, MaxNumThread)
	return n, err
}

// numThreadOverride is [NumThreadFromEnv], failing tb on a bad value.
func numThreadOverride(tb testing.TB) int {
	tb.Helper()
	n, err := NumThreadFromEnv()
	if err != nil {
		tb.Fatalf("harness: %v", err)
	}
	return n
}

func connectServers(tb testing.TB, urls []string, n int) []*Instance {
	tb.Helper()
	if len(urls) < n {
		tb.Skipf("harness: this test needs %d Ollama instances and CHIMERA_OLLAMA_URLS lists %d (%s); list %d URLs, or unset it to let the harness start its own servers",
			n, len(urls), redactedURLs(urls), n)
	}
	ins := make([]*Instance, n)
	for i := range n {
		in := &Instance{Index: i, Source: SourceURLs, NumThread: numThreadOverride(tb)}
		in.setURL(urls[i])
		ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
		v, err := in.Client.Version(ctx)
		cancel()
		if err != nil {
			tb.Fatalf("harness: Ollama at %s (CHIMERA_OLLAMA_URLS) does not answer /api/version: %v", in.URL, err)
		}
		in.Version = v
		ins[i] = in
	}
	return ins
}

func startServers(tb testing.TB, src ServerSource, cfg ServerConfig, n int, opts serverStartOptions) []*Instance {
	tb.Helper()
	root := serverDir(tb)
	logDir := tb.ArtifactDir()
	np := max(cfg.NumParallel, 1)
	models := filepath.Join(root, "models")
	for _, kv := range cfg.Env {
		if v, ok := strings.CutPrefix(kv, "OLLAMA_MODELS="); ok {
			models = v
		}
	}
	opts.grace = serverGrace(tb, opts.grace)
	ins := make([]*Instance, n)
	for i := range n {
		home := filepath.Join(root, fmt.Sprintf("home-%d", i))
		if err := os.MkdirAll(home, 0o755); err != nil {
			tb.Fatalf("harness: %v", err)
		}
		env := append(os.Environ(), homeEnv(home)...)
		env = append(env,
			"OLLAMA_MODELS="+models,
			"OLLAMA_NUM_PARALLEL="+strconv.Itoa(np),
			// Instances share the models dir: one must not prune the
			// blobs another is writing.
			"OLLAMA_NOPRUNE=1",
			"GIN_MODE=release",
		)
		env = append(env, cfg.Env...)
		in := &Instance{
			Index:       i,
			Source:      src.Kind,
			Backend:     src.Backend,
			CFlags:      src.CFlags,
			Bin:         src.Bin,
			ModelsDir:   models,
			NumParallel: np,
			NumThread:   cmp.Or(numThreadOverride(tb), max(1, (runtime.NumCPU()-1)/n)),
			ownerCtx:    tb.Context(),
			env:         env,
			logDir:      logDir,
			opts:        opts,
		}
		if err := in.launch(); err != nil {
			tb.Fatalf("harness: instance %d: %v", i, err) // launch stopped what it started
		}
		tb.Cleanup(in.stop)
		ins[i] = in
	}
	return ins
}

// serverDirPrefix starts the name of the directory that holds started
// servers' models, uploaded blobs and homes; the owner's pid follows it:
// chimera-ollama-<pid>-<random>.
const serverDirPrefix = "chimera-ollama-"

// serverDir makes the directory for one Servers call's servers in the OS
// temp dir, named after this process, and removes it in tb.Cleanup (after
// the servers stop). A test binary that is killed, or panics on
// -test.timeout, runs no cleanup; so first it frees what such binaries left.
func serverDir(tb testing.TB) string {
	tb.Helper()
	reapServerDirs(os.TempDir(), progress.Default())
	dir, err := os.MkdirTemp("", serverDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		tb.Fatalf("harness: server dir: %v", err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("harness: remove server dir: %v", err)
		}
	})
	return dir
}

// reapServerDirs removes the directories in root that the harness made
// for a process that is gone (server dirs, chimera-ollama-<pid>-*, and
// [TempDir]s, chimera-tmp-<pid>-*), saying on p what each freed. Its own
// and those of live processes stay. (Where processGone cannot tell, as on
// Windows, nothing is removed.)
func reapServerDirs(root string, p *progress.Printer) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return // nothing we can reap
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), serverDirPrefix)
		if !ok {
			rest, ok = strings.CutPrefix(e.Name(), tempDirPrefix)
		}
		if !ok || !e.IsDir() {
			continue
		}
		digits, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(digits)
		if err != nil || pid <= 0 || pid == os.Getpid() || !processGone(pid) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		size := dirSize(dir)
		if err := os.RemoveAll(dir); err != nil {
			p.Printf("Could not free %s, left by exited process %d: %v", dir, pid, err)
			continue
		}
		p.Printf("Freed %s (%s), left by process %d, which has exited", dir, progressMiB(size), pid)
	}
}

// dirSize is the total size of the regular files under dir, as far as it
// can be read.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// launch starts the server and waits until it answers. It binds the
// previous port first (a restart keeps its URL), else random ones: Ollama
// needs an explicit port, and the only race-free test of a port is the
// server binding it, so a start whose log says "address already in use" is
// retried on another port. The server counts as ready only once its own log
// says it listens on that address, so that another process answering on the
// port is never mistaken for it.
func (in *Instance) launch() error {
	var lastErr error
	for try := range in.opts.portTries {
		port := in.port
		if try > 0 || port == 0 {
			port = in.opts.pickPort()
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		in.starts++
		name := fmt.Sprintf("ollama-%d.log", in.Index)
		if in.starts > 1 {
			name = fmt.Sprintf("ollama-%d.%d.log", in.Index, in.starts)
		}
		logPath := filepath.Join(in.logDir, name)
		start := time.Now()
		p, err := startServerProcess(in.ownerCtx, in.Bin, []string{"serve"}, append(slices.Clip(in.env), "OLLAMA_HOST="+addr), logPath, in.opts.grace)
		if err != nil {
			return err
		}
		v, err := p.waitReady(in.ownerCtx, addr, in.opts.stall)
		if err != nil {
			p.stop()
			lastErr = err
			if errors.Is(err, errServerAddrInUse) {
				continue
			}
			return err
		}
		in.proc = p
		in.port = port
		in.LogPath = logPath
		in.Version = v
		in.StartTime = time.Since(start)
		in.setURL("http://" + addr)
		return nil
	}
	return fmt.Errorf("start ollama %s: no free port in %d tries: %w", in.Bin, in.opts.portTries, lastErr)
}

// setURL points in, and a new client, at raw. User info in raw
// (http://admin:pass@host) is taken out of the URL and
// sent as each request's basic auth instead (measure.SplitCredentials):
// the credentials still reach the server, while in.URL, which traces,
// errors and progress print, and every URL the client's errors quote,
// hold none.
func (in *Instance) setURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		panic(fmt.Sprintf("harness: bad server URL %q", measure.RedactURL(raw))) // callers pass parsed URLs
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // concurrent agents reuse connections
	u, in.hc = measure.SplitCredentials(u, &http.Client{Transport: tr})
	in.URL = strings.TrimRight(u.String(), "/")
	in.Client = measure.NewClient(u, in.hc)
}

// HTTPClient is the client in.Client sends through, which carries the
// credentials of the URL it was given, if any: for a request of the test's
// own to the instance (a proxy in front of it).
func (in *Instance) HTTPClient() *http.Client {
	if in.hc == nil { // an Instance built without setURL, as fakes build them
		return http.DefaultClient
	}
	return in.hc
}

// stop stops a started server; it does nothing for external ones.
func (in *Instance) stop() {
	if in.proc != nil {
		in.proc.stop()
	}
}

// Restart stops a started server and starts a fresh one on the same
// models: process isolation between measurements, or recovery from a
// server that died mid-run. It keeps the URL when the port can be bound
// again (else URL and Client change). External servers cannot be
// restarted: the test is skipped. No request may be in flight.
func (in *Instance) Restart(tb testing.TB) {
	tb.Helper()
	if in.proc == nil {
		tb.Skipf("harness: %s is an external server (CHIMERA_OLLAMA_URLS) and cannot be restarted; unset CHIMERA_OLLAMA_URLS to let the harness start its own", in.URL)
	}
	in.proc.stop()
	in.proc = nil
	if err := in.launch(); err != nil {
		tb.Fatalf("harness: restart instance %d: %v", in.Index, err)
	}
}

// Alive reports whether a started server's process is still running. For
// external servers, whose process the harness cannot see, it is true.
func (in *Instance) Alive() bool {
	return in.proc == nil || in.proc.alive()
}

// LogTail returns the last n lines of a started server's log ("" for
// external servers).
func (in *Instance) LogTail(n int) string {
	if in.LogPath == "" {
		return ""
	}
	return logtail.Tail(in.LogPath, n)
}

// annotateWait bounds how long Annotate waits for a server whose
// connection broke to be seen exiting.
const annotateWait = 2 * time.Second

// Annotate returns err with the server's exit status and last 20 log lines
// when the server has died, so that a failed call says why; otherwise err
// unchanged. nil stays nil. A dying server drops its connections a moment
// before its exit is observed, so unless err shows that the server
// answered (an HTTP status) or that the caller gave up (its context), it
// waits up to 2 s for the exit before deciding that the server lives.
func (in *Instance) Annotate(err error) error {
	if err == nil || in.proc == nil {
		return err
	}
	var status api.StatusError
	answered := errors.As(err, &status) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	if answered && in.proc.alive() || !answered && !in.proc.waitExit(annotateWait) {
		return err
	}
	return fmt.Errorf("%w\nollama instance %d (%s) has exited (%v); last lines of %s:\n%s",
		err, in.Index, in.URL, in.proc.exitErr(), in.LogPath, in.LogTail(20))
}

// Unload makes the server drop model from memory (a generate request with
// keep_alive 0) and waits until /api/ps no longer lists it, so that the
// next request pays a cold load.
func (in *Instance) Unload(ctx context.Context, model string) error {
	req := &api.GenerateRequest{Model: model, KeepAlive: &api.Duration{Duration: 0}}
	if err := in.Client.Generate(ctx, req, func(api.GenerateResponse) error { return nil }); err != nil {
		return in.Annotate(fmt.Errorf("unload %s on %s: %w", model, in.URL, err))
	}
	want := canonicalModelName(model)
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for {
		ps, err := in.Client.ListRunning(ctx)
		if err != nil {
			return in.Annotate(fmt.Errorf("unload %s on %s: list running models: %w", model, in.URL, err))
		}
		loaded := slices.ContainsFunc(ps.Models, func(m api.ProcessModelResponse) bool {
			return canonicalModelName(m.Name) == want || canonicalModelName(m.Model) == want
		})
		if !loaded {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("unload %s on %s: still loaded: %w", model, in.URL, context.Cause(ctx))
		case <-poll.C:
		}
	}
}

// canonicalModelName adds the implicit ":latest" tag.
func canonicalModelName(name string) string {
	last := name[strings.LastIndex(name, "/")+1:]
	if !strings.Contains(last, ":") {
		return name + ":latest"
	}
	return name
}

// ServerConfigLines describes the servers as benchfmt config lines:
// ollama-source, ollama-version (each distinct value, comma-separated),
// instances and, for started servers, num-parallel.
func ServerConfigLines(ins []*Instance) []string {
	if len(ins) == 0 {
		return nil
	}
	if ins[0].OpenAI != nil {
		return openaiServerLines(ins)
	}
	var sources, versions []string
	for _, in := range ins {
		v := in.Version
		if v == "" {
			v = "unknown"
		}
		if !slices.Contains(sources, in.Source) {
			sources = append(sources, in.Source)
		}
		if !slices.Contains(versions, v) {
			versions = append(versions, v)
		}
	}
	lines := []string{
		"ollama-source: " + strings.Join(sources, ","),
		"ollama-version: " + strings.Join(versions, ","),
		"instances: " + strconv.Itoa(len(ins)),
	}
	if ins[0].NumParallel > 0 {
		lines = append(lines, "num-parallel: "+strconv.Itoa(ins[0].NumParallel))
	}
	return lines
}
