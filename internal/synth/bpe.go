package synth

import (
	"container/heap"
	"maps"
	"slices"
	"strings"
)

// A weighted string of the training corpus: how often it is seen, already
// cut into base symbols.
type trainItem struct {
	syms   []int32
	weight int64
}

// bpe learns byte-pair merges, as SentencePiece's BPE trainer does: it
// repeatedly joins the adjacent pair of symbols with the highest weighted
// count across the corpus and records the joined string as a new piece.
// Ties go to the pair whose strings sort first, so the result depends only
// on the corpus. It returns at most n pieces, most frequent merge first.
//
// SentencePiece encodes by the reverse process (merge the adjacent pair
// whose joined string has the highest score, see tokenizer/sentencepiece.go
// in Ollama and llm_tokenizer_spm in llama.cpp), so scoring the pieces by
// their merge order makes the encoder replay these merges: every piece is
// the join of two earlier pieces, and a word seen in training comes back
// whole.
func bpe(corpus map[string]int64, base []string, n int) []string {
	t := trainer{id: map[string]int32{}, counts: map[uint64]int64{}, where: map[uint64][]int32{}}
	for _, b := range base {
		t.intern(b)
	}
	// Sorted keys keep symbol numbering, and so everything after, stable.
	for _, k := range slices.Sorted(maps.Keys(corpus)) {
		var syms []int32
		for _, r := range k {
			id, ok := t.id[string(r)]
			if !ok {
				syms = nil // a symbol outside the base set: not trained on
				break
			}
			syms = append(syms, id)
		}
		if len(syms) < 2 {
			continue
		}
		i := int32(len(t.items))
		t.items = append(t.items, trainItem{syms: syms, weight: corpus[k]})
		for j := 1; j < len(syms); j++ {
			p := pairKey(syms[j-1], syms[j])
			t.counts[p] += corpus[k]
			t.where[p] = append(t.where[p], i)
		}
	}
	for p, c := range t.counts {
		heap.Push(&t.queue, t.entry(p, c))
	}
	t.stamp = make([]int32, len(t.items))

	known := map[string]bool{}
	for _, b := range base {
		known[b] = true
	}
	var pieces []string
	for len(pieces) < n && t.queue.Len() > 0 {
		e := heap.Pop(&t.queue).(pairEntry)
		if t.counts[e.pair] != e.count || e.count <= 0 {
			continue // stale: the count changed after this entry was pushed
		}
		joined := t.merge(e.pair)
		if !known[joined] {
			known[joined] = true
			pieces = append(pieces, joined)
		}
	}
	return pieces
}

type trainer struct {
	names  []string
	id     map[string]int32
	items  []trainItem
	counts map[uint64]int64
	where  map[uint64][]int32 // items that held the pair at some point
	queue  pairQueue
	stamp  []int32 // per item: the last merge that visited it
	merges int32
}

func (t *trainer) intern(s string) int32 {
	if id, ok := t.id[s]; ok {
		return id
	}
	id := int32(len(t.names))
	t.names = append(t.names, s)
	t.id[s] = id
	return id
}

func pairKey(a, b int32) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func (t *trainer) entry(p uint64, c int64) pairEntry {
	return pairEntry{pair: p, count: c, left: t.names[p>>32], right: t.names[uint32(p)]}
}

// merge joins every occurrence of pair p, updates the counts of the pairs
// around each, and returns the joined string.
func (t *trainer) merge(p uint64) string {
	a, b := int32(p>>32), int32(uint32(p))
	joined := t.names[a] + t.names[b]
	m := t.intern(joined)
	t.merges++
	touched := map[uint64]bool{}
	add := func(i int32, x, y int32, w int64) {
		k := pairKey(x, y)
		t.counts[k] += w
		touched[k] = true
		if w > 0 {
			t.where[k] = append(t.where[k], i)
		}
	}
	for _, i := range t.where[p] {
		if t.stamp[i] == t.merges {
			continue // listed twice
		}
		t.stamp[i] = t.merges
		it := &t.items[i]
		s := it.syms
		var out []int32
		changed := false
		for j := 0; j < len(s); j++ {
			if j+1 < len(s) && s[j] == a && s[j+1] == b {
				out = append(out, m)
				j++
				changed = true
				continue
			}
			out = append(out, s[j])
		}
		if !changed {
			continue
		}
		for j := 1; j < len(s); j++ {
			add(i, s[j-1], s[j], -it.weight)
		}
		for j := 1; j < len(out); j++ {
			add(i, out[j-1], out[j], it.weight)
		}
		it.syms = out
	}
	delete(t.where, p)
	// The queue orders entries totally, so the map's order does not matter.
	for k := range touched {
		if c := t.counts[k]; c > 0 {
			heap.Push(&t.queue, t.entry(k, c))
		} else {
			delete(t.counts, k)
		}
	}
	return joined
}

type pairEntry struct {
	pair        uint64
	count       int64
	left, right string
}

// pairQueue pops the highest count first, then the pair that sorts first.
type pairQueue []pairEntry

func (q pairQueue) Len() int { return len(q) }
func (q pairQueue) Less(i, j int) bool {
	if q[i].count != q[j].count {
		return q[i].count > q[j].count
	}
	if c := strings.Compare(q[i].left, q[j].left); c != 0 {
		return c < 0
	}
	return q[i].right < q[j].right
}
func (q pairQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pairQueue) Push(x any)   { *q = append(*q, x.(pairEntry)) }
func (q *pairQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}
