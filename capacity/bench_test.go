package capacity

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chimeraforge/chimeraforge/harness"
	"github.com/chimeraforge/chimeraforge/harness/agent"
	"github.com/chimeraforge/chimeraforge/harness/measure"
	"github.com/chimeraforge/chimeraforge/internal/progress"
	"github.com/chimeraforge/chimeraforge/internal/stats"
)

// config is the benchmarks' Config from the environment; a bad variable
// fails the benchmark with the reason.
func config(tb testing.TB) Config {
	tb.Helper()
	c, err := FromEnv(os.Getenv)
	if err != nil {
		tb.Fatalf("capacity: %v", err)
	}
	return c
}

// live starts (or connects to) every setup of c: the first as the Live's
// own servers, the others as its arms. It returns one Live per setup, nil
// with the reason where the servers at hand cannot provide it, and prints
// the SLO as a config line.
func live(b *testing.B, c Config, units []string) ([]*harness.Live, []string) {
	b.Helper()
	// The first setup is the Live's own servers, which CHIMERA_OLLAMA_URLS
	// servers would give whatever slots they keep: only an arm can say so.
	if src, err := harness.FindOllama(); err == nil && (src.Kind == harness.SourceURLs || src.Kind == harness.SourceOpenAI) && c.Setups[0].NumParallel > 1 {
		b.Fatalf("capacity: %s=%s: the first setup sets %d slots, and the %s servers keep their own; list a parallel=1 setup first (e.g. 1x1,2x1)",
			SetupsEnv, os.Getenv(SetupsEnv), c.Setups[0].NumParallel, map[bool]string{true: harness.OpenAIURLsEnv, false: "CHIMERA_OLLAMA_URLS"}[src.Kind == harness.SourceOpenAI])
	}
	// The agents and calls go through Instance.Client only, so
	// OpenAI-compatible servers (CHIMERA_OPENAI_URLS) can serve it.
	cfg := harness.LiveConfig{Instances: c.Setups[0].Instances, NumParallel: c.Setups[0].NumParallel, Units: units, OpenAI: true}
	for _, s := range c.Setups[1:] {
		cfg.Arms = append(cfg.Arms, harness.ServerConfig{Instances: s.Instances, NumParallel: s.NumParallel})
	}
	l := harness.NewLive(b, cfg)
	harness.PrintConfig(os.Stdout, []string{"slo: " + c.SLO.Text})
	lives, skips := []*harness.Live{l}, []string{""}
	for _, a := range l.Arms {
		lives = append(lives, a.Live)
		skips = append(skips, a.Unavailable)
	}
	return lives, skips
}

// BenchmarkCapacity runs N agents closed-loop in each setup, as
// instances=I/parallel=P/agents=N: every agent runs the agent workflow back
// to back for Config.Calls calls. One iteration is one such run.
func BenchmarkCapacity(b *testing.B) {
	c := config(b)
	lives, skips := live(b, c, closedUnits)
	var names []string
	for _, s := range c.Setups {
		for _, n := range c.Agents {
			names = append(names, s.Name()+"/agents="+strconv.Itoa(n))
		}
	}
	sw := harness.NewSweep(b, names)
	for i, s := range c.Setups {
		var alone time.Duration // mean wall of agents=1 in this setup, for speedup-x
		for _, n := range c.Agents {
			sw.Run(b, s.Name()+"/agents="+strconv.Itoa(n), func(b *testing.B) {
				if lives[i] == nil {
					b.Skip(skips[i])
				}
				benchClosed(b, lives[i], c, n, &alone)
			})
		}
	}
}

// agents returns n agents on l's instances (agent i on instance i mod
// len), labelled label, with l's base options.
func agents(l *harness.Live, n int, label string) []*agent.Agent {
	as := make([]*agent.Agent, n)
	for i := range as {
		in := l.Instances[i%len(l.Instances)]
		as[i] = &agent.Agent{
			Name: "agent" + strconv.Itoa(i), Client: in.Client, URL: in.URL, Model: l.Model().Tag,
			Options: l.Base, Corpus: l.Corpus, Trace: l.Trace, Config: label,
		}
	}
	return as
}

