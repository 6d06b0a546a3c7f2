//! Answering requests from the in-memory site: safe paths, content types, the
//! 404 page, the reload endpoint and the error overlay stamped into HTML.

use super::paths::{self, Target};
use super::reload::{self, Hub};
use crate::urls;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

pub(crate) const LIVERELOAD_JS: &str = include_str!("livereload.js");
pub(crate) const OVERLAY_CSS: &str = include_str!("overlay.css");

/// Output path (`runbooks/x/index.html`) → bytes.
/// Keys are shared strings so publishing a copy of a 20,000-file site is cheap.
pub(crate) use crate::write::Files;

/// What is served right now: the last good site, and the error of the last
/// rebuild when it failed.
pub(crate) struct Snapshot {
    pub files: Arc<Files>,
    pub error: Option<String>,
}

/// Which `Host` headers are answered: the guard against DNS rebinding, where
/// a web page re-points its own name at 127.0.0.1 and reads the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostPolicy {
    /// Bound to every address (`--bind 0.0.0.0`): the user asked to be reached
    /// under any name.
    Any,
    /// Loopback names and addresses, and the address `--bind` named.
    LocalAnd(IpAddr),
}

impl HostPolicy {
    /// The policy for a server listening on `addr`.
    pub(crate) fn for_bound(addr: IpAddr) -> HostPolicy {
        if addr.is_unspecified() {
            HostPolicy::Any
        } else {
            HostPolicy::LocalAnd(addr)
        }
    }

    pub(crate) fn allows(self, host: &str) -> bool {
        match self {
            HostPolicy::Any => parse_host(host).is_some(),
            HostPolicy::LocalAnd(bound) => match parse_host(host) {
                Some(Host::Ip(ip)) => is_loopback_ip(ip) || same_ip(ip, bound),
                Some(Host::Name(name)) => name == "localhost" || name.ends_with(".localhost"),
                None => false,
            },
        }
    }
}

fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn same_ip(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

/// A parsed `Host` header value: `name[:port]`, `a.b.c.d[:port]` or `[v6][:port]`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Host {
    Ip(IpAddr),
    /// Lowercase, without a trailing dot.
    Name(String),
}

/// Parse a `Host` value strictly (RFC 3986 host and port): anything else, a
/// user part (`a@b`), a path, a second colon, spaces, is `None`.
pub(crate) fn parse_host(value: &str) -> Option<Host> {
    let port_ok = |p: &str| {
        p.is_empty()
            || (p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok())
    };
    if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => "",
            a => a.strip_prefix(':')?,
        };
        if !port_ok(port) {
            return None;
        }
        return inside
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|v6| Host::Ip(IpAddr::V6(v6)));
    }
    let (name, port) = match value.split_once(':') {
        Some((n, p)) => (n, p),
        None => (value, ""),
    };
    if name.is_empty() || !port_ok(port) {
        return None;
    }
    if let Ok(v4) = name.parse::<std::net::Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(v4)));
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.len() > 253 || !name.split('.').all(label_ok) {
        return None;
    }
    // A name whose last label is all digits is a malformed address
    // (`127.0.0.1.5`, `127.1`), never a name to trust.
    if name
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(Host::Name(name))
}

pub(crate) struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
    pub hosts: HostPolicy,
}

impl Shared {
    pub(crate) fn new(hosts: HostPolicy) -> Shared {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                files: Arc::new(Files::new()),
                error: None,
            })),
            hub: Hub::new(),
            hosts,
        }
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Serve new files without waking the pages (the search index catching up).
    pub(crate) fn publish_quiet(&self, files: Arc<Files>) {
        let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let error = slot.error.clone();
        *slot = Arc::new(Snapshot { files, error });
    }

    /// Serve a new site, or keep the last one with an error; wake the pages.
    pub(crate) fn publish(&self, files: Option<Arc<Files>>, error: Option<String>) {
        {
            let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            let files = files.unwrap_or_else(|| slot.files.clone());
            *slot = Arc::new(Snapshot { files, error });
        }
        self.hub.bump();
    }
}

