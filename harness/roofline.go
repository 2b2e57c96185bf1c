package harness

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Decode is memory-bound: every generated token reads all of the model's
// weights once. So a device that moves B bytes per second cannot decode
// more than B / (bytes per token) tokens per second, however many
// instances or slots share it. The roofline share of a run says how close
// it came to that bound, and so whether a second instance can help at all.

// BandwidthBytes is the size of the buffers MemBandwidth copies: far larger
// than any CPU's last-level cache, so that the copy measures DRAM.
const BandwidthBytes = 256 << 20

// MemBandwidth is the CPU's memory bandwidth in bytes per second, measured
// once per process (about a second, 512 MiB of buffers) and cached: the
// best of 5 copies of a BandwidthBytes slice, split over GOMAXPROCS
// goroutines, counting each byte read and written (the STREAM "copy"
// convention). A GPU's bandwidth comes from its sampler instead.
func MemBandwidth() float64 { return memBandwidth() }

var memBandwidth = sync.OnceValue(func() float64 { return measureBandwidth(BandwidthBytes, 5) })

// measureBandwidth copies a size-byte slice reps times and returns the best
// rate, in bytes per second.
func measureBandwidth(size, reps int) float64 {
	src, dst := make([]byte, size), make([]byte, size)
	// Touch every page of both buffers first, so that no copy pays for
	// page faults.
	for i := 0; i < size; i += 4096 {
		src[i] = byte(i >> 12)
	}
	copyAll(dst, src)
	best := 0.0
	for range reps {
		start := time.Now()
		copyAll(dst, src)
		if s := time.Since(start).Seconds(); s > 0 {
			best = max(best, 2*float64(size)/s)
		}
	}
	return best
}

// copyAll copies src into dst in GOMAXPROCS chunks at once: one core alone
// cannot saturate a memory controller.
func copyAll(dst, src []byte) {
	n := max(1, runtime.GOMAXPROCS(0))
	chunk := (len(src) + n - 1) / n
	var wg sync.WaitGroup
	for lo := 0; lo < len(src); lo += chunk {
		hi := min(lo+chunk, len(src))
		wg.Go(func() { copy(dst[lo:hi], src[lo:hi]) })
	}
	wg.Wait()
}

// BandwidthConfigLine is the benchfmt config line that records a measured
// bandwidth ("mem-bandwidth: 12.3 GB/s", GB = 10⁹ bytes); PrintConfig writes
// it as a comment, since it is measured.
func BandwidthConfigLine(bytesPerSec float64) string {
	return fmt.Sprintf("mem-bandwidth: %.1f GB/s", bytesPerSec/1e9)
}

// BytesPerToken is what one decoded token reads of m's weights, when it is
// known: a synthetic model stores every parameter as F16, 2 bytes. A real
// model's quantisation is not known here, so it has none.
func BytesPerToken(m ModelInfo) (float64, bool) {
	if !m.Synthetic || m.Params <= 0 {
		return 0, false
	}
	return 2 * float64(m.Params), true
}

// RooflinePct is the share of bandwidth (bytes/s) that decoding tokPerSec
// tokens per second of bytesPerToken each reads: tok/s × bytes per token /
// bandwidth × 100. Above 100 % the weights were not read from the memory
// whose bandwidth was measured (a model small enough to stay in cache).
func RooflinePct(tokPerSec, bytesPerToken, bandwidth float64) float64 {
	return tokPerSec * bytesPerToken / bandwidth * 100
}
