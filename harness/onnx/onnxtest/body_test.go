package onnxtest

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
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
			got := Timed(base, c.steps, c.step, c.choose)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Timed mismatch (-want +got):\n%s", diff)
			}
			if got.Generated() != c.steps || got.DecodeTime() != time.Duration(c.steps)*c.step {
				t.Errorf("%d tokens generated in %v, want %d in %v", got.Generated(), got.DecodeTime(), c.steps, time.Duration(c.steps)*c.step)
			}
		})
	}
	again := Timed(Timed(base, 2, ms, 0), 1, ms, 0)
	if len(again.Steps) != 1 || len(again.Tokens) != 2 {
		t.Errorf("Timed of a timed record kept its old timeline: %+v", again)
	}
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
		errs     []string // what the error says, each part of it
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
	markers := []string{"reported metrics mismatch", "unchecked"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := reported(c.reported, units, c.want, c.opts...)
			if (err != nil) != (len(c.errs) > 0) {
				t.Fatalf("reported = %v, want an error saying %q", err, c.errs)
			}
			for _, want := range c.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			for _, m := range markers {
				if err != nil && strings.Contains(err.Error(), m) && !slices.ContainsFunc(c.errs, func(w string) bool { return strings.Contains(w, m) }) {
					t.Errorf("error %q says %q, which this case is not", err, m)
				}
			}
		})
	}
}
