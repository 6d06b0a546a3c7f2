//! Answering requests from the in-memory site: the guards (Host, method, no
//! body), safe paths, content types, ETags and ranges, the 404 page, the
//! server's endpoints and the error overlay stamped into HTML.

use super::paths::{self, Target};
use crate::render::after_open_tag;
use crate::urls;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use tokio::sync::watch;

pub(crate) const LIVERELOAD_JS: &str = include_str!("livereload.js");
pub(crate) const OVERLAY_CSS: &str = include_str!("overlay.css");

/// Output path (`runbooks/x/index.html`) → bytes.
/// Keys are shared strings so publishing a copy of a 20,000-file site is cheap.
pub(crate) use crate::write::Files;

/// What is served right now: the last good site, the error of the last
/// rebuild when it failed, and the generation pages reload on (it moves with
/// every site or error published). One value, so a page's generation is that
/// of the files it came from.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub files: Arc<Files>,
    pub error: Option<String>,
    pub generation: u64,
    /// The server is stopping: the accept loop and every socket end.
    pub closed: bool,
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
                // `to_canonical`: `[::ffff:127.0.0.1]` is 127.0.0.1.
                Some(Host::Ip(ip)) => {
                    ip.to_canonical().is_loopback() || ip.to_canonical() == bound.to_canonical()
                }
                Some(Host::Name(name)) => name == "localhost" || name.ends_with(".localhost"),
                None => false,
            },
        }
    }
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
    let (name, port) = match value.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            (
                inside,
                after.strip_prefix(':').or(after.is_empty().then_some(""))?,
            )
        }
        None => value.split_once(':').unwrap_or((value, "")),
    };
    let digits = port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    if name.is_empty() || !(port.is_empty() || (digits && port.parse::<u16>().is_ok())) {
        return None;
    }
    if value.starts_with('[') {
        return name
            .parse::<Ipv6Addr>()
            .ok()
            .map(|v6| Host::Ip(IpAddr::V6(v6)));
    }
    if let Ok(v4) = name.parse::<Ipv4Addr>() {
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
    /// What the requests read and the live-reload sockets follow.
    now: watch::Sender<Snapshot>,
    /// Live-reload sockets open (see [`super::reload::MAX_SOCKETS`]).
    pub sockets: AtomicUsize,
    pub hosts: HostPolicy,
}

impl Shared {
    pub(crate) fn new(hosts: HostPolicy) -> Shared {
        Shared {
            now: watch::Sender::new(Snapshot {
                files: Arc::new(Files::new()),
                error: None,
                generation: 1,
                closed: false,
            }),
            sockets: AtomicUsize::new(0),
            hosts,
        }
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        self.now.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.now.subscribe()
    }

    /// Serve new files without waking the pages (the search index catching up).
    pub(crate) fn publish_quiet(&self, files: Arc<Files>) {
        self.now.send_if_modified(|now| {
            now.files = files;
            false
        });
    }

    /// Serve a new site, or keep the last one with an error; wake the pages.
    pub(crate) fn publish(&self, files: Option<Arc<Files>>, error: Option<String>) {
        self.now.send_modify(|now| {
            now.files = files.unwrap_or_else(|| now.files.clone());
            now.error = error;
            now.generation += 1;
        });
    }

    /// Shutting down: the server and every socket stop.
    pub(crate) fn close(&self) {
        self.now.send_modify(|now| now.closed = true);
    }
}

/// A strong ETag: the content hash (xxh3 hashes far faster than a socket sends).
fn etag(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(bytes))
}

