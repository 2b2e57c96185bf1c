package measure

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
)

// Redacted replaces the user info of a URL that [RedactURL] hides.
const Redacted = "REDACTED"

// RedactURL returns raw with its user info (http://admin:pass@host)
// replaced by [Redacted], for printing or storing: a URL with credentials
// must not reach a trace, a config line or an error message. raw need not
// parse: host:port forms and broken URLs are cut at the last '@' before
// the path, query or fragment, so that a password that does not parse is
// hidden too. A URL without user info comes back unchanged.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Opaque == "" {
		if u.User == nil {
			return raw
		}
		u.User = url.User(Redacted)
		return u.String()
	}
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+len("://")], raw[i+len("://"):]
	}
	// A broken URL's user info may hold '/', '?' or '#' too; hiding a bit
	// of a path by mistake costs nothing, showing a password does.
	if k := strings.LastIndexByte(rest, '@'); k >= 0 {
		return prefix + Redacted + rest[k:]
	}
	return raw
}

// SplitCredentials returns base without its user info, and a copy of hc
// (nil: http.DefaultClient) whose transport sends that user info as each
// request's basic auth, which is what net/http does with the user info of
// a request's URL. The credentials still reach the server, while no URL
// the client uses, and so none that its errors quote, holds them. Without
// user info, base and hc come back as they are.
func SplitCredentials(base *url.URL, hc *http.Client) (*url.URL, *http.Client) {
	if hc == nil {
		hc = http.DefaultClient
	}
	if base.User == nil {
		return base, hc
	}
	b, c := *base, *hc
	b.User = nil
	c.Transport = basicAuth{user: base.User, next: cmp.Or[http.RoundTripper](hc.Transport, http.DefaultTransport)}
	return &b, &c
}

// basicAuth sends user as the basic auth of each request that has none.
type basicAuth struct {
	user *url.Userinfo
	next http.RoundTripper
}

func (a basicAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return a.next.RoundTrip(req)
	}
	req = req.Clone(req.Context()) // a RoundTripper must not change its request
	pass, _ := a.user.Password()
	req.SetBasicAuth(a.user.Username(), pass)
	return a.next.RoundTrip(req)
}
