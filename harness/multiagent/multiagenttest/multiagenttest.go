// Package multiagenttest runs the multi-agent reports' benchmark bodies on
// fake Ollama servers (harness/ollamatest) inside a testing/synctest
// bubble, where the fakes' script is the truth every reported metric must
// equal (the body tests of tr110, tr115 and tr116). The fakes share one
// in-memory listener and are told apart by host, so that a test can also
// build its own clients, one transport for several instances or several
// for one, as tr115's variants do.
package multiagenttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/harness/ollamatest"
)

// A Config says what the fakes serve and what the Live around them holds.
// The zero value is one fake with one slot and no models.
type Config struct {
	// Models are served by every fake and are the Live's models, in
	// order, each synthetic with Params parameters (so that the roofline
	// share is known).
	Models     []ollamatest.Model
	Params     int64
	NumPredict int     // the Live's base num_predict; 0 sends none
	Bandwidth  float64 // the Live's memory bandwidth, bytes/s
	Units      []string
	// NumParallel has one entry per fake, its OLLAMA_NUM_PARALLEL; empty
	// means one fake with one slot.
	NumParallel []int
}

// Fakes are the fake servers and the Live whose instances they are.
type Fakes struct {
	Live    *harness.Live
	Servers []*ollamatest.Server
	// Transport reaches fake i at Live.Instances[i].URL
	// (http://instance<i>.pipe), over net.Pipe; every instance's Client
	// uses it. Clone it for clients a test builds itself: a clone dials
	// the same fakes.
	Transport *http.Transport
}

// New starts the fakes in the current synctest bubble (it must be called
// there) and returns them with their Live. Each fake's protocol errors are
// reported on t when the test ends.
func New(t testing.TB, cfg Config) *Fakes {
	t.Helper()
	l := &harness.Live{
		Trace:     harness.NewTrace(t),
		Corpus:    harness.CorpusDir(t),
		Units:     cfg.Units,
		Bandwidth: cfg.Bandwidth,
	}
	for _, m := range cfg.Models {
		l.Models = append(l.Models, harness.ModelInfo{Tag: m.Name, Params: cfg.Params, Synthetic: true})
	}
	if cfg.NumPredict > 0 {
		l.Base.NumPredict = measure.Ptr(cfg.NumPredict)
	}
	nps := cfg.NumParallel
	if len(nps) == 0 {
		nps = []int{1}
	}
	f := &Fakes{Live: l}
	hosts := map[string]http.Handler{}
	for i, np := range nps {
		s := ollamatest.New(ollamatest.Options{Models: cfg.Models, NumParallel: np})
		s.URL = fmt.Sprintf("http://instance%d.pipe", i)
		t.Cleanup(func() { // runs after the pipe's own cleanup has closed it
			for _, err := range s.Errors() {
				t.Errorf("ollamatest: %s: %v", s.URL, err)
			}
		})
		hosts[strings.TrimPrefix(s.URL, "http://")] = s
		f.Servers = append(f.Servers, s)
	}
	hc := ollamatest.PipeClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := hosts[r.Host]
		if !ok {
			http.Error(w, "multiagenttest: no fake at "+r.Host, http.StatusBadGateway)
			return
		}
		h.ServeHTTP(w, r)
	}))
	f.Transport = hc.Transport.(*http.Transport)
	for i, s := range f.Servers {
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		l.Instances = append(l.Instances, &harness.Instance{Index: i, URL: s.URL, Client: measure.NewClient(u, hc)})
	}
	return f
}

// Prompted is every completed generate request the fakes served, fake by
// fake, in arrival order.
func (f *Fakes) Prompted() []ollamatest.RequestLog {
	var rs []ollamatest.RequestLog
	for _, s := range f.Servers {
		for _, r := range s.Requests() {
			if r.Path == "/api/generate" && r.Outcome == "done" {
				rs = append(rs, r)
			}
		}
	}
	return rs
}

// The tiny fixture: the fake model the reports' body tests script, the
// num_predict, parameter count and memory bandwidth of the Live around it,
// so that each test derives its wants from one script.
const (
	TinyPredict   = 32
	TinyParams    = 5_000_000
	TinyBandwidth = 20e9 // bytes/s
)

// TinyModel is the tiny fixture's model: a 300 ms load, 40 µs of prefill
// per prompt token and 2 ms between tokens.
func TinyModel() ollamatest.Model {
	return ollamatest.Model{
		Name:            "fake-synth:tiny",
		Load:            300 * time.Millisecond,
		PrefillPerToken: 40 * time.Microsecond,
		InterToken:      2 * time.Millisecond,
	}
}

// Tiny is the Config of the tiny fixture reporting units, one fake per
// numParallel entry (none: one fake with one slot).
func Tiny(units []string, numParallel ...int) Config {
	return Config{Models: []ollamatest.Model{TinyModel()}, Params: TinyParams, NumPredict: TinyPredict,
		Bandwidth: TinyBandwidth, Units: units, NumParallel: numParallel}
}

// Env is the report environment on the fakes' Live.
func (f *Fakes) Env() *harness.Env { return &harness.Env{Live: f.Live} }
