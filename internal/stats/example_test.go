package stats_test

import (
	"fmt"

	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// Two agents that each take 10 s alone. Run "together" on a runtime that
// serialises them, each agent's clock starting when it actually runs, the
// run takes 20 s: the legacy metric calls it 50 % and contended. With
// contention stretching both agents to 25 s, slower than running them one
// after the other, it scores 100 %.
func ExampleLegacyEfficiency() {
	serialised := stats.LegacyEfficiency([]float64{10, 10}, 20)
	slow := stats.LegacyEfficiency([]float64{25, 25}, 25)
	fmt.Printf("serialised: speedup %.2fx, eff %.0f%%, contended %v\n", serialised.Speedup, serialised.EfficiencyPct, serialised.Contended)
	fmt.Printf("contended:  speedup %.2fx, eff %.0f%%, contended %v\n", slow.Speedup, slow.EfficiencyPct, slow.Contended)
	// Output:
	// serialised: speedup 1.00x, eff 50%, contended true
	// contended:  speedup 2.00x, eff 100%, contended false
}

// The same two runs measured against the agents' isolated times: the
// serialised run gains nothing (1.0x) and the contended one loses (0.8x),
// while the legacy metric scored the second one perfect.
func ExampleCorrectedEfficiency() {
	alone := []float64{10, 10}
	serialised := stats.CorrectedEfficiency(alone, 20)
	slow := stats.CorrectedEfficiency(alone, 25)
	fmt.Printf("serialised: speedup %.2fx, eff %.0f%%\n", serialised.Speedup, serialised.EfficiencyPct)
	fmt.Printf("contended:  speedup %.2fx, eff %.0f%%\n", slow.Speedup, slow.EfficiencyPct)
	fmt.Printf("balance bound of the contended run: %.0f%%\n", stats.BalanceBoundPct([]float64{25, 25}))
	// Output:
	// serialised: speedup 1.00x, eff 50%
	// contended:  speedup 0.80x, eff 40%
	// balance bound of the contended run: 100%
}
