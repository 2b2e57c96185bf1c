// Package tr119 reproduces TR119: what a million tokens cost, in dollars,
// energy and emissions, from measured throughput and measured energy.
//
// # Benchmarks
//
//	BenchmarkTR119/scenario=single_short/mode=generate
//	BenchmarkTR119/scenario=single_medium/mode=generate
//	BenchmarkTR119/scenario=single_long/mode=generate
//
// The study's single-request scenarios and their prompts ([Scenarios]; its
// batch scenarios have no counterpart in Ollama's one-prompt requests).
// One iteration is one generate request (num_predict tokens; the
// scenario's two prompts in turn, so that none is served from the prompt
// cache), after an excluded warm-up that loads the model; ns/op is its
// wall time. The sampler of the live setup (harness/gpu: NVML on a GPU,
// else RAPL CPU package energy) brackets the iterations.
//
// # Metrics
//
//	tok/s       decode throughput: Σ eval_count / Σ eval_duration (server)
//	J/tok, W    active energy per generated token and mean active power (total − idle measured before), from the sampler
//	gpu-util-%, gpu-mem-B  with an NVML sampler
//	gCO2e/Mtok  J/tok × 1e6 / 3.6e6 × CHIMERA_GCO2E_PER_KWH
//	$/Mtok      J/tok × 1e6 / 3.6e6 × CHIMERA_USD_PER_KWH + 1e6 / (tokens per wall second × 3600) × CHIMERA_USD_PER_GPU_HOUR
//	kWh/Mtok    J/tok × 1e6 / 3.6e6
//	tok/kWh     3.6e6 / J/tok
//
// Instance and energy costs are kept apart ([Rates]): the GPU-hour price
// is the hardware's cost without its electricity, and energy is priced
// only as measured. The study instead added electricity to a cloud price
// per hour that already pays for the instance's power. The defaults are
// the study's own assumptions (TR119's matrix.yaml, as the data pack's
// README quotes it) for owned hardware: 0.20 $/kWh, 500 gCO2e/kWh and its
// on-prem tier's 0 $/h, so $/Mtok is the electricity the tokens took. To
// price a cloud instance, whose hourly price includes power, set
// CHIMERA_USD_PER_GPU_HOUR to it (the study's AWS g5.xlarge on demand:
// 1.006) and CHIMERA_USD_PER_KWH=0. Where no energy can be read (no GPU
// and no RAPL, as on most VMs), J/tok and W are not reported, and the cost
// and energy figures are priced from a stated power assumption instead:
// CHIMERA_ASSUMED_W, else the study's own mean CPU package power during
// its CPU backends' generate runs (computed from testdata/baseline.bench:
// 81 W on its i9-13980HX). The config line "energy: assumed 81 W, not
// measured (…)" labels every such run, and the gate refuses to compare it
// with a measured one (energy is an identifying key). The rates are
// config lines too (usd-per-kwh, gco2e-per-kwh, usd-per-gpu-hour).
//
// # Running
//
//	go test -run '^$' -bench . -benchtime 10x ./tr119 > new.txt
//
// With no environment set this starts the embedded default (the Ollama
// server pinned in go.mod, with its CUDA backend where a GPU and the CUDA
// toolkit exist) and a synthetic model. Environment:
//
//	CHIMERA_USD_PER_KWH       electricity price, $/kWh (default 0.20, the study's)
//	CHIMERA_GCO2E_PER_KWH     grid intensity, gCO2e/kWh (default 500, the study's)
//	CHIMERA_USD_PER_GPU_HOUR  hardware price per hour without electricity (default 0, the study's on-prem tier)
//	CHIMERA_ASSUMED_W         power assumed where none is measured (default: the study's CPU package power)
//	CHIMERA_SAMPLER           nvml, rapl, none or auto (harness/gpu)
//	CHIMERA_OLLAMA_URLS, CHIMERA_OLLAMA_BIN, CHIMERA_MODELS, CHIMERA_NUM_THREAD,
//	CHIMERA_NUM_PREDICT, CHIMERA_TRACE_DIR, CHIMERA_CACHE   as for every report (harness)
//
// # The study's data
//
// testdata/baseline.bench is the study's TR119 records as benchfmt
// (internal/studydata.TR119: gpt2 on five backends, prefill and generate,
// every raw file, the analysed ones told apart by run=), with each
// record's power telemetry (TR119Power). The fragment testdata/report.md.golden
// recomputes PUBLISHED.md's 21 TR119 rows (#223-#243) from it, all of
// which follow, and shows what the study's power figures were: mostly a
// single reading per record, as high when the GPU was idle as when it was
// busy. All of it is [Report] (report.go), the report declared once: the
// embedded baseline, Render and the claims, which TestReport checks, and
// the benchmark's matrix and body.
//
//	go test ./tr119 -run Report -update
//
// regenerates the baseline (from the data pack, study/ or
// CHIMERA_STUDY_DIR), the fragment and its charts.
package tr119
