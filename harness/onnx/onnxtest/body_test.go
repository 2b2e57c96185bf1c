package onnxtest_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
	"github.com/chimeraforge/chimeraforge/harness/onnx/onnxtest"
)

const ms = time.Millisecond

func TestTimed(t *testing.T) {
	base := onnx.Record{Model: "scripted", Provider: onnx.CPU, Batch: 1, Len: 9, Real: 9, Padded: 9, Prefill: 4 * ms}
	with := func(tokens, steps []time.Duration, end time.Duration) onnx.Record {
		r := base
		r.Tokens, r.Steps, r.End = tokens, steps, end
		return r
	}
	cases := []struct {
		name   string
		steps  int
		step   time.Duration
		choose time.Duration
		want   onnx.Record
	}{
		{"a prefill alone: one token chosen after it, the end after that", 0, 0, ms / 10,
			with([]time.Duration{4*ms + ms/10}, nil, 4*ms+ms/5)},
		{"each step's token chosen after its forward", 2, ms, ms / 10,
			with([]time.Duration{4*ms + ms/10, 5*ms + ms/5, 6*ms + 3*ms/10}, []time.Duration{ms, ms}, 6*ms+2*ms/5)},
		{"nothing between the forwards: tokens on the steps' ends", 3, 2 * ms, 0,
			with([]time.Duration{4 * ms, 6 * ms, 8 * ms, 10 * ms}, []time.Duration{2 * ms, 2 * ms, 2 * ms}, 10*ms)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := onnxtest.Timed(base, c.steps, c.step, c.choose)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Timed mismatch (-want +got):\n%s", diff)
			}
			if got.Generated() != c.steps || got.DecodeTime() != time.Duration(c.steps)*c.step {
				t.Errorf("%d tokens generated in %v, want %d in %v", got.Generated(), got.DecodeTime(), c.steps, time.Duration(c.steps)*c.step)
			}
		})
	}
	again := onnxtest.Timed(onnxtest.Timed(base, 2, ms, 0), 1, ms, 0)
	if len(again.Steps) != 1 || len(again.Tokens) != 2 {
		t.Errorf("Timed of a timed record kept its old timeline: %+v", again)
	}
}

// recordTB records the errors a helper reports.
type recordTB struct {
	testing.TB
	errs []string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestAssertReported(t *testing.T) {
	units := []string{"tok/s", "prefill-ns", "degraded-calls"}
	truth := map[string]float64{"tok/s": 1000, "prefill-ns": 3e6, "degraded-calls": 0}
	// set is m with unit u at v; without, m without u.
	set := func(m map[string]float64, u string, v float64) map[string]float64 {
		m = maps.Clone(m)
		m[u] = v
		return m
	}
	without := func(m map[string]float64, u string) map[string]float64 {
		m = maps.Clone(m)
		delete(m, u)
		return m
	}
	cases := []struct {
		name     string
		reported map[string]float64
		want     map[string]float64
		opts     []cmp.Option
		errs     []string // what each error says, in order
	}{
		{"the script's truth, every unit", truth, truth, nil, nil},
		{"units the report does not declare are not its body's to check", set(set(truth, "ns/op", 5e6), "failed-calls", 1), truth, nil, nil},
		{"another value", set(truth, "tok/s", 999), truth, nil, []string{"reported metrics mismatch"}},
		{"a unit reported that the records did not give", truth, without(truth, "prefill-ns"), nil,
			[]string{"reported metrics mismatch", "measured 2 of the 3 units: [prefill-ns] unchecked"}},
		{"a unit the records give but the body did not report", without(truth, "degraded-calls"), truth, nil, []string{"reported metrics mismatch"}},
		{"a unit neither gives is still unchecked", without(truth, "prefill-ns"), without(truth, "prefill-ns"), nil,
			[]string{"measured 2 of the 3 units: [prefill-ns] unchecked"}},
		{"a rounding apart, exact", set(truth, "tok/s", 1000*(1+1e-14)), truth, nil, []string{"reported metrics mismatch"}},
		{"a rounding apart, with EquateApprox", set(truth, "tok/s", 1000*(1+1e-14)), truth, []cmp.Option{cmpopts.EquateApprox(1e-12, 0)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recordTB{TB: t}
			onnxtest.AssertReported(r, c.reported, units, c.want, c.opts...)
			if len(r.errs) != len(c.errs) {
				t.Fatalf("%d errors %q, want %d saying %q", len(r.errs), r.errs, len(c.errs), c.errs)
			}
			for i, want := range c.errs {
				if !strings.Contains(r.errs[i], want) {
					t.Errorf("error %d is %q, want it to say %q", i, r.errs[i], want)
				}
			}
		})
	}
}
