package harness

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/measure"
)

// Measure measures one call on inst and writes its record to l's trace,
// failing tb with the call's or the trace's error, annotated with the
// instance's state (a server that died says so). It is the single-call
// step of a report body that sends its own requests (tr108, tr119); c's
// Client and URL are inst's.
func (l *Live) Measure(tb testing.TB, inst *Instance, c measure.Call) measure.Record {
	tb.Helper()
	c.Client, c.URL = inst.Client, inst.URL
	r, err := measure.Measure(tb.Context(), c)
	if terr := l.Trace.Write(r); terr != nil && err == nil {
		err = terr
	}
	if err != nil {
		tb.Fatal(inst.Annotate(err))
	}
	return r
}
