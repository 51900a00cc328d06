# Varnish in front of Fandex's app servers: anonymous pages come from here, and the
# app tells Varnish when they change (a BAN request per write, entries/caching/purge.py).
#
# Start it with, for example:
#   varnishd -a :80 -f /etc/varnish/fandex.vcl -s malloc,256m
# and give the app FANDEX_PURGE_URLS=http://<this host>:80 so that it bans here.
# Pages are kept as long as the app's Cache-Control s-maxage allows (a day, when
# FANDEX_PURGE_URLS is set); a ban drops them at once.
vcl 4.1;

# The app server (gunicorn, `make serve`). Several: a director (see the README).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may ban: the app servers only.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed."));
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "X-Ban-Url is missing."));
        }
        ban("obj.http.X-Url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors (a session or messages cookie) and the admin are never cached; the
    # app marks their pages private too.
    if (req.url ~ "^/admin/" || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Any other cookie (a CSRF token from the login page) changes nothing a reader sees.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Bans match on the URL kept with each object (lurker-friendly bans).
    set beresp.http.X-Url = bereq.url;
}

sub vcl_deliver {
    unset resp.http.X-Url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