/// A response body: built here, or shared with the in-memory site (a 30 MB
/// file is written from the one copy, never copied per request).
pub(crate) enum Body {
    Owned(Vec<u8>),
    Shared(Arc<[u8]>),
    Static(&'static [u8]),
}

impl Body {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Body::Owned(v) => v,
            Body::Shared(a) => a,
            Body::Static(s) => s,
        }
    }
}

pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

/// What to do with a request: answer it, or park it until the site changes.
pub(crate) enum Answer {
    Now(Reply),
    /// `/__cairn/wait?since=N`: answered by the server loop on the next
    /// rebuild or after [`reload::POLL_TIMEOUT`].
    Wait {
        since: Option<u64>,
    },
}

/// The parts of a request head the answer depends on.
pub(crate) struct Request<'a> {
    pub target: &'a str,
    /// `None` when absent; a request with two is refused before it gets here.
    pub host: Option<&'a str>,
}

pub(crate) fn reply(status: u16, content_type: &str, body: Body) -> Reply {
    let cache = if content_type.starts_with("text/html") {
        "no-store"
    } else {
        "no-cache"
    };
    Reply {
        status,
        headers: vec![
            ("Content-Type", content_type.to_string()),
            ("Cache-Control", cache.to_string()),
            ("X-Content-Type-Options", "nosniff".to_string()),
            ("Referrer-Policy", "no-referrer".to_string()),
        ],
        body,
    }
}

pub(crate) fn plain(status: u16, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        Body::Owned(text.as_bytes().to_vec()),
    )
}

/// The answer to a GET or HEAD (other methods never get here).
pub(crate) fn handle(request: &Request, shared: &Shared) -> Answer {
    if let Some(host) = request.host
        && !shared.hosts.allows(host)
    {
        let shown: String = host.chars().take(100).filter(|c| !c.is_control()).collect();
        let text = format!(
            "403 forbidden: Host `{shown}` is not this machine's loopback. cairn serve answers only \
             localhost, *.localhost, 127.0.0.0/8, [::1] and the address given to --bind (a guard \
             against DNS rebinding); start it with --bind 0.0.0.0 to be reached under other names.\n"
        );
        return Answer::Now(plain(403, &text));
    }
    let url = request.target;
    Answer::Now(match paths::resolve(url) {
        Target::Refused => plain(400, "400 bad request: path refused\n"),
        Target::Internal(name) => return internal(shared, &name, url),
        Target::File { key, dir } => {
            let snap = shared.snapshot();
            if let Some(bytes) = snap.files.get(key.as_str()) {
                return Answer::Now(serve_file(shared, &snap, &key, bytes, 200));
            }
            let index = urls::folder(&key);
            if !dir && snap.files.contains_key(index.as_str()) {
                // `/runbooks` → `/runbooks/` so the page's relative links resolve.
                let path = url.split(['?', '#']).next().unwrap_or("/");
                let query = url.find('?').map_or("", |i| &url[i..]);
                let mut r = plain(301, "301 moved\n");
                r.headers.push(("Location", format!("{path}/{query}")));
                return Answer::Now(r);
            }
            not_found(shared, &snap)
        }
    })
}

fn not_found(shared: &Shared, snap: &Snapshot) -> Reply {
    match snap.files.get(urls::NOT_FOUND) {
        Some(page) => serve_file(shared, snap, urls::NOT_FOUND, page, 404),
        None => {
            let mut html = String::from(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                 <body><h1>404: not found</h1><p><a href=\"/\">Home</a></p></body></html>\n",
            )
            .into_bytes();
            if snap.error.is_some() {
                html = decorate(&html, shared.hub.generation(), snap.error.as_deref());
            }
            reply(404, "text/html; charset=utf-8", Body::Owned(html))
        }
    }
}

