// Package capacity answers the question the study stopped short of: how
// many agents (or calls per second) one machine serves within a latency
// target, and in which setup — more Ollama instances, or more slots
// (OLLAMA_NUM_PARALLEL) in one. It goes beyond the study: there are no
// study numbers to compare with.
//
// # Setups
//
// A setup is instances × slots, named as tr114 names its arms:
// instances=1/parallel=1, instances=2/parallel=1 and
// instances=1/parallel=2 by default. CHIMERA_CAPACITY_SETUPS lists others
// as <instances>x<slots>, for example 1x1,2x1,1x2,1x4,1x8 for more slots.
// Agent i talks to instance i mod I; open-loop call k goes to instance
// k mod I.
//
// # Benchmarks
//
//	BenchmarkCapacity/instances=I/parallel=P/agents=N
//
// N agents closed-loop (N from CHIMERA_AGENTS, default 1,2,4,8): all start
// together and each runs the agent workflow (harness/agent: ingest, the
// analysis call, the report call) back to back for CHIMERA_CAPACITY_CALLS
// calls (default 4, two workflows). One iteration is one such run.
//
//	BenchmarkCapacityOpen/instances=I/parallel=P/arrival=A/rate=R
//
// CHIMERA_CAPACITY_OPEN_CALLS calls (default 20), alternating the
// workflow's analysis and report prompts, sent at R per second (rates from
// CHIMERA_CAPACITY_RATES, default 4,8,16) with Poisson arrivals from a
// PCG generator seeded with CHIMERA_CAPACITY_SEED (default 1), or at a
// constant rate (CHIMERA_CAPACITY_ARRIVALS=poisson,constant; default
// poisson). At most CHIMERA_CAPACITY_INFLIGHT calls (default 64) are in
// flight; an arrival that finds the cap reached waits, and its latency
// still counts from its scheduled time, so that a client that falls
// behind cannot hide the queue (coordinated omission).
//
//	BenchmarkCapacitySearch/instances=I/parallel=P
//
// The largest agent count and the largest offered rate whose calls meet
// the target CHIMERA_SLO, reported as max-agents and max-rps. Each search
// doubles the load from 1 agent (or from the first of
// CHIMERA_CAPACITY_RATES) until the target is missed, then bisects: agent
// counts to one, rates until the rate missed is within 10 % of the rate
// met (RateTolerance). Each agent step is a closed-loop run of at least
// CHIMERA_CAPACITY_OPEN_CALLS calls (20 by default: the calls per agent are
// raised to whole workflows until the run makes that many, StepCalls); each
// rate step an open-loop run of that many calls at Poisson arrivals, which
// must also keep up: achieved-rps at least 90 % of offered-rps (KeepUp), for
// a few calls at a rate far beyond the setup's are a burst that ends before
// its queue passes the target. The
// agent search stops at CHIMERA_CAPACITY_MAX_AGENTS (default 64). Every step
// prints a progress line: the load, met or missed, from how many calls,
// and the measured value of each term missed.
//
// # The target
//
// CHIMERA_SLO is a comma list of <metric>-p<percentile><op><value>:
// ttft, e2e and queue with <= and a Go duration, agent-tok/s with >= and
// tokens per second. Every term must hold, each the given percentile over a
// run's calls. Unset, it is
//
//	ttft-p95<=2s,agent-tok/s-p5>=10
//
// A term that no call measured (queue against a server without durations)
// fails, and the step says so. A malformed value fails the benchmark with
// what was expected. The target is printed as the config line "slo: …".
//
// # Units
//
//	agg-tok/s            Σ eval_count of all calls / wall time of the run
//	agent-tok/s          each call's decode rate, eval_count / eval_duration (the server's), mean over the calls
//	ttft-p50-ns, ttft-p95-ns, ttft-p99-ns
//	                     time to first content chunk, from when the call was due: its send in the
//	                     closed loop, its scheduled arrival in the open loop
//	e2e-p95-ns           closed loop: 95th percentile of send → done chunk
//	sched-e2e-p95-ns     open loop: 95th percentile of scheduled arrival → done chunk
//	queue-ns, queue-p95-ns
//	                     the wait for a slot, by the rule client TTFT − load_duration −
//	                     prompt_eval_duration: Ollama (and ollamatest) start the request's clock
//	                     on arrival and account load and prompt evaluation, not the wait for a
//	                     free slot between them; omitted where a call lacks a duration
//	goodput-%            share of calls whose own values meet every term of the SLO
//	speedup-x            N × wall(agents=1) / wall(agents=N) in the same setup: the N workloads
//	                     one after the other over all of them together (needs agents=1 in CHIMERA_AGENTS)
//	offered-rps, achieved-rps
//	                     (n−1) / (last − first scheduled arrival), (n−1) / (last − first end)
//	dispatch-lag-ns, dispatch-lag-p99-ns
//	                     call sent − call scheduled, mean and 99th percentile
//	max-agents, max-rps  the searches' answers
//
// A measurement a run lacks is omitted, never reported as 0.
//
// # Running
//
// The curve, the three setups with N up to 8; the pattern's first level
// also matches the open loop and the search (4m53s on an idle 2-core AMD
// EPYC with the embedded default, caches warm; 5m58s with other jobs
// loading the cores; the closed loop is its first 27 s):
//
//	go test -run '^$' -bench 'Capacity/' ./capacity > capacity.txt
//	go tool benchstat -col /agents -filter '.name:Capacity .unit:(agg-tok/s OR ttft-p95-ns)' capacity.txt
//
// The closed loop alone, and one setup with more agents:
//
//	go test -run '^$' -bench 'Capacity$/' ./capacity
//	CHIMERA_AGENTS=1,2,4,8,16,32 go test -run '^$' -bench 'Capacity$/instances=1/parallel=2' ./capacity
//
// The answer for a target:
//
//	CHIMERA_SLO='ttft-p95<=2s' go test -run '^$' -bench CapacitySearch ./capacity
//
// The model, num_predict, num_thread, corpus, trace and servers come from
// the harness's variables: CHIMERA_MODELS, CHIMERA_NUM_PREDICT,
// CHIMERA_NUM_THREAD, CHIMERA_CORPUS, CHIMERA_TRACE_DIR, CHIMERA_CACHE,
// CHIMERA_OLLAMA_BIN, CHIMERA_STALL (a deep queue needs a longer one than
// the default 2m: the stall limit runs from the request's start).
//
// # Where one machine is not enough
//
// With CHIMERA_OLLAMA_URLS=http://h1:11434,http://h2:11434 the harness
// starts nothing: instance i is URL i, so instances=2 spreads the agents
// over the two hosts, and instances=1 uses the first. Those servers keep
// their own OLLAMA_NUM_PARALLEL, so setups with parallel above 1 skip with
// the reason: start each server with the slots you want and name the setup
// 1x1 or 2x1 (CHIMERA_CAPACITY_SETUPS), reading the slots from the
// provenance's "setups" line (parallel=server).
//
// With CHIMERA_OPENAI_URLS (vLLM, SGLang, llama.cpp's llama-server,
// Ollama's /v1; CHIMERA_OPENAI_KEY as the bearer token) these benchmarks
// load those servers the same way, their calls measured over OpenAI chat
// completions; setups with parallel above 1 skip as above. Such a server
// reports no load or prompt-eval durations, so queue-ns is omitted there
// and a queue term in CHIMERA_SLO cannot be met.
//
// # Report
//
// Report declares the report (golden/report.Spec: its benchmarks, units
// and Render; there is no study behind it). testdata/report.md.golden and
// its charts are Render's fragment of testdata/ours.bench, a committed run
// on the embedded default, checked by TestReport (reporttest.Check);
// go test ./capacity -run Report -update regenerates them. The run is the
// curve five times, so that each point has an interval, then the open loop
// and the search once each, on this project's idle 2-core AMD EPYC
// (2026-12-07; 5m53s for the curve and the search, 42 s for the open loop):
//
//	go test -run '^$' -bench '^BenchmarkCapacity$' -count 5 ./capacity > curve.txt
//	go test -run '^$' -bench '^BenchmarkCapacityOpen$' ./capacity > open.txt
//	go test -run '^$' -bench '^BenchmarkCapacitySearch$' ./capacity > search.txt
package capacity
