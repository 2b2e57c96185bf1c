package capacity

// Linked so that "go test ./... -update" (gotest.tools' golden flag, which
// regenerates the report fragment) is accepted here too.
import _ "gotest.tools/v3/golden"