// restart restarts every instance of l that died.
func restart(b *testing.B, l *harness.Live) {
	for _, in := range l.Instances {
		if !in.Alive() {
			b.Logf("instance %s had died; restarting it", in.URL)
			in.Restart(b)
		}
	}
}

// annotate adds every dead instance's exit status and last log lines to err.
func annotate(l *harness.Live, err error) error {
	for _, in := range l.Instances {
		err = in.Annotate(err)
	}
	return err
}

// warm loads the model with the agents' options on every instance (one
// workflow each, traced as run "warmup"), so that no timed run pays a load.
func warm(b *testing.B, l *harness.Live, label string) {
	b.Helper()
	if _, err := Closed(b.Context(), "warmup", 2, agents(l, len(l.Instances), label)); err != nil {
		b.Fatal(annotate(l, err))
	}
}

// benchClosed is one sub-benchmark of BenchmarkCapacity: n agents on l,
// c.Calls calls each, pooled over the iterations. alone holds the mean
// wall time of agents=1 once it ran: speedup-x is n × alone / wall, the
// time the n agents' workloads take one after the other over the time
// they take together.
func benchClosed(b *testing.B, l *harness.Live, c Config, n int, alone *time.Duration) {
	label := b.Name()
	restart(b, l)
	warm(b, l, label)
	as := agents(l, n, label)
	var runs []Run
	for b.Loop() {
		r, err := Closed(b.Context(), strconv.Itoa(len(runs)+1), c.Calls, as)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		runs = append(runs, r)
	}
	v := PoolValues(c.SLO, runs)
	wall := MeanWall(runs)
	if n == 1 {
		*alone = wall
	}
	if *alone > 0 && wall > 0 {
		v["speedup-x"] = float64(n) * float64(*alone) / float64(wall)
	}
	l.Report(b, v)
}

// BenchmarkCapacityOpen sends calls at an offered rate in each setup, as
// instances=I/parallel=P/arrival=A/rate=R: Config.OpenCalls calls at
// Poisson (or constant) arrivals, never more than Config.InFlight in
// flight, alternating the workflow's analysis and report prompts, call k
// on instance k mod I. One iteration is one such run.
func BenchmarkCapacityOpen(b *testing.B) {
	c := config(b)
	lives, skips := live(b, c, openUnits)
	var names []string
	for _, s := range c.Setups {
		for _, a := range c.Arrivals {
			for _, r := range c.Rates {
				names = append(names, s.Name()+"/arrival="+a+"/"+RateName(r))
			}
		}
	}
	sw := harness.NewSweep(b, names)
	for i, s := range c.Setups {
		for _, a := range c.Arrivals {
			for _, r := range c.Rates {
				sw.Run(b, s.Name()+"/arrival="+a+"/"+RateName(r), func(b *testing.B) {
					if lives[i] == nil {
						b.Skip(skips[i])
					}
					benchOpen(b, lives[i], c, a, r)
				})
			}
		}
	}
}

// sender returns the open loop's Sender on l: call k goes to instance k
// mod len with the workflow's analysis prompt (k even) or report prompt
// (k odd), taken from a warm-up workflow, which also loads the model.
func sender(b *testing.B, l *harness.Live, label, run string) Sender {
	b.Helper()
	r, err := Closed(b.Context(), "warmup", 2, agents(l, len(l.Instances), label))
	if err != nil {
		b.Fatal(annotate(l, err))
	}
	corpus, err := agent.Ingest(l.Corpus)
	if err != nil {
		b.Fatal(err)
	}
	prompts := [2]string{agent.AnalysisPrompt(corpus.Summary()), ""}
	stages := [2]string{"analysis", "report"}
	for _, call := range r.Calls {
		if call.Stage == "analysis" {
			prompts[1] = agent.ReportPrompt(agent.ParseAnalysis(call.Response), corpus.MetricsJSON())
			break
		}
	}
	return func(ctx context.Context, k int) (measure.Record, error) {
		in := l.Instances[k%len(l.Instances)]
		rec, err := measure.Measure(ctx, measure.Call{
			Client: in.Client, URL: in.URL, Model: l.Model().Tag, Prompt: prompts[k%2], Options: l.Base.Map(),
			Run: run, Config: label, Agent: "open" + strconv.Itoa(k), Stage: stages[k%2],
		})
		if l.Trace != nil {
			if terr := l.Trace.Write(rec); terr != nil && err == nil {
				err = terr
			}
		}
		return rec, err
	}
}

