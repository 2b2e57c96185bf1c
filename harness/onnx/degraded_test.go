package onnx_test

import (
	"testing"

	"github.com/chimeraforge/chimeraforge/harness/onnx"
)

func TestDegraded(t *testing.T) {
	clean := onnx.Record{Model: "m"}
	bad := func(why string) onnx.Record { return onnx.Record{Model: "m", Degraded: why} }
	if n, why := onnx.Degraded([]onnx.Record{clean}); n != 0 || why != "" {
		t.Errorf("clean: %d, %q", n, why)
	}
	n, why := onnx.Degraded([]onnx.Record{clean, bad("b"), bad("a"), bad("b")})
	if n != 3 || why != "1× a; 2× b" {
		t.Errorf("Degraded = %d, %q", n, why)
	}
}
