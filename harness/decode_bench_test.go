package harness

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// BenchmarkDecode is the decode rate of synthetic models on this machine,
// on one instance and on two instances decoding at once (each with the
// num_thread the harness suggests). One iteration is one 256-token
// generate per instance, all started together. tok/s is the mean
// per-instance decode rate; agg-tok/s is all tokens over the wall time.
//
//	go test -run '^$' -bench Decode -count 5 ./harness
func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			ins := Servers(b, ServerConfig{Instances: n})
			for _, preset := range []string{"llama3.1-tiny", "llama3.1-small"} {
				m := Model(b, ins, ModelSpec{Synthetic: preset})
				// Config lines go out here, in a parent that runs once, not in
				// the leaf that -count repeats after its name is printed.
				base := measure.Options{NumPredict: measure.Ptr(decodeTokens)}
				if ins[0].NumThread > 0 {
					base.NumThread = measure.Ptr(ins[0].NumThread)
				}
				PrintConfig(os.Stdout, Provenance(b, ins, []ModelInfo{m}, base))
				b.Run("model="+preset, func(b *testing.B) { benchDecode(b, ins, m.Tag) })
			}
		})
	}
}

const decodeTokens = 256

func benchDecode(b *testing.B, ins []*Instance, model string) {
	calls := make([]measure.Call, len(ins))
	for i, in := range ins {
		opts := measure.Options{NumPredict: measure.Ptr(decodeTokens), Temperature: measure.Ptr(0.8), Seed: measure.Ptr(i + 1)}
		if in.NumThread > 0 {
			opts.NumThread = measure.Ptr(in.NumThread)
		}
		calls[i] = measure.Call{Client: in.Client, URL: in.URL, Model: model, Prompt: "Summarise the benchmark data.", Options: opts.Map()}
		if _, err := measure.Measure(b.Context(), calls[i]); err != nil { // warm-up: load the model
			b.Fatal(in.Annotate(err))
		}
	}
	var rates []float64
	tokens, wall := 0, time.Duration(0)
	for b.Loop() {
		recs := make([]measure.Record, len(ins))
		errs := make([]error, len(ins))
		var wg sync.WaitGroup
		start := time.Now()
		for i := range ins {
			wg.Go(func() { recs[i], errs[i] = measure.Measure(b.Context(), calls[i]) })
		}
		wg.Wait()
		wall += time.Since(start)
		for i, r := range recs {
			if errs[i] != nil {
				b.Fatal(ins[i].Annotate(errs[i]))
			}
			rate, ok := r.DecodeRate()
			if !ok {
				b.Fatalf("instance %d: no eval_duration", i)
			}
			rates = append(rates, rate)
			tokens += *r.EvalCount // DecodeRate was ok: a valid count
		}
	}
	b.ReportMetric(stats.Mean(rates), "tok/s")
	b.ReportMetric(float64(tokens)/wall.Seconds(), "agg-tok/s")
}
