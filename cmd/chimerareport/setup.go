package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// numberWords spells the small counts a setup has.
var numberWords = [...]string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// inWords spells n ("two"), or writes it in digits past ten.
func inWords(n int) string {
	if n >= 0 && n < len(numberWords) {
		return numberWords[n]
	}
	return strconv.Itoa(n)
}

// plural is word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// setupLabel names a multi-agent setup in words from its instances= and
// parallel= name keys (parallel falls back to the run's num-parallel
// config line, given as numParallel, "" if none): "one instance, one
// slot", "two instances, one slot each", "one instance, two slots". It
// returns "" when keys say nothing of instances, and the raw values when
// they are not counts.
func setupLabel(keys map[string]string, numParallel string) string {
	inst, ok := keys["instances"]
	if !ok {
		return ""
	}
	par, ok := keys["parallel"]
	if !ok {
		par = numParallel
	}
	i, err := strconv.Atoi(inst)
	if err != nil || i < 1 {
		return "instances=" + inst
	}
	s := fmt.Sprintf("%s %s", inWords(i), plural(i, "instance"))
	if par == "" {
		return s
	}
	p, err := strconv.Atoi(par)
	if err != nil || p < 1 {
		return s + ", parallel=" + par
	}
	s += fmt.Sprintf(", %s %s", inWords(p), plural(p, "slot"))
	if i > 1 {
		s += " each"
	}
	return s
}

// setupsLine is the run's setups: config line in words:
// "instances=1/parallel=1/num-thread=1, instances=2/parallel=1/num-thread=1"
// becomes "one instance, one slot; two instances, one slot each (num-thread 1)".
// Keys other than instances and parallel are said once when every setup
// shares them, else beside each setup.
func setupsLine(v string) string {
	var labels []string
	var rests []string
	for s := range strings.SplitSeq(v, ",") {
		keys := map[string]string{}
		var rest []string
		for kv := range strings.SplitSeq(strings.TrimSpace(s), "/") {
			k, val, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			if k == "instances" || k == "parallel" {
				keys[k] = val
			} else {
				rest = append(rest, k+" "+val)
			}
		}
		label := setupLabel(keys, "")
		if label == "" {
			label = strings.TrimSpace(s)
		}
		labels = append(labels, label)
		rests = append(rests, strings.Join(rest, ", "))
	}
	same := true
	for _, r := range rests {
		same = same && r == rests[0]
	}
	if same {
		out := strings.Join(labels, "; ")
		if len(rests) > 0 && rests[0] != "" {
			out += " (" + rests[0] + ")"
		}
		return out
	}
	for i := range labels {
		if rests[i] != "" {
			labels[i] += " (" + rests[i] + ")"
		}
	}
	return strings.Join(labels, "; ")
}

// quantTag finds a quantisation in a model tag ("llama3.1:8b-instruct-q4_0"
// → "q4_0", "x:fp16" → "fp16"), "" if the tag names none.
var quantTag = regexp.MustCompile(`(?i)(?:^|[-_:])((?:iq|q)[0-9](?:_[0-9a-z]+)*|fp16|f16|bf16|fp32|f32)$`)

func quantisation(model string) string {
	if m := quantTag.FindStringSubmatch(model); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}
