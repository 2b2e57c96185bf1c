package gpu_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/gpu"
)

// CHIMERA_SAMPLER forces a choice; none measures nothing and says so.
func TestDefaultHonoursCHIMERA_SAMPLER(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		t.Setenv("CHIMERA_SAMPLER", "none")
		s, err := gpu.Default(t.Context(), gpu.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := "gpu-sampler: none (CHIMERA_SAMPLER=none)\ncpu-energy: none (CHIMERA_SAMPLER=none)"
		if got := strings.Join(s.Config(), "\n"); got != want {
			t.Errorf("Config = %q, want %q", got, want)
		}
		if m := s.Start(t.Context()).Stop(100); len(m) != 0 {
			t.Errorf("a sampler that measures nothing reported %v", m)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		t.Setenv("CHIMERA_SAMPLER", "amd")
		if _, err := gpu.Default(t.Context(), gpu.Options{}); err == nil || !strings.Contains(err.Error(), "want nvml, rapl, none or auto") {
			t.Errorf("Default = %v, want an error naming the choices", err)
		}
	})
}

// On a machine with neither NVML nor RAPL (CI, this project's build
// machines), the default sampler measures nothing, reports no metric, and
// its config lines say why for the GPU and for the CPU.
func TestDefaultWithoutHardwareSaysWhy(t *testing.T) {
	t.Setenv("CHIMERA_SAMPLER", "")
	s, err := gpu.Default(t.Context(), gpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := s.Config()
	if !strings.HasPrefix(lines[0], "gpu-sampler: none (") || len(lines) != 2 || !strings.HasPrefix(lines[1], "cpu-energy: none (") {
		t.Skipf("this machine has a sampler: %q", lines)
	}
	t.Logf("config: %q", lines)
	if m := s.Start(t.Context()).Stop(100); len(m) != 0 {
		t.Errorf("no hardware, yet metrics %v", m)
	}
	t.Setenv("CHIMERA_SAMPLER", "nvml")
	if _, err := gpu.Default(t.Context(), gpu.Options{}); !errors.Is(err, gpu.ErrNoNVML) && !errors.Is(err, gpu.ErrNoGPU) {
		t.Errorf("CHIMERA_SAMPLER=nvml without a GPU: %v, want ErrNoNVML or ErrNoGPU", err)
	}
}
