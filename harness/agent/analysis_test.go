package agent

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAnalysis(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Analysis
	}{
		{
			name: "markdown headings split into the three parts",
			text: "# Executive Summary\nThe data covers 101 files.\nThroughput is stable.\n\n" +
				"## Key Performance Findings\n- gemma3 decodes at 102 tok/s\n* TTFT spikes follow reloads\n\n" +
				"## Performance Metrics Analysis\n- mean 102.2\n\n" +
				"## Recommendations\n1. Pin num_ctx\n2) Warm the model first\n",
			want: Analysis{
				Summary:         "The data covers 101 files. Throughput is stable.",
				Findings:        []string{"gemma3 decodes at 102 tok/s", "TTFT spikes follow reloads"},
				Recommendations: []string{"Pin num_ctx", "Warm the model first"},
			},
		},
		{
			name: "numbered bold headings as the prompt asks for them",
			text: "1. **Executive Summary**\nShort.\n2. **Key Performance Findings**\n- **Fast** decode\n4. Recommendations for Optimization\n- Batch requests\n",
			want: Analysis{Summary: "Short.", Findings: []string{"Fast decode"}, Recommendations: []string{"Batch requests"}},
		},
		{
			name: "unstructured text becomes the summary and lists say none",
			text: "zq vel mora tin\nkap ro",
			want: Analysis{Summary: "zq vel mora tin kap ro"},
		},
		{
			name: "empty response still yields a summary",
			text: "",
			want: Analysis{Summary: "None provided"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseAnalysis(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnalysisBoundsWhatItCarries(t *testing.T) {
	text := "# Summary\n" + strings.Repeat("é", 1000) + "\n# Findings\n" + strings.Repeat("- x\n", 50)
	a := ParseAnalysis(text)
	if len(a.Summary) > maxSummary || !strings.HasPrefix(a.Summary, "é") || strings.ToValidUTF8(a.Summary, "?") != a.Summary {
		t.Errorf("summary not cut to %d bytes on a rune boundary: %d bytes", maxSummary, len(a.Summary))
	}
	if len(a.Findings) != maxItems {
		t.Errorf("findings = %d, want %d", len(a.Findings), maxItems)
	}
}

func TestReportPromptEmbedsTheAnalysis(t *testing.T) {
	p := ReportPrompt(Analysis{Summary: "S", Findings: []string{"f1", "f2"}}, `{"total_files_analyzed": 3}`)
	for _, want := range []string{"- Summary: S\n", "- Key Findings:\n1. f1\n2. f2\n", `- Performance Metrics: {"total_files_analyzed": 3}`, "- Recommendations:\nNone provided\n"} {
		if !strings.Contains(p, want) {
			t.Errorf("report prompt lacks %q:\n%s", want, p)
		}
	}
}
