package ollamatest

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// PipeClient serves h with an http.Server over in-memory net.Pipe
// connections and returns a client that dials it, whatever the URL's host
// (use [PipeURL]). Each dial is a new connection, so concurrent requests run
// concurrently. Goroutines blocked on a pipe are durably blocked, so inside
// a testing/synctest bubble (where PipeClient must then be called) the
// bubble's clock advances through the handler's timers exactly. The server
// and the client's idle connections are closed in tb.Cleanup.
func PipeClient(tb testing.TB, h http.Handler) *http.Client {
	tb.Helper()
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(l) // returns http.ErrServerClosed after Close
	}()
	tr := &http.Transport{DialContext: l.dial}
	tb.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		<-served
	})
	return &http.Client{Transport: tr}
}

type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	srv, cli := net.Pipe()
	select {
	case l.conns <- srv:
		return cli, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