pub(crate) fn reply(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let cache = if content_type.starts_with("text/html") {
        "no-store"
    } else {
        "no-cache"
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

pub(crate) fn plain(status: u16, text: &str) -> Response {
    reply(status, "text/plain; charset=utf-8", text.to_string())
}

/// Refusals before any routing: a missing or second `Host` (on HTTP/1.1), a
/// method other than GET and HEAD, a body (never read), a foreign `Host`.
pub(crate) async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let hosts: Vec<&HeaderValue> = headers.get_all(header::HOST).iter().collect();
    if hosts.len() > 1 || (hosts.is_empty() && req.version() >= Version::HTTP_11) {
        return plain(400, "400 bad request: one Host header needed\n");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(405, "405 method not allowed\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let announces_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get_all(header::CONTENT_LENGTH)
            .iter()
            .any(|v| v.as_bytes() != b"0");
    if announces_body {
        return plain(413, "413 a GET or HEAD carries no body\n");
    }
    if let Some(host) = hosts.first() {
        let host = String::from_utf8_lossy(host.as_bytes());
        if !shared.hosts.allows(&host) {
            let shown: String = host.chars().take(100).filter(|c| !c.is_control()).collect();
            let text = format!(
                "403 forbidden: Host `{shown}` is not this machine's loopback. cairn serve answers only \
                 localhost, *.localhost, 127.0.0.0/8, [::1] and the address given to --bind (a guard \
                 against DNS rebinding); start it with --bind 0.0.0.0 to be reached under other names.\n"
            );
            return plain(403, &text);
        }
    }
    next.run(req).await
}

/// A GET or HEAD of anything but the socket: a file of the site, a redirect
/// to a folder, a server endpoint, the 404 page.
pub(crate) async fn answer(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let url = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let snap = shared.snapshot();
    match paths::resolve(url) {
        Target::Refused => plain(400, "400 bad request: path refused\n"),
        Target::Internal(name) => internal(&snap, &name),
        Target::File { key, dir } => {
            if let Some(bytes) = snap.files.get(key.as_str()) {
                return serve_file(&snap, &key, bytes, req.headers());
            }
            if !dir && snap.files.contains_key(urls::folder(&key).as_str()) {
                // `/runbooks` → `/runbooks/` so the page's relative links resolve.
                let path = url.split(['?', '#']).next().unwrap_or("/");
                let query = url.find('?').map_or("", |i| &url[i..]);
                let mut r = plain(301, "301 moved\n");
                if let Ok(v) = HeaderValue::from_str(&format!("{path}/{query}")) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                return r;
            }
            not_found(&snap)
        }
    }
}

fn not_found(snap: &Snapshot) -> Response {
    let html = snap.files.get(urls::NOT_FOUND).map_or(
        &b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
        <body><h1>404: not found</h1><p><a href=\"/\">Home</a></p></body></html>\n"[..],
        |page| page,
    );
    let page = decorate(html, snap.generation, snap.error.as_deref());
    reply(404, "text/html; charset=utf-8", page)
}

/// `Content-Type` for a key, by extension; text is UTF-8.
pub(crate) fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT || mime.subtype() == "javascript";
    match (mime.essence_str(), text) {
        ("application/javascript", _) => "text/javascript; charset=utf-8".into(),
        (essence, true) => format!("{essence}; charset=utf-8"),
        (essence, false) => essence.to_string(),
    }
}

/// A file of the site: HTML stamped for live reload (and the overlay), the
/// rest from the one in-memory copy; `If-None-Match` and single byte ranges
/// are honoured.
fn serve_file(snap: &Snapshot, key: &str, bytes: &Arc<[u8]>, request: &HeaderMap) -> Response {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        Bytes::from(decorate(bytes, snap.generation, snap.error.as_deref()))
    } else {
        Bytes::from_owner(bytes.clone())
    };
    let tag = etag(&body);
    let matches = |value: &HeaderValue| {
        value.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == tag)
        })
    };
    let len = body.len();
    let range = request
        .get(header::RANGE)
        .filter(|_| request.get(header::IF_RANGE).is_none_or(matches))
        .and_then(|v| v.to_str().ok())
        .map(|v| http_range_header::parse_range_header(v).and_then(|r| r.validate(len as u64)));
    let (mut r, content_range) = match range {
        _ if request.get(header::IF_NONE_MATCH).is_some_and(matches) => {
            (reply(304, &content_type, Body::empty()), None)
        }
        Some(Ok(ranges)) if ranges.len() == 1 => {
            let (start, end) = ranges[0].clone().into_inner();
            let part = body.slice(start as usize..=end as usize);
            (
                reply(206, &content_type, part),
                Some(format!("bytes {start}-{end}/{len}")),
            )
        }
        Some(Err(http_range_header::RangeUnsatisfiableError::Unsatisfiable)) => (
            reply(416, &content_type, Body::empty()),
            Some(format!("bytes */{len}")),
        ),
        // No range, several, or one that makes no sense: the whole file.
        _ => (reply(200, &content_type, body), None),
    };
    let h = r.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    for (name, value) in [
        (header::ETAG, Some(tag)),
        (header::CONTENT_RANGE, content_range),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    r
}

