package onnx

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// LibraryVersion is the ONNX Runtime release [FetchLibrary] brings: the
// npm package onnxruntime-node at this version ships the plain C library
// (CPU execution provider only). onnxruntime_go v1.27.0 needs ≥ 1.24.
const LibraryVersion = "1.24.1"

// EnvLibrary names a library to use instead of the cache; onnxruntime_go's
// own tests read the same variable.
const EnvLibrary = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

// EnvFetch, set to 1, lets tests fetch the library when it is absent
// (benchmarks always may); 0 forbids it even to benchmarks.
const EnvFetch = "CHIMERA_ONNXRUNTIME_FETCH"

// EnvRegistry overrides the npm registry the library is fetched from
// (default https://registry.npmjs.org), for a mirror.
const EnvRegistry = "CHIMERA_NPM_REGISTRY"

// ErrNoLibrary is wrapped by [FindLibrary] when neither EnvLibrary nor the
// cache has a library: skip, and say how to get one.
var ErrNoLibrary = errors.New("no ONNX Runtime library")

// A platformLib is the library's file for one GOOS/GOARCH in the pinned
// tarball, with its size and SHA-256 (computed from onnxruntime-node
// 1.24.1, whose tarball has npm shasum 73e3d81c4bc08d60dc6c50a664a0dce173c82a6e).
type platformLib struct {
	member string // path inside the tarball
	size   int64
	sha256 string
}

var pinnedLibs = map[string]platformLib{
	"linux/amd64":  {"package/bin/napi-v6/linux/x64/libonnxruntime.so.1", 35057880, "53ef1ac028dd1b05554b8da28d9159eb3876f99868193d2aaa6e67f0243c23d4"},
	"linux/arm64":  {"package/bin/napi-v6/linux/arm64/libonnxruntime.so.1", 18559840, "7954e8bdedb497f830c6a679e818d98399b7f4d81ade1126c3e0be74d28111ab"},
	"darwin/arm64": {"package/bin/napi-v6/darwin/arm64/libonnxruntime.1.24.1.dylib", 35880440, "7ad6507ad64d3b02aebfae6380c024ff188939cd8a7a493ec18028e034c8275c"},
}

// tarballPath is the package's tarball under the registry's base URL (npm
// view onnxruntime-node@1.24.1 dist.tarball).
const tarballPath = "/onnxruntime-node/-/onnxruntime-node-" + LibraryVersion + ".tgz"

// CachedLibraryPath is where [FetchLibrary] keeps the library for this
// platform: <CHIMERA_CACHE or the user cache dir>/chimeraforge/onnxruntime/
// <version>/<goos>-<goarch>/<file>, whether or not it is there yet.
func CachedLibraryPath() (string, error) {
	lib, err := platformLibFor(runtime.GOOS, runtime.GOARCH)
	if err != nil {
		return "", err
	}
	root, err := ollamabuild.CacheRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "onnxruntime", LibraryVersion, runtime.GOOS+"-"+runtime.GOARCH, filepath.Base(lib.member)), nil
}

func platformLibFor(goos, goarch string) (platformLib, error) {
	lib, ok := pinnedLibs[goos+"/"+goarch]
	if !ok {
		return platformLib{}, fmt.Errorf("%w: onnxruntime-node %s has no library pinned for %s/%s (set %s)", ErrNoLibrary, LibraryVersion, goos, goarch, EnvLibrary)
	}
	return lib, nil
}

// FindLibrary returns the library to load: EnvLibrary if set (it must
// exist), else the cached one. Neither is an error wrapping [ErrNoLibrary]
// that says how to get one.
func FindLibrary() (string, error) {
	if p := os.Getenv(EnvLibrary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w", EnvLibrary, err)
		}
		return p, nil
	}
	p, err := CachedLibraryPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err == nil {
		return p, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return "", fmt.Errorf("%w: %s unset and nothing cached at %s (set %s, or %s=1 to fetch onnxruntime-node %s from the npm registry once)",
		ErrNoLibrary, EnvLibrary, p, EnvLibrary, EnvFetch, LibraryVersion)
}

// FetchLibrary downloads onnxruntime-node's tarball from the npm registry
// (EnvRegistry or registry.npmjs.org), extracts this platform's library,
// verifies its size and SHA-256, and installs it at [CachedLibraryPath],
// showing progress through internal/progress. It returns the path. Two
// processes fetching at once each write their own temporary file and
// rename it into place: the same verified bytes win either way.
func FetchLibrary(ctx context.Context) (string, error) {
	dst, err := CachedLibraryPath()
	if err != nil {
		return "", err
	}
	registry := os.Getenv(EnvRegistry)
	if registry == "" {
		registry = "https://registry.npmjs.org"
	}
	lib, _ := platformLibFor(runtime.GOOS, runtime.GOARCH)
	f := fetcher{
		url:      strings.TrimSuffix(registry, "/") + tarballPath,
		lib:      lib,
		client:   http.DefaultClient,
		progress: progress.Default(),
	}
	if err := f.fetch(ctx, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// A fetcher brings one file out of a remote gzipped tarball.
type fetcher struct {
	url      string
	lib      platformLib
	client   *http.Client
	progress *progress.Printer
	every    time.Duration // between progress lines; 0 means 2s
}

func (f fetcher) fetch(ctx context.Context, dst string) (err error) {
	start := time.Now()
	defer func() {
		if err != nil {
			err = fmt.Errorf("fetch ONNX Runtime %s from %s: %w", LibraryVersion, f.url, err)
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	f.progress.Printf("Fetching ONNX Runtime %s (onnxruntime-node, %s) from %s", LibraryVersion, mib(resp.ContentLength), f.url)
	body := &countingReader{r: resp.Body, total: resp.ContentLength, p: f.progress, every: f.every, last: start}
	zr, err := gzip.NewReader(body)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return fmt.Errorf("%s not in the tarball", f.lib.member)
		}
		if err != nil {
			return err
		}
		if h.Name != f.lib.member {
			continue
		}
		if h.Size != f.lib.size {
			return fmt.Errorf("%s is %d bytes, want %d", h.Name, h.Size, f.lib.size)
		}
		if err := f.install(tr, dst); err != nil {
			return err
		}
		f.progress.Printf("Fetched ONNX Runtime %s in %s, sha256 verified, cached at %s", LibraryVersion, time.Since(start).Round(100*time.Millisecond), dst)
		return nil
	}
}

// install writes r to a temporary file beside dst, checks its size and
// SHA-256, and renames it to dst; a mismatch leaves nothing behind.
func (f fetcher) install(r io.Reader, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails, harmlessly
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, f.lib.size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n != f.lib.size {
		return fmt.Errorf("%s: read %d bytes, want %d", f.lib.member, n, f.lib.size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.lib.sha256 {
		return fmt.Errorf("%s: sha256 %s, want %s: refusing it", f.lib.member, got, f.lib.sha256)
	}
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// countingReader prints download progress at most every `every`.
type countingReader struct {
	r     io.Reader
	n     int64
	total int64
	p     *progress.Printer
	every time.Duration
	last  time.Time
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	every := c.every
	if every == 0 {
		every = 2 * time.Second
	}
	if now := time.Now(); now.Sub(c.last) >= every {
		c.last = now
		if c.total > 0 {
			c.p.Printf("  %s of %s (%d%%)", mib(c.n), mib(c.total), 100*c.n/c.total)
		} else {
			c.p.Printf("  %s", mib(c.n))
		}
	}
	return n, err
}

func mib(n int64) string {
	if n < 0 {
		return "size unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
