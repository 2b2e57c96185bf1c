package onnxtest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

// Timed is r, a scripted call of a body test, with its timeline from
// r.Prefill on: the first token chosen choose after the prefill, then steps
// decode steps of step each, each token chosen choose after its step, and
// the call's end choose after the last token. A prefill alone is
// Timed(r, 0, 0, choose).
func Timed(r onnx.Record, steps int, step, choose time.Duration) onnx.Record {
	at := r.Prefill + choose
	r.Tokens = []time.Duration{at}
	r.Steps = nil
	for range steps {
		r.Steps = append(r.Steps, step)
		at += step + choose
		r.Tokens = append(r.Tokens, at)
	}
	r.End = at + choose
	return r
}

// AssertReported checks what a body test's benchmark reported (extra)
// against its script: the metrics under units are exactly want, the
// report's metrics of the records the script returned, and want has every
// one of units, so that none goes unchecked. opts go to cmp.Diff
// (cmpopts.EquateApprox where want was worked out by hand).
func AssertReported(tb testing.TB, extra map[string]float64, units []string, want map[string]float64, opts ...cmp.Option) {
	tb.Helper()
	if err := reported(extra, units, want, opts...); err != nil {
		tb.Error(err)
	}
}

// reported is AssertReported's check: nil, or an error that says each way
// extra and want part.
func reported(extra map[string]float64, units []string, want map[string]float64, opts ...cmp.Option) error {
	var errs []error
	if diff := cmp.Diff(want, measure.Pick(extra, units), opts...); diff != "" {
		errs = append(errs, fmt.Errorf("reported metrics mismatch (-records +reported):\n%s", diff))
	}
	unchecked := slices.DeleteFunc(slices.Clone(units), func(u string) bool { _, ok := want[u]; return ok })
	if len(unchecked) > 0 {
		errs = append(errs, fmt.Errorf("the records measured %d of the %d units: %v unchecked", len(units)-len(unchecked), len(units), unchecked))
	}
	return errors.Join(errs...)
}
