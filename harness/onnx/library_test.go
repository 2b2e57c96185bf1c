package onnx

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/internal/progress"
)

// tarball is a gzipped tar of files, as npm serves a package.
func tarball(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range []string{"package/package.json", "package/bin/napi-v6/linux/x64/libonnxruntime.so.1"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestFetch(t *testing.T) {
	lib := bytes.Repeat([]byte("\x7fELF fake library "), 4096)
	member := "package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
	good := platformLib{member: member, size: int64(len(lib)), sha256: sum(lib)}
	withLib := tarball(t, map[string][]byte{"package/package.json": []byte(`{}`), member: lib})
	cases := []struct {
		name    string
		body    []byte
		status  int
		lib     platformLib
		wantErr string // "" means the library is installed
	}{
		{"the verified library is installed", withLib, 200, good, ""},
		{"a checksum mismatch is refused", withLib, 200, platformLib{member, good.size, strings.Repeat("0", 64)}, "refusing it"},
		{"a size other than the pinned one is refused", withLib, 200, platformLib{member, good.size + 1, good.sha256}, "bytes, want"},
		{"a tarball without the library is refused", tarball(t, map[string][]byte{"package/package.json": []byte(`{}`)}), 200, good, "not in the tarball"},
		{"a registry error is reported", nil, 404, good, "404 Not Found"},
		{"a body that is not gzip is refused", []byte("<html>not a tarball</html>"), 200, good, "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				w.Write(c.body)
			}))
			t.Cleanup(srv.Close)
			var out bytes.Buffer
			dst := filepath.Join(t.TempDir(), "cache", "libonnxruntime.so.1")
			f := fetcher{url: srv.URL + tarballPath, lib: c.lib, client: srv.Client(), progress: progress.New(&out), every: time.Nanosecond}
			err := f.fetch(t.Context(), dst)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("fetch error %v, want one containing %q", err, c.wantErr)
				}
				if _, serr := os.Stat(dst); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("a refused fetch left %s (stat: %v)", dst, serr)
				}
				if left, _ := filepath.Glob(dst + ".*.tmp"); len(left) > 0 {
					t.Errorf("a refused fetch left temporary files %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, lib) {
				t.Errorf("installed %d bytes, not the library's %d", len(got), len(lib))
			}
			for _, want := range []string{"# Fetching ONNX Runtime 1.24.1", "# Fetched ONNX Runtime 1.24.1", "sha256 verified, cached at " + dst} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("progress lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

// FetchLibrary asks the registry named by EnvRegistry for the pinned
// tarball and installs nothing it could not verify.
func TestFetchLibraryAsksTheRegistry(t *testing.T) {
	if _, err := platformLibFor(runtime.GOOS, runtime.GOARCH); err != nil {
		t.Skip(err)
	}
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.Path
		w.Write(tarball(t, map[string][]byte{"package/package.json": []byte(`{}`)}))
	}))
	t.Cleanup(srv.Close)
	t.Setenv(EnvRegistry, srv.URL+"/")
	t.Setenv("CHIMERA_CACHE", t.TempDir())
	t.Setenv("CHIMERA_PROGRESS", "off")
	_, err := FetchLibrary(t.Context())
	if err == nil || !strings.Contains(err.Error(), "not in the tarball") {
		t.Fatalf("FetchLibrary error %v, want the member missing", err)
	}
	if asked != "/onnxruntime-node/-/onnxruntime-node-1.24.1.tgz" {
		t.Errorf("asked the registry for %q", asked)
	}
	if _, err := FindLibrary(); !errors.Is(err, ErrNoLibrary) {
		t.Errorf("after a refused fetch FindLibrary = %v, want ErrNoLibrary", err)
	}
}

func TestFindLibrary(t *testing.T) {
	if _, err := platformLibFor(runtime.GOOS, runtime.GOARCH); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	explicit := filepath.Join(dir, "explicit.so")
	os.WriteFile(explicit, []byte("lib"), 0o644)

	t.Run("the environment variable wins", func(t *testing.T) {
		t.Setenv(EnvLibrary, explicit)
		if got, err := FindLibrary(); err != nil || got != explicit {
			t.Errorf("FindLibrary = %q, %v; want %q", got, err, explicit)
		}
	})
	t.Run("a missing file named by the variable is an error, not a skip", func(t *testing.T) {
		t.Setenv(EnvLibrary, filepath.Join(dir, "nonesuch.so"))
		if _, err := FindLibrary(); err == nil || errors.Is(err, ErrNoLibrary) {
			t.Errorf("FindLibrary = %v, want a plain error", err)
		}
	})
	t.Run("nothing cached says how to get one", func(t *testing.T) {
		t.Setenv(EnvLibrary, "")
		t.Setenv("CHIMERA_CACHE", filepath.Join(dir, "empty"))
		_, err := FindLibrary()
		if !errors.Is(err, ErrNoLibrary) {
			t.Fatalf("FindLibrary = %v, want ErrNoLibrary", err)
		}
		for _, want := range []string{EnvLibrary, EnvFetch + "=1"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	})
	t.Run("the cached library is found", func(t *testing.T) {
		t.Setenv(EnvLibrary, "")
		t.Setenv("CHIMERA_CACHE", filepath.Join(dir, "cache"))
		p, err := CachedLibraryPath()
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "cache", "onnxruntime", LibraryVersion, runtime.GOOS+"-"+runtime.GOARCH); filepath.Dir(p) != want {
			t.Errorf("cached at %s, want under %s", p, want)
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("lib"), 0o755)
		if got, err := FindLibrary(); err != nil || got != p {
			t.Errorf("FindLibrary = %q, %v; want %q", got, err, p)
		}
	})
}
