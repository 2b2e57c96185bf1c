package units

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"
)

func TestRegistryIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, u := range All() {
		if seen[u.Name] {
			t.Errorf("unit %q registered twice", u.Name)
		}
		seen[u.Name] = true
		if u.Meaning == "" || strings.Contains(u.Meaning, "\n") {
			t.Errorf("unit %q: want a one-line meaning, got %q", u.Name, u.Meaning)
		}
		// benchfmt keys values and unit metadata by the tidied unit; both
		// spellings must find the same entry.
		_, tidy := benchunit.Tidy(1, u.Name)
		if got, ok := Lookup(tidy); !ok || got.Name != u.Name {
			t.Errorf("Lookup(%q), the tidy form of %q = %q, %v", tidy, u.Name, got.Name, ok)
		}
	}
}

func TestLinesParseAsUnitMetadata(t *testing.T) {
	lines, err := Lines(true, "tok/s", "ttft-ns", "roofline-%", "ns/op")
	if err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(strings.NewReader(strings.Join(lines, "\n")+"\n"), "lines")
	got := map[string]string{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.UnitMetadata:
			got[rec.Unit+" "+rec.Key] = rec.Value
		default:
			t.Errorf("line parsed as %T, want *benchfmt.UnitMetadata", rec)
		}
	}
	want := map[string]string{
		"sec/op better":     "lower",
		"sec/op assume":     "nothing",
		"tok/s better":      "higher",
		"tok/s assume":      "nothing",
		"ttft-sec better":   "lower", // benchfmt tidies -ns to -sec
		"ttft-sec assume":   "nothing",
		"roofline-% assume": "nothing", // descriptive: no direction
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestUnregisteredUnitIsAnError(t *testing.T) {
	_, err := Lines(false, "tok/s", "toks/s", "J/token")
	if err == nil || !strings.Contains(err.Error(), "toks/s, J/token") {
		t.Fatalf("Lines with unregistered units: got %v, want an error naming toks/s, J/token", err)
	}
	if u, ok := Lookup("sec/op"); !ok || u.Name != "ns/op" || u.Better != Lower {
		t.Errorf("Lookup(sec/op) = %+v, %v; want ns/op, lower", u, ok)
	}
}

// Every unit gets at least one Unit line, a descriptive one too.
func TestEveryUnitHasALine(t *testing.T) {
	for _, u := range All() {
		lines, err := Lines(false, u.Name)
		if err != nil || len(lines) == 0 {
			t.Errorf("Lines(false, %q) = %q, %v; want a line", u.Name, lines, err)
		}
	}
}

// A unit listed as signed must be registered: the gate looks the sign up
// by the unit's registered name, so a misspelt entry would leave the unit
// refused on every negative value.
func TestSignedUnitsAreRegistered(t *testing.T) {
	for _, n := range signed {
		if u, ok := Lookup(n); !ok || u.Name != n {
			t.Errorf("signed unit %q is not registered under that name (Lookup = %q, %v)", n, u.Name, ok)
		}
	}
	if u, _ := Lookup("load-ns"); u.Signed() {
		t.Errorf("load-ns (server load_duration) is signed; a duration cannot be negative")
	}
}

func TestPhysicalRange(t *testing.T) {
	for _, c := range []struct {
		name   string
		lo, hi float64
		ok     bool
	}{
		{"tok/s", 0, math.Inf(1), true},
		{"ttft-sec", 0, math.Inf(1), true}, // as benchfmt tidies ttft-ns
		{"eff-%", 0, 100, true},
		{"true-eff-%", 0, math.Inf(1), true},
		{"no-such-unit", math.Inf(-1), math.Inf(1), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			lo, hi, ok := PhysicalRange(c.name)
			if lo != c.lo || hi != c.hi || ok != c.ok {
				t.Errorf("PhysicalRange(%q) = %v, %v, %v; want %v, %v, %v", c.name, lo, hi, ok, c.lo, c.hi, c.ok)
			}
		})
	}
}
