package envvar

import (
	"testing"
)

func TestInt(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    int
		wantOK  bool
		wantErr string
	}{
		{"unset", "", 0, false, ""},
		{"in range", "8", 8, true, ""},
		{"lower bound", "1", 1, true, ""},
		{"upper bound", "1024", 1024, true, ""},
		{"issue 17: a billion threads crashed the runner", "1000000000", 0, false, `CHIMERA_X="1000000000": want an integer from 1 to 1024`},
		{"zero", "0", 0, false, `CHIMERA_X="0": want an integer from 1 to 1024`},
		{"not a number", "many", 0, false, `CHIMERA_X="many": want an integer from 1 to 1024`},
		{"overflows int", "99999999999999999999", 0, false, `CHIMERA_X="99999999999999999999": want an integer from 1 to 1024`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok, err := Int(func(k string) string {
				if k != "CHIMERA_X" {
					t.Errorf("read %s, want CHIMERA_X", k)
				}
				return tt.value
			}, "CHIMERA_X", 1, 1024)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("err = %q, want %q", got, tt.wantErr)
			}
			if n != tt.want || ok != tt.wantOK {
				t.Errorf("Int = %d, %v; want %d, %v", n, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    float64
		wantOK  bool
		wantErr string
	}{
		{"unset", "", 0, false, ""},
		{"zero is in range", "0", 0, true, ""},
		{"in range", "0.31", 0.31, true, ""},
		{"above", "101", 0, false, `CHIMERA_X="101": want a number from 0 to 100`},
		{"negative", "-1", 0, false, `CHIMERA_X="-1": want a number from 0 to 100`},
		{"NaN", "NaN", 0, false, `CHIMERA_X="NaN": want a number from 0 to 100`},
		{"infinity", "+Inf", 0, false, `CHIMERA_X="+Inf": want a number from 0 to 100`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok, err := Float(func(string) string { return tt.value }, "CHIMERA_X", 0, 100)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("err = %q, want %q", got, tt.wantErr)
			}
			if v != tt.want || ok != tt.wantOK {
				t.Errorf("Float = %v, %v; want %v, %v", v, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
