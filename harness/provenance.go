package harness

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// Provenance returns the benchfmt config lines that identify a live run, so
// that benchstat never silently pools unlike runs and the gate can refuse
// to compare them: where the servers came from and their version, the
// backend the embedded build runs on (ollama-backend: cuda or cpu) and
// its compiler flags (ollama-cflags), the model and its digest, the GPU,
// the per-request settings that change the workload, and the harness
// commit. (go test itself prints goos, goarch,
// pkg and cpu.)
func Provenance(tb testing.TB, ins []*Instance, models []ModelInfo, base measure.Options) []string {
	tb.Helper()
	lines := ServerConfigLines(ins)
	if len(ins) > 0 && ins[0].Backend != "" {
		// The embedded build runs on the CPU where no CUDA backend could be
		// built, even where gpu names a GPU: say which ran.
		lines = append(lines, "ollama-backend: "+ins[0].Backend)
	}
	if len(ins) > 0 && ins[0].CFlags != "" {
		// Which CPU kernels the embedded build has (native, a named
		// target, or the portable fallback): runs of two builds differ.
		lines = append(lines, "ollama-cflags: "+ins[0].CFlags)
	}
	for i, m := range models {
		suffix := ""
		if len(models) > 1 {
			suffix = strconv.Itoa(i + 1)
		}
		lines = append(lines,
			"model"+suffix+": "+m.Tag,
			"model"+suffix+"-digest: "+m.Digest,
			fmt.Sprintf("model%s-synthetic: %t", suffix, m.Synthetic),
		)
		if m.Params > 0 {
			lines = append(lines, fmt.Sprintf("model%s-params: %d", suffix, m.Params))
		}
	}
	if base.NumPredict != nil {
		lines = append(lines, fmt.Sprintf("num-predict: %d", *base.NumPredict))
	}
	if base.NumThread != nil {
		lines = append(lines, fmt.Sprintf("num-thread: %d", *base.NumThread))
	}
	lines = append(lines, "gpu: "+gpuName(), "harness-commit: "+harnessCommit())
	return lines
}

// PrintConfig writes config lines to w (a test binary's stdout, which is
// benchfmt): "key: value", one per line, before the results they describe.
// Call it from a benchmark that runs sub-benchmarks (it runs once), never
// from a leaf benchmark: -count runs a leaf again after printing its name,
// and the lines would split the result line.
//
// A line whose key is a measurement of the machine (measuredKeys: memory
// bandwidth, idle power) is written as a "# key: value" comment instead: it
// differs from run to run, and as a config line it would put two runs of
// the same setup in separate benchstat tables. It stays in the file for a
// reader, and benchfmt skips it.
func PrintConfig(w io.Writer, lines []string) {
	var b bytes.Buffer
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ": ")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			continue // not a valid benchfmt config line: never corrupt the output
		}
		if measuredKeys[k] {
			b.WriteString("# ")
		}
		fmt.Fprintf(&b, "%s: %s\n", k, strings.ReplaceAll(v, "\n", " "))
	}
	w.Write(b.Bytes())
}

// measuredKeys are provenance keys whose values are measured each run.
var measuredKeys = map[string]bool{"mem-bandwidth": true, "gpu-idle-power": true, "cpu-idle-power": true}

// gpuName names the GPUs nvidia-smi sees, or "none".
func gpuName() string {
	out, err := exec.Command("nvidia-smi", "--query-gpu=name", "--format=csv,noheader").Output()
	if err != nil {
		return "none"
	}
	names := strings.TrimSpace(string(out))
	if names == "" {
		return "none"
	}
	return strings.ReplaceAll(names, "\n", ", ")
}

// harnessCommit is the commit of the working tree the test runs in, with
// "-dirty" when it has uncommitted changes; "unknown" outside a git
// checkout. It is read once per process: the test binary was built from
// one tree, and a commit landing mid-run must not split benchstat's tables.
var harnessCommit = sync.OnceValue(readHarnessCommit)

func readHarnessCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "-dirty"
	}
	return c
}