fn serve_file(
    shared: &Shared,
    snap: &Snapshot,
    key: &str,
    bytes: &Arc<[u8]>,
    status: u16,
) -> Reply {
    let content_type = paths::content_type(key);
    let body = if content_type.starts_with("text/html") {
        Body::Owned(decorate(
            bytes,
            shared.hub.generation(),
            snap.error.as_deref(),
        ))
    } else {
        Body::Shared(bytes.clone())
    };
    reply(status, content_type, body)
}

fn internal(shared: &Shared, name: &str, url: &str) -> Answer {
    Answer::Now(match name {
        "livereload.js" => reply(
            200,
            "text/javascript; charset=utf-8",
            Body::Static(LIVERELOAD_JS.as_bytes()),
        ),
        "overlay.css" => reply(
            200,
            "text/css; charset=utf-8",
            Body::Static(OVERLAY_CSS.as_bytes()),
        ),
        "wait" => {
            return Answer::Wait {
                since: reload::since(url),
            };
        }
        "status" => {
            let snap = shared.snapshot();
            let body = serde_json::json!({
                "generation": shared.hub.generation(),
                "ok": snap.error.is_none(),
                "error": snap.error,
                "files": snap.files.len(),
            });
            reply(
                200,
                "application/json",
                Body::Owned(body.to_string().into_bytes()),
            )
        }
        _ => plain(404, "404 not found\n"),
    })
}

/// Byte offset just after the opening `<tag ...>` (ASCII case-insensitive).
fn after_open_tag(html: &[u8], tag: &str) -> Option<usize> {
    let needle = format!("<{tag}");
    let n = needle.len();
    let mut i = 0;
    while i + n <= html.len() {
        if html[i..i + n].eq_ignore_ascii_case(needle.as_bytes()) {
            let next = html.get(i + n).copied();
            if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
                let close = html[i + n..].iter().position(|&b| b == b'>')?;
                return Some(i + n + close + 1);
            }
        }
        i += 1;
    }
    None
}

