package progress

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// Lines that would be benchfmt config lines, unit lines or results come
// out as lines benchfmt ignores.
func TestLinesNeverParseAsBenchfmt(t *testing.T) {
	var out bytes.Buffer
	p := New(&out)
	p.Printf("ollamabuild: building Ollama v0.17.4 (2m10s elapsed)")
	p.Printf("model: synth:llama3.1-tiny: uploading 3.1/9.5 MiB (33%%)\nsecond: line")
	p.Printf("Unit tok/s better=higher")
	p.Printf("BenchmarkX 1 2 ns/op")
	p.Write([]byte("config 7/39, eta 2m10s\n"))
	if n := strings.Count(out.String(), "\n"); n != 6 {
		t.Fatalf("%d lines, want 6:\n%s", n, out.String())
	}
	// Config lines do not show as records of their own: they attach to the
	// next result. So a result follows the progress output, and must come
	// out alone, with no config.
	out.WriteString("BenchmarkZ 1 1 ns/op\n")
	r := benchfmt.NewReader(&out, "progress")
	n := 0
	for r.Scan() {
		n++
		res, ok := r.Result().(*benchfmt.Result)
		if !ok || string(res.Name) != "Z" || len(res.Config) != 0 {
			t.Errorf("benchfmt read %T %+v from progress output", r.Result(), r.Result())
		}
	}
	if n != 1 {
		t.Errorf("benchfmt read %d records, want the one result", n)
	}
	if err := r.Err(); err != nil {
		t.Error(err)
	}
}

func TestZeroPrinterDiscards(t *testing.T) {
	var p *Printer
	p.Printf("nothing")
	New(nil).Printf("nothing")
}

// Once prints a notice the first time its key comes, whatever the text,
// and a second key's notice too; a discarding Printer takes it quietly.
func TestOncePrintsAKeyOnce(t *testing.T) {
	var out bytes.Buffer
	p := New(&out)
	p.Once("no-cuda", "no CUDA backend (%s)", "no driver")
	p.Once("no-cuda", "no CUDA backend (%s)", "no driver")
	p.Once("no-cuda", "no CUDA backend (%s)", "another reason, same key")
	p.Printf("config 1/3")
	p.Once("other", "other notice")
	want := "# no CUDA backend (no driver)\n# config 1/3\n# other notice\n"
	if got := out.String(); got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
	New(nil).Once("k", "discarded")
	var zero *Printer
	zero.Once("k", "discarded")
}
