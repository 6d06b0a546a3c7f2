//! Answering requests from the in-memory site: safe paths, content types, the
//! 404 page, the reload endpoint and the error overlay stamped into HTML.

use super::paths::{self, Target};
use super::reload::{self, Hub};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tiny_http::{Header, Method, Request, Response, StatusCode};

pub const LIVERELOAD_JS: &str = include_str!("livereload.js");
pub const OVERLAY_CSS: &str = include_str!("overlay.css");

/// Output path (`runbooks/x/index.html`) → bytes.
/// Keys are shared strings so publishing a copy of a 20,000-file site is cheap.
pub type Files = HashMap<Arc<str>, Arc<[u8]>>;

/// What is served right now: the last good site, and the error of the last
/// rebuild when it failed.
pub struct Snapshot {
    pub files: Arc<Files>,
    pub error: Option<String>,
}

pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
    /// Only `Host: localhost`-style requests are answered when bound to loopback
    /// (no DNS rebinding from a web page).
    pub loopback_only: bool,
}

impl Shared {
    pub fn new(loopback_only: bool) -> Shared {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                files: Arc::new(Files::new()),
                error: None,
            })),
            hub: Hub::new(),
            loopback_only,
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Serve new files without waking the pages (the search index catching up).
    pub fn publish_quiet(&self, files: Arc<Files>) {
        let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let error = slot.error.clone();
        *slot = Arc::new(Snapshot { files, error });
    }

    /// Serve a new site, or keep the last one with an error; wake the pages.
    pub fn publish(&self, files: Option<Arc<Files>>, error: Option<String>) {
        {
            let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            let files = files.unwrap_or_else(|| slot.files.clone());
            *slot = Arc::new(Snapshot { files, error });
        }
        self.hub.bump();
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(
    request: Request,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) {
    let mut response = Response::from_data(body).with_status_code(StatusCode(status));
    let cache = if content_type.starts_with("text/html") {
        "no-store"
    } else {
        "no-cache"
    };
    for (k, v) in [
        ("Content-Type", content_type),
        ("Cache-Control", cache),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    .iter()
    .chain(extra)
    {
        if let Some(h) = header(k, v) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn plain(request: Request, status: u16, text: &str) {
    respond(
        request,
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
        &[],
    );
}

/// Whether a `Host` header names this machine's loopback.
pub fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name == "::1" || name.starts_with("127.")
}

pub fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"405 method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    if shared.loopback_only {
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        if let Some(host) = host
            && !loopback_host(&host)
        {
            let text = format!(
                "403 forbidden: Host `{host}` is not this machine's loopback. cairn serve bound to \
                 loopback answers only localhost and 127.0.0.1 (a guard against DNS rebinding); \
                 start it with --bind 0.0.0.0 to be reached under other names.\n"
            );
            return plain(request, 403, &text);
        }
    }
    let url = request.url().to_string();
    match paths::resolve(&url) {
        Target::Refused => plain(request, 400, "400 bad request: path refused\n"),
        Target::Internal(name) => internal(request, shared, &name, &url),
        Target::File { key, dir } => {
            let snap = shared.snapshot();
            if let Some(bytes) = snap.files.get(key.as_str()) {
                return serve_file(request, shared, &snap, &key, bytes, 200);
            }
            let index = format!("{key}/index.html");
            if !dir && snap.files.contains_key(index.as_str()) {
                // `/runbooks` → `/runbooks/` so the page's relative links resolve.
                let path = url.split(['?', '#']).next().unwrap_or("/");
                let query = url.find('?').map_or("", |i| &url[i..]);
                let location = format!("{path}/{query}");
                return respond(
                    request,
                    301,
                    "text/plain; charset=utf-8",
                    b"301 moved\n".to_vec(),
                    &[("Location", &location)],
                );
            }
            not_found(request, shared, &snap)
        }
    }
}

fn not_found(request: Request, shared: &Shared, snap: &Snapshot) {
    match snap.files.get("404.html") {
        Some(page) => serve_file(request, shared, snap, "404.html", page, 404),
        None => {
            let mut html = String::from(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                 <body><h1>404: not found</h1><p><a href=\"/\">Home</a></p></body></html>\n",
            );
            if snap.error.is_some() {
                html = String::from_utf8_lossy(&decorate(
                    html.as_bytes(),
                    shared.hub.generation(),
                    snap.error.as_deref(),
                ))
                .into_owned();
            }
            respond(
                request,
                404,
                "text/html; charset=utf-8",
                html.into_bytes(),
                &[],
            )
        }
    }
}

fn serve_file(
    request: Request,
    shared: &Shared,
    snap: &Snapshot,
    key: &str,
    bytes: &[u8],
    status: u16,
) {
    let content_type = paths::content_type(key);
    let body = if content_type.starts_with("text/html") {
        decorate(bytes, shared.hub.generation(), snap.error.as_deref())
    } else {
        bytes.to_vec()
    };
    respond(request, status, content_type, body, &[])
}

fn internal(request: Request, shared: &Shared, name: &str, url: &str) {
    match name {
        "livereload.js" => respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            LIVERELOAD_JS.as_bytes().to_vec(),
            &[],
        ),
        "overlay.css" => respond(
            request,
            200,
            "text/css; charset=utf-8",
            OVERLAY_CSS.as_bytes().to_vec(),
            &[],
        ),
        "wait" => shared.hub.wait(request, reload::since(url)),
        "status" => {
            let snap = shared.snapshot();
            let body = serde_json::json!({
                "generation": shared.hub.generation(),
                "ok": snap.error.is_none(),
                "error": snap.error,
                "files": snap.files.len(),
            });
            respond(
                request,
                200,
                "application/json",
                body.to_string().into_bytes(),
                &[],
            )
        }
        _ => plain(request, 404, "404 not found\n"),
    }
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
pub fn decorate(html: &[u8], generation: u64, error: Option<&str>) -> Vec<u8> {
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
    fn loopback_hosts() {
        for h in [
            "localhost:8080",
            "127.0.0.1:1",
            "127.0.0.1",
            "[::1]:80",
            "app.localhost",
        ] {
            assert!(loopback_host(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1:80",
            "localhost.evil.example",
        ] {
            assert!(!loopback_host(h), "{h}");
        }
    }
}