// benchOpen is one sub-benchmark of BenchmarkCapacityOpen.
func benchOpen(b *testing.B, l *harness.Live, c Config, arrival string, rate float64) {
	label := b.Name()
	restart(b, l)
	send := sender(b, l, label, "open")
	sched, err := Schedule(arrival, rate, c.OpenCalls, c.Seed)
	if err != nil {
		b.Fatal(err)
	}
	var runs []Run
	for b.Loop() {
		r, err := Open(b.Context(), sched, c.InFlight, send)
		if err != nil {
			b.Fatal(annotate(l, err))
		}
		runs = append(runs, r)
	}
	l.Report(b, PoolValues(c.SLO, runs))
}

// BenchmarkCapacitySearch finds, in each setup (instances=I/parallel=P),
// the largest number of agents and the largest offered rate that meet
// Config.SLO, and reports them as max-agents and max-rps. Each step of the
// agent search is a closed-loop run of at least Config.OpenCalls calls
// ([StepCalls]); each step of the rate search an open-loop run of
// Config.OpenCalls calls at Poisson arrivals, which must also keep up
// (SLO.JudgeOpen). The rate search starts at the first of Config.Rates.
// One iteration is both searches.
func BenchmarkCapacitySearch(b *testing.B) {
	c := config(b)
	lives, skips := live(b, c, searchUnits)
	var names []string
	for _, s := range c.Setups {
		names = append(names, s.Name())
	}
	sw := harness.NewSweep(b, names)
	for i, s := range c.Setups {
		sw.Run(b, s.Name(), func(b *testing.B) {
			if lives[i] == nil {
				b.Skip(skips[i])
			}
			benchSearch(b, lives[i], c, progress.Default())
		})
	}
}

// benchSearch is one sub-benchmark of BenchmarkCapacitySearch; p gets a
// line per step.
func benchSearch(b *testing.B, l *harness.Live, c Config, p *progress.Printer) {
	label := b.Name()
	restart(b, l)
	send := sender(b, l, label, "search")
	var agentsMax, rpsMax []float64
	for b.Loop() {
		n, _, err := LargestAgents(c.MaxAgents, func(n int) (Step, error) {
			calls := StepCalls(n, c.Calls, c.OpenCalls)
			r, err := Closed(b.Context(), "agents="+strconv.Itoa(n), calls, agents(l, n, label))
			s := Step{Calls: len(r.Calls), Verdict: c.SLO.Judge(r)}
			s.Load = float64(n)
			p.Printf("  %s agents=%s", label, s)
			return s, annotate(l, err)
		})
		if err != nil {
			b.Fatal(err)
		}
		rps, _, err := LargestRate(c.Rates[0], c.Rates[0]*1024, func(rate float64) (Step, error) {
			sched, err := Schedule(Poisson, rate, c.OpenCalls, c.Seed)
			if err != nil {
				return Step{}, err
			}
			r, err := Open(b.Context(), sched, c.InFlight, send)
			s := Step{Calls: len(r.Calls), Verdict: c.SLO.JudgeOpen(r)}
			s.Load = rate
			p.Printf("  %s rate=%s", label, s)
			return s, annotate(l, err)
		})
		if err != nil {
			b.Fatal(err)
		}
		agentsMax, rpsMax = append(agentsMax, float64(n)), append(rpsMax, rps)
	}
	l.Report(b, map[string]float64{"max-agents": stats.Mean(agentsMax), "max-rps": stats.Mean(rpsMax)})
}
