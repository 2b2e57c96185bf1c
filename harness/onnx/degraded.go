package onnx

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Degraded summarises the degraded records among recs: how many, and each
// distinct reason with its count ("2× prefill: …; 1× decode step 3: …"),
// "" when none, for a benchmark's log line.
func Degraded(recs []Record) (n int, reasons string) {
	count := map[string]int{}
	for _, r := range recs {
		if !r.OK() {
			n++
			count[r.Degraded]++
		}
	}
	var parts []string
	for _, why := range slices.Sorted(maps.Keys(count)) {
		parts = append(parts, fmt.Sprintf("%d× %s", count[why], why))
	}
	return n, strings.Join(parts, "; ")
}