fn internal(snap: &Snapshot, name: &str) -> Response {
    match name {
        "livereload.js" => reply(200, "text/javascript; charset=utf-8", LIVERELOAD_JS),
        "overlay.css" => reply(200, "text/css; charset=utf-8", OVERLAY_CSS),
        "status" => {
            let body = serde_json::json!({
                "generation": snap.generation,
                "ok": snap.error.is_none(),
                "error": snap.error,
                "files": snap.files.len(),
            });
            reply(200, "application/json", body.to_string())
        }
        _ => plain(404, "404 not found\n"),
    }
}

/// A served HTML page: the live-reload script, naming the generation the page
/// belongs to, after `<head>` (the one difference from what `build` writes),
/// and when the last rebuild failed, the error block after `<body>`.
pub(crate) fn decorate(html: &[u8], generation: u64, error: Option<&str>) -> Vec<u8> {
    let meta = live_reload_script(generation);
    let overlay = error.map(|text| {
        format!(
            "<link rel=\"stylesheet\" href=\"/__cairn/overlay.css\">\
             <div id=\"cairn-overlay\" class=\"cairn-overlay\" role=\"alert\">\
             <p class=\"cairn-overlay-title\">cairn serve: the last rebuild failed; this is the last good site. Fix the problem and save: the page reloads.</p>\
             <pre class=\"cairn-overlay-errors\">{}</pre></div>",
            crate::markdown::escape_html(text)
        )
    });
    let body = after_open_tag(html, "body").unwrap_or(0);
    let head = after_open_tag(html, "head").unwrap_or(body);
    // The script first where both go to one place (a page without `<head>`).
    let mut inserts: Vec<(usize, String)> = vec![(head, meta)];
    inserts.extend(overlay.map(|o| (body, o)));
    inserts.sort_by_key(|(at, _)| *at);
    let mut out =
        Vec::with_capacity(html.len() + inserts.iter().map(|(_, t)| t.len()).sum::<usize>());
    let mut last = 0;
    for (at, text) in inserts {
        out.extend_from_slice(&html[last..at]);
        out.extend_from_slice(text.as_bytes());
        last = at;
    }
    out.extend_from_slice(&html[last..]);
    out
}

/// What `serve` adds to every page it serves, and all it adds (the overlay aside).
pub(crate) fn live_reload_script(generation: u64) -> String {
    format!("<script src=\"/__cairn/livereload.js?generation={generation}\" defer></script>")
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
        assert!(out.contains(
            "<HEAD><script src=\"/__cairn/livereload.js?generation=7\" defer></script><title>"
        ));
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
        assert!(out.starts_with("<script src=\"/__cairn/livereload.js?generation=1\""));
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

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/site.CSS"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("search/index.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("search/index.json"), "application/json");
        assert_eq!(content_type("img/logo.svg"), "image/svg+xml");
        assert_eq!(content_type("x.v1/file"), "application/octet-stream");
    }
}
