package golden_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/chimeraforge/chimeraforge/golden"
)

// Compare a pull request's head with its base the way cmd/chimeragate
// does: a 10 % drop in decode throughput with 6 samples per side is a
// significant regression beyond the 5 % tolerance. tok/s needs no Unit
// line: internal/units registers it as higher-is-better. WriteSummary
// lists only what fails the gate; WriteText would list every metric.
func ExampleCompare() {
	const config = "goos: linux\ngoarch: amd64\ngpu: none\nmodel: synthetic\n"
	run := func(tokPerSec ...float64) string {
		var b strings.Builder
		b.WriteString(config)
		for _, v := range tokPerSec {
			fmt.Fprintf(&b, "BenchmarkTR111/agent=baseline/start=warm-2 1 2.5e10 ns/op %v tok/s\n", v)
		}
		return b.String()
	}
	base, err := golden.Read(strings.NewReader(run(2010, 1990, 2000, 2005, 1995, 2001)), "base.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	head, err := golden.Read(strings.NewReader(run(1800, 1810, 1790, 1795, 1805, 1801)), "head.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := golden.Compare(base, head, golden.Options{Tolerance: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep.WriteSummary(os.Stdout)
	err = rep.Err()
	fmt.Println(errors.Is(err, golden.ErrRegression))
	fmt.Println(err)
	// Output:
	// base: base.txt
	// head: head.txt
	// alpha 0.05, confidence 0.95, tolerance 5%
	//
	// benchmark                           unit    base                head                change    p       n     verdict
	// TR111/agent=baseline/start=warm-2   tok/s   2.001 ktok/s ± 1%   1.800 ktok/s ± 1%   -10.00%   0.002   6+6   REGRESSION beyond 5%
	//
	// 2 metrics: 1 regressed beyond tolerance, 1 unchanged
	// true
	// significant regression beyond tolerance: 1 of 2 metrics: TR111/agent=baseline/start=warm-2 tok/s -10.00% (tolerance 5%)
}
