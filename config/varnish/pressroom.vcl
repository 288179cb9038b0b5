vcl 4.1;
# Varnish in front of the press room (docs/deploy.md). Caches what the app marks public, for its
# s-maxage, and drops pages by surrogate key when the app sends "PURGE" with an xkey header after a save
# (editorial.pagecache, CACHE_PURGE_URLS). Needs varnish-modules' xkey vmod (Debian: varnish-modules).

import xkey;
import std;

# bench/varnish.py and the tests write the app's port here.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: this machine only (the app servers' addresses, in production).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from " + client.ip));
        }
        if (!req.http.xkey) {
            return (synth(400, "No xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    # The admin and signed-in editors (a session cookie) are never cached: their pages may show drafts.
    if (req.url ~ "^/admin" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # A visitor's other cookies (a CSRF token, analytics) change nothing the public pages show.
    unset req.http.Cookie;
}

sub vcl_backend_response {
    # Varnish's built-in rules follow: s-maxage or max-age gives the time to live; private, no-store,
    # no-cache and Set-Cookie make the answer uncacheable. Without any Cache-Control, nothing is kept.
    if (!beresp.http.Cache-Control) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for the caches, not for browsers: they name rows, and weigh kilobytes on a large page.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}
