// Package harness runs Ollama servers and measures agents against them.
//
// It is imported by the tr1xx packages' tests and benchmarks. It owns the
// lifecycle of servers (found, connected to or started), the measurement
// of one streamed LLM call (a [Record]), the agent workflow, and the trace
// file every record is appended to.
package harness
