package harness

// MultiAgentUnits returns the units [MultiAgentValues] reports for a
// test's two agents, the multi-agent reports' common list, then extra (a
// report's own): ns/op, one interleaved sample; the study's legacy
// figures; the corrected speedup and efficiency; both agents' tokens per
// wall second, the balance bound, overhead and wall time; each agent's
// time inside the concurrent run (a-ns, b-ns); the roofline share; and
// the concurrent calls' invalid count, decode rate, TTFT and load time.
func MultiAgentUnits(extra ...string) []string {
	return append([]string{
		"ns/op",
		"eff-%", "legacy-speedup-x", "contention-%",
		"speedup-x", "true-eff-%", "agg-tok/s", "balance-%", "overhead-ns", "wall-ns", "a-ns", "b-ns",
		"roofline-%", "invalid-calls",
		"tok/s", "ttft-ns", "load-ns",
	}, extra...)
}
