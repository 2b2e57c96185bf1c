package golden

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// Issue 17: main compared load-ns going from -1 ms to -5 ms and called it
// a +400 % regression, printed "-1.000 ms ± -0%". A negative value in a
// registered unit that cannot be negative is now bad input, named by file
// and line.
func TestNegativeValueInUnsignedUnitIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string // "" for no error
	}{
		{"negative load-ns (a duration)", cfgA + "BenchmarkA 1 1000000 load-ns\nBenchmarkA 1 -1000000 load-ns\n",
			"base.txt:8: load-ns value -1000000 is negative, and load-ns (server load_duration) cannot be"},
		{"negative tok/s (a rate)", cfgA + "BenchmarkA 1 -10 tok/s\n", "base.txt:7: tok/s value -10 is negative"},
		{"negative prompt-tok (a descriptive count)", cfgA + "BenchmarkA 1 -20 prompt-tok\n", "base.txt:7: prompt-tok value -20 is negative"},
		{"negative ns/op (benchfmt's sec/op)", cfgA + "BenchmarkA 1 -5 ns/op\n", "base.txt:7: ns/op value -5 is negative"},
		{"zero is a value", cfgA + "BenchmarkA 1 0 load-ns\nBenchmarkA 1 0 tok/s\n", ""},
		{"a unit the registry does not know is the file's to declare, and may be negative",
			"Unit skew-ns better=lower\n" + cfgA + "BenchmarkA 1 -3 skew-ns\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.text), "base.txt")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Read: %v, want no error", err)
				}
				return
			}
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Read: %v, want ErrInput containing %q", err, tt.wantErr)
			}
		})
	}
}

// A Set built by hand skips Read; Compare checks its values the same way.
func TestCompareRefusesNegativeInHandBuiltSet(t *testing.T) {
	good := mustRead(t, runText(cfgA, 4, bench{"A", 1e6, "load-ns"}), "base.txt")
	bad := &Set{File: "head.txt"}
	for _, r := range good.Results {
		c := r.Clone()
		c.Values[0].Value = -c.Values[0].Value
		c.Values[0].OrigValue = -c.Values[0].OrigValue
		bad.Results = append(bad.Results, c)
	}
	bad.Units = benchfmt.UnitMetadataMap{}
	_, err := Compare(good, bad, Options{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "load-ns value -") || !strings.Contains(err.Error(), "is negative") {
		t.Fatalf("Compare: %v, want ErrInput naming the negative load-ns", err)
	}
}

// A unit that may be negative (declared, unregistered) is compared by how
// its values move: -1 ms → -5 ms of a lower-is-better unit is an
// improvement of 400 %, and its intervals print without a minus sign.
// Main divided by the signed base: +400 %, a regression, "± -0%".
func TestNegativeBaseMovesTheRightWay(t *testing.T) {
	decl := "Unit skew-ns better=lower\n"
	base := decl + runText(cfgA, 10, bench{"A", -1e6, "skew-ns"})
	head := decl + runText(cfgA, 10, bench{"A", -5e6, "skew-ns"})
	rep, err := Compare(mustRead(t, base, "base.txt"), mustRead(t, head, "head.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	if c.Verdict != Improved || c.Delta > -3.99 || c.Delta < -4.01 {
		t.Errorf("verdict %v, delta %v; want improved, -4 (the value fell by 4 × |base|)", c.Verdict, c.Delta)
	}
	b, h := values(c)
	if strings.Contains(b+h, "± -") || !strings.HasPrefix(b, "-1.000 ms ± ") || !strings.HasPrefix(h, "-5.000 ms ± ") {
		t.Errorf("values = %q, %q; want -1.000 ms ± n%%, -5.000 ms ± n%%", b, h)
	}
	if rep.Err() != nil {
		t.Errorf("Err() = %v, want a pass", rep.Err())
	}
}

// A file that neither declares nor measures a unit has no say in its
// direction: a head that adds tok/s, declared better=lower, conflicts with
// nothing in a base without tok/s, while a base that measures it (going by
// the registry's higher) does conflict.
func TestOnlyAFileThatDeclaresOrMeasuresAUnitHasASay(t *testing.T) {
	x := func(unit string) string { return runText(cfgA, 10, bench{"X", 5, unit}) }
	base := mustRead(t, x("ttft-ns"), "base.txt")
	head := mustRead(t, "Unit tok/s better=lower\n"+x("ttft-ns")+"BenchmarkX 1 5 tok/s\n", "head.txt")
	rep, err := Compare(base, head, Options{})
	if err != nil {
		t.Fatalf("Compare: %v, want no conflict from a base without tok/s", err)
	}
	for _, c := range rep.Comparisons {
		if c.OrigUnit == "tok/s" && (c.Better != -1 || c.Verdict != OnlyHead) {
			t.Errorf("tok/s: better %d, verdict %v; want head's -1, only in head", c.Better, c.Verdict)
		}
	}
	withTok := mustRead(t, x("ttft-ns")+"BenchmarkX 1 5 tok/s\n", "base.txt")
	if _, err := Compare(withTok, head, Options{}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "tok/s is better=higher in base (undeclared in base.txt, so the registry's)") {
		t.Errorf("Compare with tok/s in base: %v, want the conflict", err)
	}
}
