package agent

import (
	"embed"
	"strconv"
	"strings"
)

// The study's prompt templates, verbatim. Each file starts with a
// "# source: …" line naming where it came from; it is not part of the
// prompt, and neither is the file's final newline.
//
//go:embed prompts/*.txt
var promptFiles embed.FS

func prompt(name string) string {
	b, err := promptFiles.ReadFile("prompts/" + name + ".txt")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	s := string(b)
	if strings.HasPrefix(s, "# source:") {
		_, s, _ = strings.Cut(s, "\n")
	}
	return strings.TrimSuffix(s, "\n")
}

// AnalysisPrompt is the study's call-1 prompt with the ingest summary embedded.
func AnalysisPrompt(dataSummary string) string {
	return strings.Replace(prompt("rust_analysis_prompt_template"), "{data_summary}", dataSummary, 1)
}

// ReportPrompt is the study's call-2 prompt with the parsed analysis embedded.
func ReportPrompt(a Analysis, metricsJSON string) string {
	return strings.NewReplacer(
		"{summary}", a.Summary,
		"{findings}", numbered(a.Findings),
		"{metrics}", metricsJSON,
		"{recs}", numbered(a.Recommendations),
	).Replace(prompt("rust_report_prompt_template"))
}

// PersonaPrompt returns the multi-agent persona prompt ("collector" or "insight"),
// which the study's v1 agents sent as the whole prompt.
func PersonaPrompt(role string) string {
	switch role {
	case "collector":
		return prompt("persona_data_collector")
	case "insight":
		return prompt("persona_insight_agent")
	}
	return ""
}

func numbered(items []string) string {
	if len(items) == 0 {
		return "None provided"
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(it)
	}
	return b.String()
}
