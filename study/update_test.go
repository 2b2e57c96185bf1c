package study

// Linked so that "go test ./... -update" (gotest.tools' golden flag) is
// accepted here too; the package has no golden files.
import _ "gotest.tools/v3/golden"
