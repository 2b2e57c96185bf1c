package ollamabuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The build compiles against exactly the pinned headers, laid out as
// Ollama's sources include them, whatever the include dir held before.
func TestBuildLaysOutThePinnedHeaders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "0.17.4-key")
	stale := filepath.Join(dir, "include", "stb", "stale.h")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, stale, "// from an older recipe\n", 0o644)
	want := map[string]string{
		"nlohmann/json.hpp":     "// fake llama/json.hpp\n",
		"nlohmann/json_fwd.hpp": "#include \"json.hpp\"\n",
		"stb/stb_image.h":       "// fake llama/stb_image.h\n",
		"miniaudio/miniaudio.h": string(miniaudioStub),
	}
	var b *builder
	var seen map[string]string // what the include dir held while go ran
	b = fakeBuilder(t, dir, io.Discard, func(ctx context.Context, tc toolchain, gobin string, out io.Writer) error {
		var err error
		seen, err = readTree(b.includeDir())
		if err != nil {
			return err
		}
		return installScript(ctx, tc, gobin, out)
	})
	if _, _, err := b.binary(t.Context()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("include dir mismatch (-want +got):\n%s", diff)
	}
	if got, want := b.includeDir(), filepath.Join(dir, "include"); got != want {
		t.Errorf("include dir = %s, want %s (under the build's cache dir)", got, want)
	}
}

// A header that cannot be had, or is not the pinned one, fails the build
// (it is not a missing prerequisite to skip on) before go runs.
func TestHeaderProblemsFailTheBuild(t *testing.T) {
	tests := []struct {
		name    string
		spoil   func(b *builder, modDir string)
		wantErr string
	}{
		{
			name: "download fails",
			spoil: func(b *builder, _ string) {
				b.fetchHeaders = func(context.Context, string, string) (string, error) {
					return "", errors.New("go mod download github.com/ollama/ollama@v0.5.7: dial tcp: no route to host")
				}
			},
			wantErr: "download headers: go mod download github.com/ollama/ollama@v0.5.7: dial tcp",
		},
		{
			name: "content differs from the pinned sha256",
			spoil: func(_ *builder, modDir string) {
				path := filepath.Join(modDir, "llama", "stb_image.h")
				os.Chmod(path, 0o644)
				writeFile(t, path, "// tampered\n", 0o644)
			},
			wantErr: "github.com/ollama/ollama@v0.5.7 llama/stb_image.h has sha256 ",
		},
		{
			name: "the module lacks a header",
			spoil: func(_ *builder, modDir string) {
				os.Remove(filepath.Join(modDir, "llama", "json.hpp"))
			},
			wantErr: "header nlohmann/json.hpp: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "0.17.4-key")
			b := fakeBuilder(t, dir, io.Discard, func(context.Context, toolchain, string, io.Writer) error {
				t.Error("go ran without the pinned headers")
				return nil
			})
			modDir, err := b.fetchHeaders(t.Context(), "go", b.headers.version)
			if err != nil {
				t.Fatal(err)
			}
			tt.spoil(b, modDir)
			_, _, err = b.binary(t.Context())
			checkErr(t, err, tt.wantErr)
			if errors.Is(err, ErrMissingPrereq) {
				t.Errorf("err wraps ErrMissingPrereq (a skip); want a failure: %v", err)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "ollama")); !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("stat ollama = %v; want it absent", statErr)
			}
		})
	}
}

// goModDownload runs go outside our module and reads the module's
// directory from -json, or the reason it failed.
func TestGoModDownload(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	tests := []struct {
		name    string
		script  string // body of the fake go
		want    string
		wantErr string
	}{
		{
			name:   "the module's directory",
			script: `printf '{\n\t"Path": "github.com/ollama/ollama",\n\t"Version": "v0.5.7",\n\t"Dir": "/m/github.com/ollama/ollama@v0.5.7"\n}\n'`,
			want:   "/m/github.com/ollama/ollama@v0.5.7",
		},
		{
			name:    "the module's error from -json",
			script:  `printf '{"Path": "github.com/ollama/ollama", "Error": "github.com/ollama/ollama@v0.5.7: verifying module: checksum mismatch"}\n'; exit 1`,
			wantErr: "go mod download github.com/ollama/ollama@v0.5.7: github.com/ollama/ollama@v0.5.7: verifying module: checksum mismatch",
		},
		{
			name:    "go's own failure quotes its stderr",
			script:  `echo 'go: unknown flag -json' >&2; exit 2`,
			wantErr: "exit status 2: go: unknown flag -json",
		},
		{
			name:    "success without a Dir",
			script:  `echo '{}'`,
			wantErr: "no Dir in its output",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := t.TempDir()
			record := filepath.Join(bin, "record")
			goBin := filepath.Join(bin, "go")
			writeFile(t, goBin, fmt.Sprintf("#!/bin/sh\necho \"$PWD|$*|$GOWORK|$GOFLAGS\" > %s\n%s\n", record, tt.script), 0o755)
			got, err := goModDownload(t.Context(), goBin, "v0.5.7")
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("dir = %q, want %q", got, tt.want)
			}
			rec, err := os.ReadFile(record)
			if err != nil {
				t.Fatal(err)
			}
			fields := strings.Split(strings.TrimSpace(string(rec)), "|")
			if len(fields) != 4 {
				t.Fatalf("record = %q, want PWD|args|GOWORK|GOFLAGS", rec)
			}
			if diff := cmp.Diff([]string{"mod download -json github.com/ollama/ollama@v0.5.7", "off", "-mod=mod"}, fields[1:]); diff != "" {
				t.Errorf("args, GOWORK, GOFLAGS mismatch (-want +got):\n%s", diff)
			}
			// A fresh directory, outside our module, removed afterwards.
			if wd := fields[0]; !errors.Is(statErr(wd), os.ErrNotExist) {
				t.Errorf("go ran in %s, which is left behind (stat: %v)", wd, statErr(wd))
			}
		})
	}
}

// The pinned sha256 sums are those of the real header module, laid out by
// the real download code. Needs the module in the module cache (the first
// embedded build puts it there); no network is used.
func TestPinnedHeadersMatchTheModule(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go not on PATH: %v", err)
	}
	t.Setenv("GOPROXY", "off")
	b := &builder{
		dir:          t.TempDir(),
		progress:     io.Discard,
		headers:      pinnedHeaders(),
		fetchHeaders: goModDownload,
	}
	if _, err := goModDownload(t.Context(), goBin, headerModuleVersion); err != nil {
		t.Skipf("%s@%s is not in the module cache: %v", modulePath, headerModuleVersion, err)
	}
	if err := b.layOutHeaders(t.Context(), toolchain{goBin: goBin}); err != nil {
		t.Fatal(err)
	}
	json, err := os.ReadFile(filepath.Join(b.includeDir(), "nlohmann", "json.hpp"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(json), "#define NLOHMANN_JSON_VERSION_MINOR 11") {
		t.Errorf("nlohmann/json.hpp is not nlohmann/json 3.11")
	}
}

func statErr(path string) error {
	_, err := os.Stat(path)
	return err
}

// readTree returns every regular file under root by slash path.
func readTree(root string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	return files, err
}
