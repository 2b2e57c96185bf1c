// Command ollamabuild builds the embedded Ollama into the cache, as a live
// benchmark would on first use, and runs nothing: it prints the binary's
// path and the compiler flags it was built with. CI uses it to check that
// the pinned module compiles and links for a target other than its own CPU
// (CHIMERA_OLLAMA_MARCH=sapphirerapids); a cached build returns at once.
//
//	CHIMERA_CACHE=$(mktemp -d) CHIMERA_OLLAMA_MARCH=sapphirerapids CHIMERA_OLLAMA_BACKEND=cpu \
//		go run ./internal/ollamabuild/cmd/ollamabuild
//
// Progress goes where the benchmarks' goes (internal/progress). It exits 1
// when the build fails or cannot run here.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/chimeraforge/chimeraforge/internal/ollamabuild"
	"github.com/chimeraforge/chimeraforge/internal/progress"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv, err := ollamabuild.Build(ctx, progress.Default())
	if err != nil {
		fmt.Fprintf(os.Stderr, "ollamabuild: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%s\nbackend %s, cflags %q\n", srv.Bin, srv.Backend, srv.CFlags)
}
