package measure

// Pick returns the values of v whose units are in units: what a
// benchmark that declares units reports of every metric it computed
// (CallMetrics.Values gives more than a report reports). A unit v lacks
// stays absent, never 0.
func Pick(v map[string]float64, units []string) map[string]float64 {
	out := map[string]float64{}
	for _, u := range units {
		if x, ok := v[u]; ok {
			out[u] = x
		}
	}
	return out
}
