package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chimeraforge/chimeraforge/golden"
	"github.com/google/go-cmp/cmp"
)

// TestDocsListTheIdentifyingKeys holds the lists of identifying keys in the
// command's doc and in the README to golden.IdentifyingKeys, the one
// definition: a key added there and not here (or here and not there) fails.
func TestDocsListTheIdentifyingKeys(t *testing.T) {
	want := golden.IdentifyingKeys()
	slices.Sort(want)
	for _, tc := range []struct {
		file   string
		before string // the text the list follows, "(" opening it and ";" closing it
	}{
		{"main.go", "identifying config lines differ"},
		{"../../README.md", "identifying config differs"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(strings.ReplaceAll(string(b), "//", " ")), " ")
			m := regexp.MustCompile(regexp.QuoteMeta(tc.before) + ` \(([^;)]*);`).FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("%s: no %q followed by a (list; of keys", tc.file, tc.before)
			}
			got := strings.Split(m[1], ", ")
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s lists other identifying keys than golden.IdentifyingKeys (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}