/// A served HTML page: the generation it belongs to (for live reload) after
/// `<head>`, and when the last rebuild failed, the error block after `<body>`.
pub(crate) fn decorate(html: &[u8], generation: u64, error: Option<&str>) -> Vec<u8> {
    let meta = format!("<meta name=\"cairn-generation\" content=\"{generation}\">");
    let overlay = error.map(|text| {
        format!(
            "<link rel=\"stylesheet\" href=\"/__cairn/overlay.css\">\
             <div id=\"cairn-overlay\" class=\"cairn-overlay\" role=\"alert\">\
             <p class=\"cairn-overlay-title\">cairn serve: the last rebuild failed; this is the last good site. Fix the problem and save: the page reloads.</p>\
             <pre class=\"cairn-overlay-errors\">{}</pre></div>",
            crate::markdown::escape_html(text)
        )
    });
    let mut out =
        Vec::with_capacity(html.len() + meta.len() + overlay.as_ref().map_or(0, String::len));
    let head = after_open_tag(html, "head");
    let body = after_open_tag(html, "body");
    let mut inserts: Vec<(usize, String)> = Vec::new();
    match head {
        Some(h) => inserts.push((h, meta)),
        None => inserts.push((body.unwrap_or(0), meta)),
    }
    if let Some(o) = overlay {
        inserts.push((body.unwrap_or(0), o));
    }
    inserts.sort_by_key(|(at, _)| *at);
    let mut last = 0;
    for (at, text) in inserts {
        out.extend_from_slice(&html[last..at]);
        out.extend_from_slice(text.as_bytes());
        last = at;
    }
    out.extend_from_slice(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_goes_right_after_body_and_is_escaped() {
        let html = b"<!doctype html><html><HEAD><title>x</title></head><body class=\"page\"><h1>Hi</h1></body></html>";
        let out = String::from_utf8(decorate(
            html,
            7,
            Some("error[yaml-syntax]: a.yaml:3: <script>alert(1)</script> & \"q\""),
        ))
        .unwrap();
        assert!(out.contains("<HEAD><meta name=\"cairn-generation\" content=\"7\"><title>"));
        let body = out.find("<body class=\"page\">").unwrap() + "<body class=\"page\">".len();
        assert!(out[body..].starts_with(
            "<link rel=\"stylesheet\" href=\"/__cairn/overlay.css\"><div id=\"cairn-overlay\""
        ));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
        assert!(!out.contains("<script>alert"));
        assert!(!out.contains("style="));
    }

    #[test]
    fn no_error_no_overlay_and_tags_like_bodyx_are_skipped() {
        let html = b"<html><head></head><bodyx></bodyx><body><p>ok</p></body></html>";
        let out = String::from_utf8(decorate(html, 2, None)).unwrap();
        assert!(!out.contains("cairn-overlay"));
        let with = String::from_utf8(decorate(html, 2, Some("boom"))).unwrap();
        assert!(with.contains("<body><link rel=\"stylesheet\""));
        assert!(with.contains("<bodyx></bodyx>"));
    }

    #[test]
    fn a_fragment_without_tags_still_gets_the_overlay() {
        let out = String::from_utf8(decorate(b"<p>x</p>", 1, Some("e"))).unwrap();
        assert!(out.starts_with("<meta name=\"cairn-generation\""));
        assert!(out.contains("cairn-overlay"));
    }

    #[test]
    fn hosts_are_parsed_strictly() {
        use std::net::Ipv4Addr;
        assert_eq!(
            parse_host("localhost:8080"),
            Some(Host::Name("localhost".into()))
        );
        assert_eq!(
            parse_host("LocalHost."),
            Some(Host::Name("localhost".into()))
        );
        assert_eq!(
            parse_host("127.0.0.1:1"),
            Some(Host::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1))))
        );
        assert_eq!(
            parse_host("[::1]:80"),
            Some(Host::Ip("::1".parse().unwrap()))
        );
        for bad in [
            "",
            ":80",
            "localhost:8080@evil",
            "localhost:99999",
            "localhost:80:80",
            "user@localhost",
            "::1",
            "[::1",
            "[::1]x",
            "[127.0.0.1]",
            "127.0.0.1.5",
            "127.1",
            "local host",
            "localhost/x",
            "a..b",
            "-a.b",
            "%6cocalhost",
        ] {
            assert_eq!(parse_host(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn loopback_policy_answers_loopback_and_the_bound_address_only() {
        let lo = HostPolicy::for_bound("127.0.0.1".parse().unwrap());
        for h in [
            "localhost:8080",
            "localhost",
            "127.0.0.1:1",
            "127.0.0.1",
            "127.255.3.4:80",
            "[::1]:80",
            "[::1]",
            "[::ffff:127.0.0.1]:80",
            "app.localhost",
            "a.b.localhost:3000",
        ] {
            assert!(lo.allows(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1:80",
            "localhost.evil.example",
            "127.attacker.example:8080",
            "127.0.0.1.evil.example",
            "localhost:8080@evil",
            "127.0.0.1:80@evil.example",
            "[::2]:80",
            "0.0.0.0:80",
            "localhost:8080/x",
        ] {
            assert!(!lo.allows(h), "{h}");
        }
        let lan = HostPolicy::for_bound("192.168.1.5".parse().unwrap());
        assert!(lan.allows("192.168.1.5:8080"));
        assert!(lan.allows("localhost:8080"));
        assert!(!lan.allows("192.168.1.6:8080"));
        assert!(!lan.allows("printer.lan"));
        let any = HostPolicy::for_bound("0.0.0.0".parse().unwrap());
        assert!(any.allows("printer.lan:8080"));
        assert!(!any.allows("a@b"));
    }
}
