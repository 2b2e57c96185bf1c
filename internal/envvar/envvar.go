// Package envvar reads the suite's numeric CHIMERA_* variables within
// stated bounds, so that a value no run can use (1000000000 threads, which
// crash Ollama's runner) is refused before anything starts, by an error
// that names the variable and the range it wants.
//
// The bounds themselves are constants beside each variable's reader, and
// the README's environment table lists them.
//
// The package is a leaf: no I/O but the getenv it is given.
package envvar

import (
	"fmt"
	"math"
	"strconv"
)

// Int returns the integer variable name holds, read with getenv; ok is
// false when it is unset or empty. A value that is not an integer in
// [lo, hi] is an error naming the variable, the value and the bounds.
func Int(getenv func(string) string, name string, lo, hi int) (n int, ok bool, err error) {
	s := getenv(name)
	if s == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false, fmt.Errorf("%s=%q: want an integer from %d to %d", name, s, lo, hi)
	}
	return n, true, nil
}

// Float returns the number variable name holds, read with getenv; ok is
// false when it is unset or empty. A value that is not a finite number in
// [lo, hi] is an error naming the variable, the value and the bounds.
func Float(getenv func(string) string, name string, lo, hi float64) (v float64, ok bool, err error) {
	s := getenv(name)
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		return 0, false, fmt.Errorf("%s=%q: want a number from %s to %s", name, s, format(lo), format(hi))
	}
	return v, true, nil
}

func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
