package multiagent

import (
	"math"
	"runtime"
	"sync"
	"testing"
)

func TestSchedHistQuantile(t *testing.T) {
	inf := math.Inf(1)
	h := SchedHist{Buckets: []float64{math.Inf(-1), 0, 1e-6, 2e-6, inf}, Counts: []uint64{0, 10, 10, 0}}
	for _, c := range []struct {
		name string
		p    float64
		want float64
	}{
		{"the minimum is the first bucket's lower bound", 0, 0},
		{"the median ends the first half", 0.5, 1e-6},
		{"a quarter is half-way into the first bucket", 0.25, 0.5e-6},
		{"p99 is near the top of the second bucket", 0.99, 1e-6 + 0.98*1e-6},
		{"the maximum is the last bucket's upper bound", 1, 2e-6},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := h.Quantile(c.p)
			if !ok || math.Abs(got-c.want) > 1e-15 {
				t.Errorf("Quantile(%v) = %v, %v; want %v", c.p, got, ok, c.want)
			}
		})
	}
	tails := SchedHist{Buckets: []float64{math.Inf(-1), 5e-6, inf}, Counts: []uint64{1, 1}}
	if lo, _ := tails.Quantile(0.1); lo != 5e-6 {
		t.Errorf("a latency below the first finite bound reads %v, want that bound", lo)
	}
	if hi, _ := tails.Quantile(0.9); hi != 5e-6 {
		t.Errorf("a latency above the last finite bound reads %v, want that bound", hi)
	}
	if _, ok := (SchedHist{}).Quantile(0.5); ok {
		t.Error("an empty histogram has a median")
	}
	if v := (SchedHist{}).Values(); len(v) != 0 {
		t.Errorf("an empty histogram reports %v", v)
	}
	v := h.Values()
	if math.Abs(v["sched-p50-ns"]-1000) > 1e-9 || math.Abs(v["sched-p99-ns"]-1980) > 1e-9 {
		t.Errorf("Values() = %v, want p50 1000 ns and p99 1980 ns", v)
	}
}

func TestSchedHistAdd(t *testing.T) {
	a := SchedHist{Buckets: []float64{0, 1, 2}, Counts: []uint64{1, 2}}
	var sum SchedHist
	sum.Add(a)
	sum.Add(SchedHist{})
	sum.Add(a)
	if sum.N() != 6 || sum.Counts[1] != 4 {
		t.Errorf("sum = %+v, want twice a", sum)
	}
	a.Counts[0] = 100
	if sum.Counts[0] != 2 {
		t.Error("Add kept the caller's slice")
	}
	sum.Add(SchedHist{Buckets: []float64{0, 1}, Counts: []uint64{7}})
	if sum.N() != 6 {
		t.Errorf("a histogram of another layout was added: %+v", sum)
	}
}

// A region in which goroutines wait to run records their latencies, and
// only those of the region.
func TestSchedRegionRecordsTheRegion(t *testing.T) {
	r := StartSched()
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for range 100 {
				runtime.Gosched()
			}
		})
	}
	wg.Wait()
	h := r.Stop()
	if h.N() == 0 {
		t.Fatal("no scheduler latency recorded while goroutines yielded to each other")
	}
	p50, ok := h.Quantile(0.5)
	if !ok || p50 < 0 || math.IsInf(p50, 0) {
		t.Errorf("median %v, %v: want finite", p50, ok)
	}
	later := StartSched().Stop()
	if later.N() >= h.N() {
		t.Errorf("an empty region recorded %d latencies, the busy one %d", later.N(), h.N())
	}
}
