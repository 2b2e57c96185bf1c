package onnxtest

// Linked so that "go test ./... -update" (gotest.tools' golden flag, which
// regenerates the report fragments) is accepted by every test package.
import _ "gotest.tools/v3/golden"
