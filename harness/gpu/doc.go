// Package gpu measures what the hardware does during a benchmark's timed
// regions: NVIDIA GPUs through NVML, else CPU packages through Linux's
// RAPL counters. harness.NewLive picks a sampler with [Default] unless the
// benchmark names one; its regions bracket the work with Start and Stop.
//
//   - [NVML] (go-nvml; the only cgo in the suite besides ONNX Runtime)
//     polls every device every 100 ms for power, utilisation, memory used,
//     SM and memory clocks and temperature, each [Sample] flagged valid
//     only when every reading the device supports succeeded. A region's
//     energy is the advance of each device's energy counter
//     (GetTotalEnergyConsumption) between Start and Stop, else the
//     trapezoid integral of its valid power samples. Idle power is
//     measured for a second at open, and a region reports its active
//     energy (total − idle × duration): W and J/tok. Its [Result] keeps
//     total and idle apart. A device left without a valid sample for five
//     intervals (it stopped answering) has no sampled metrics.
//     [NVML.Bandwidth] is the peak memory bandwidth from NVML's memory
//     clock and bus width ([PeakBandwidth]), for the roofline share.
//   - [RAPL] (no cgo) reads the CPU packages' energy_uj counters under
//     /sys/class/powercap, polled so that wrap-arounds at
//     max_energy_range_uj are counted; W and J/tok only.
//   - Without either, nothing is measured: no metric is reported (never
//     0), and the config lines say why ("gpu-sampler: none (no NVML: built
//     without cgo)", "cpu-energy: none (…)").
//
// Metrics of a region (units registered in internal/units; [Units]):
//
//	W           mean active power: (total − idle) energy / duration
//	J/tok       active energy / tokens generated in the region
//	gpu-util-%  time-weighted mean GPU utilisation (mean over devices)
//	gpu-mem-B   peak GPU memory used (summed over devices)
//
// Config lines: gpu-sampler (what, how often, energy counter or trapezoid,
// readings a device lacks), gpu-mem-bandwidth; or cpu-energy. The idle
// power (gpu-idle-power, cpu-idle-power) is measured, so it differs
// between runs: the live setup writes it as a "# key: value" comment that
// benchfmt skips, so that two runs of one setup share benchstat's tables.
//
// Build: NVML is built with -tags nvml, on Linux with cgo:
//
//	CGO_CFLAGS=-Wno-deprecated-declarations go test -tags nvml -run '^$' -bench . ./tr114
//
// Without the tag (or cgo, or on another OS) the package builds without
// go-nvml and [Default] says why there is no NVML, naming the tag when an
// NVIDIA driver is present. The tag keeps go-nvml out of default builds:
// its first compile prints some 150 lines of C deprecation warnings, which
// CGO_CFLAGS=-Wno-deprecated-declarations silences.
//
// Tests: hermetic, on go-nvml's mock H100 server (with -tags nvml) and a
// fake powercap directory, in testing/synctest bubbles: scripted power
// curves must give their joules exactly. TestNVMLOnThisMachine reads a
// real GPU where there is one (it skips elsewhere):
//
//	CGO_CFLAGS=-Wno-deprecated-declarations go test -tags nvml -v -run OnThisMachine ./harness/gpu
//
// Environment (read at call time): CHIMERA_SAMPLER = nvml, rapl, none or
// auto (the default) forces [Default]'s choice.
package gpu
