package measure

import "testing"

// Issue 17: main wrote http://admin:pass@… verbatim into the trace and
// into error messages.
func TestRedactURL(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"no user info", "http://127.0.0.1:11434", "http://127.0.0.1:11434"},
		{"user and password", "http://admin:pass@127.0.0.1:11434", "http://REDACTED@127.0.0.1:11434"},
		{"user only (a token)", "https://tok3n@ollama.example:443/base", "https://REDACTED@ollama.example:443/base"},
		{"host:port form, no scheme", "admin:pass@127.0.0.1:11434", "REDACTED@127.0.0.1:11434"},
		{"a password that breaks parsing", "http://admin:p%zz@127.0.0.1:11434", "http://REDACTED@127.0.0.1:11434"},
		{"a password holding a slash", "http://admin:pa/ss@127.0.0.1:11434", "http://REDACTED@127.0.0.1:11434"},
		{"an @ in a path stays where no user info is", "http://127.0.0.1:11434/a@b", "http://127.0.0.1:11434/a@b"},
		{"not a URL at all", "%%%", "%%%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactURL(tt.raw); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}
