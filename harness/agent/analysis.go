package agent

import (
	"regexp"
	"strings"
)

// An Analysis is what the agent takes from the analysis call's response
// into the report call's prompt.
type Analysis struct {
	Summary         string
	Findings        []string
	Recommendations []string
}

const (
	maxSummary = 600 // bytes of summary carried into the report prompt
	maxItems   = 10  // findings or recommendations carried over
)

var (
	numberedHeading = regexp.MustCompile(`^\d+[.)]\s+\**\s*(executive summary|(key )?(performance )?findings|performance metrics( analysis)?|recommendations?( for optimization)?)\b`)
	listItem        = regexp.MustCompile(`^(?:[-*•]|\d+[.)])\s+`)
)

// ParseAnalysis splits a structured analysis (the four sections the
// analysis prompt asks for) into summary, findings and recommendations.
// Free text that follows no structure becomes the summary, so a model that
// ignores the format (a synthetic model always does) still yields a report
// prompt; missing lists are rendered "None provided", as the study did.
func ParseAnalysis(text string) Analysis {
	var a Analysis
	var summary, preamble []string
	section := ""
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if s, ok := headingSection(line); ok {
			section = s
			continue
		}
		item := strings.TrimSpace(strings.ReplaceAll(listItem.ReplaceAllString(line, ""), "**", ""))
		switch {
		case section == "findings" && listItem.MatchString(line) && item != "":
			if len(a.Findings) < maxItems {
				a.Findings = append(a.Findings, item)
			}
		case section == "recommendations" && listItem.MatchString(line) && item != "":
			if len(a.Recommendations) < maxItems {
				a.Recommendations = append(a.Recommendations, item)
			}
		case section == "summary":
			summary = append(summary, line)
		case section == "":
			preamble = append(preamble, line)
		}
	}
	if len(summary) == 0 {
		summary = preamble
	}
	a.Summary = truncate(strings.Join(summary, " "), maxSummary)
	if a.Summary == "" {
		a.Summary = "None provided"
	}
	return a
}

// headingSection reports whether line is a section heading and which
// section ("summary", "findings", "metrics", "recommendations" or "other") it opens.
func headingSection(line string) (string, bool) {
	l := strings.ToLower(line)
	isHeading := strings.HasPrefix(l, "#") ||
		(strings.HasPrefix(l, "**") && strings.HasSuffix(strings.TrimSuffix(l, ":"), "**")) ||
		numberedHeading.MatchString(l)
	if !isHeading {
		return "", false
	}
	switch {
	case strings.Contains(l, "summary"):
		return "summary", true
	case strings.Contains(l, "finding"):
		return "findings", true
	case strings.Contains(l, "recommend"):
		return "recommendations", true
	case strings.Contains(l, "metric"):
		return "metrics", true
	}
	return "other", true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
