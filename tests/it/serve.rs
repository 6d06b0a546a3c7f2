//! `cairn serve` over real HTTP on a free loopback port: pages and types,
//! traversal refused, edits and errors showing up, the reload endpoint.

use crate::common::{Site, TODAY_EPOCH};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tungstenite::client::IntoClientRequest;

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
    lines: mpsc::Receiver<String>,
    /// Stdout up to and including the URL line.
    printed: Vec<String>,
}

impl Server {
    pub(crate) fn start(site: &Site, extra: &[&str]) -> Server {
        let mut args = vec!["serve", site.path().to_str().unwrap()];
        args.extend_from_slice(extra);
        if !extra.contains(&"--port") {
            args.extend_from_slice(&["--port", "0"]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(&args)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Owned by a `Server` from here on, so a failed start still kills it.
        let mut server = Server {
            child,
            port: 0,
            lines: rx,
            printed: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = server.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "cairn serve printed no URL; stdout so far: {:?}",
                    server.printed
                )
            });
            server.printed.push(line.clone());
            if let Some(i) = line.find("http://127.0.0.1:") {
                let port: String = line[i + "http://127.0.0.1:".len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                assert!(
                    line[i..].starts_with(&format!("http://127.0.0.1:{port}/")),
                    "{line}"
                );
                server.port = port.parse().unwrap();
                return server;
            }
        }
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        request(self.port, "GET", path)
    }

    /// Poll `path` until `pred` holds, for at most `secs`.
    fn poll(&self, path: &str, secs: u64, pred: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let r = self.get(path);
            if pred(&r) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{path}: condition not met within {secs} s; last response:\n{}",
                r.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn generation(&self) -> u64 {
        let r = self.get("/__cairn/status");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["generation"].as_u64().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

/// One HTTP/1.1 request over a fresh connection, the path sent byte for byte.
fn request(port: u16, method: &str, path: &str) -> Response {
    request_with(port, method, path, &[])
}

/// [`request`] with more header lines.
fn request_with(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

#[test]
fn serves_pages_and_assets_with_their_types_from_memory() {
    let site = Site::fixture("base");
    let server = Server::start(&site, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200, "{home:?}");
    assert_eq!(home.content_type(), "text/html; charset=utf-8");
    assert!(home.body.contains("__cairn/livereload.js"), "{}", home.body);
    assert!(!home.body.contains("cairn-overlay"));

    let page = server.get("/runbooks/reset-mfa/");
    assert_eq!(page.status, 200);
    let same = server.get("/runbooks/reset-mfa/index.html");
    assert_eq!(same.status, 200);
    let redirect = server.get("/runbooks/reset-mfa?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("location"),
        Some("/runbooks/reset-mfa/?x=1")
    );

    // Every stylesheet and script the home page links is served with its type.
    let re = regex::Regex::new(r#"(?:href|src)="([^"]+\.(css|js))""#).unwrap();
    let mut checked = 0;
    for c in re.captures_iter(&home.body) {
        let url = c[1].trim_start_matches("./");
        let url = if url.starts_with('/') {
            url.to_string()
        } else {
            format!("/{url}")
        };
        let r = server.get(&url);
        let want = if &c[2] == "css" {
            // Stylesheets come with the theme: they must be there.
            assert_eq!(r.status, 200, "{url}");
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        if r.status == 200 {
            assert_eq!(r.content_type(), want, "{url}");
            checked += 1;
        }
    }
    assert!(checked >= 1, "no assets linked from the home page");

    let js = server.get("/__cairn/livereload.js");
    assert_eq!(js.status, 200);
    assert!(!js.body.contains("eval(") && !js.body.contains(".style"));
    let css = server.get("/__cairn/overlay.css");
    assert_eq!(css.content_type(), "text/css; charset=utf-8");

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.content_type().starts_with("text/html"));
    assert_eq!(request(server.port, "POST", "/").status, 405);
    assert_eq!(request(server.port, "HEAD", "/").status, 200);

    // A page fetched with a foreign Host (DNS rebinding) is refused.
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");

    assert!(
        !site.path().join("public").exists(),
        "serve must not write SITE/public"
    );

    // Many requests at once: the pool answers them all.
    let port = server.port;
    let handles: Vec<_> = (0..32)
        .map(|_| std::thread::spawn(move || request(port, "GET", "/").status))
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
}

#[test]
fn files_from_outside_the_site_are_never_served() {
    let site = Site::fixture("base");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("env"), "CI_TOKEN=OUTSIDE-MARKER-1").unwrap();
    std::os::unix::fs::symlink(outside.path().join("env"), site.path().join("static/env")).unwrap();
    std::os::unix::fs::symlink("../data/parties.yaml", site.path().join("static/p.yaml")).unwrap();
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert!(home.body.contains("outside-site"), "{}", home.body);
    assert!(home.body.contains("static/env"), "{}", home.body);
    for path in ["/env", "/p.yaml", "/static/env"] {
        let r = server.get(path);
        assert!(
            !r.body.contains("OUTSIDE-MARKER") && !r.body.contains("phone: \"+1"),
            "{path} leaked: {}",
            r.body
        );
    }
    // A served static file turned into a link to another top folder is not
    // re-read on the next change: the server reports it instead.
    std::fs::remove_file(site.path().join("static/env")).unwrap();
    std::fs::remove_file(site.path().join("static/p.yaml")).unwrap();
    site.write("static/notes.txt", "plain notes");
    server.poll("/notes.txt", 20, |r| r.body == "plain notes");
    std::fs::remove_file(site.path().join("static/notes.txt")).unwrap();
    std::os::unix::fs::symlink("../data/parties.yaml", site.path().join("static/notes.txt"))
        .unwrap();
    server.poll("/", 20, |r| r.body.contains("outside-site"));
    let r = server.get("/notes.txt");
    assert!(!r.body.contains("phone: \"+1"), "{}", r.body);
}

#[test]
fn traversal_is_refused_in_every_encoding_and_directories_are_not_listed() {
    let site = Site::fixture("base");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOPSECRET-OUTSIDE").unwrap();
    site.write("secret.txt", "TOPSECRET-ROOT");
    site.write("static/fine.txt", "just fine");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/fine.txt").body, "just fine");
    assert_eq!(
        server.get("/fine.txt").content_type(),
        "text/plain; charset=utf-8"
    );
    // A link out of static/ made while serving (an `outside-site` error) is
    // never served either.
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("static/leak.txt"),
    )
    .unwrap();
    server.poll("/", 20, |r| r.body.contains("outside-site"));

    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/runbooks/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%252e%252e/secret.txt",
        "/.%2e/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/etc/passwd",
        "/secret.txt",
        "/cairn.yaml",
        "/static/fine.txt/../../secret.txt",
        "/%00secret.txt",
        "/C:/Windows/win.ini",
        "http://127.0.0.1/../secret.txt",
        "/leak.txt",
        "/static/leak.txt",
    ] {
        let r = server.get(path);
        assert_ne!(r.status, 200, "{path} was served");
        assert!(
            !r.body.contains("TOPSECRET") && !r.body.contains("root:"),
            "{path} leaked"
        );
    }

    // A directory is its index.html or a 404, never a listing.
    let dir = server.get("/assets/");
    assert_eq!(dir.status, 404);
    assert_eq!(dir.body, server.get("/no-such-page/").body);
}

#[test]
fn an_edit_shows_up_and_the_open_page_is_told() {
    let site = Site::fixture("base");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/runbooks/reset-mfa/").status, 200);

    // A page opens the live-reload socket; it is told the generation at once.
    let generation = server.generation();
    let page = server.get("/");
    assert!(page.body.contains(&format!(
        "<script src=\"/__cairn/livereload.js?generation={generation}\" defer></script>"
    )));
    let told = live_reload(server.port);
    assert_eq!(
        told.recv_timeout(Duration::from_secs(15)).unwrap(),
        generation
    );
    // Nothing more while nothing changed.
    assert!(told.recv_timeout(Duration::from_millis(300)).is_err());

    site.edit(
        "content/runbooks/reset-mfa.md",
        "## Before you start\n",
        "## Before you start\n\nFreshly edited marker QX7Z.\n",
    );
    let woken = told
        .recv_timeout(Duration::from_secs(15))
        .expect("the open page was not told of the rebuild");
    assert!(woken > generation, "{woken} after {generation}");

    server.poll("/runbooks/reset-mfa/", 10, |r| {
        r.status == 200 && r.body.contains("QX7Z")
    });
    // A page opened now is told the new generation at once.
    let later = live_reload(server.port);
    assert!(later.recv_timeout(Duration::from_secs(15)).unwrap() >= woken);
    // A page of another site may not follow the saves.
    let port = server.port;
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut foreign = format!("ws://127.0.0.1:{port}/__cairn/ws")
        .into_client_request()
        .unwrap();
    foreign.headers_mut().insert(
        "Origin",
        tungstenite::http::HeaderValue::from_static("https://evil.example"),
    );
    match tungstenite::client(foreign, stream) {
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(r))) => {
            assert_eq!(r.status(), 403)
        }
        other => panic!("a foreign origin opened the socket: {:?}", other.is_ok()),
    }
    // The rebuild time is printed.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("no rebuild line printed");
        if line.contains("Rebuilt") && line.contains(" ms") {
            break;
        }
    }
}

/// The generations `/__cairn/ws` sends, as `livereload.js` reads them.
fn live_reload(port: u16) -> mpsc::Receiver<u64> {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut socket, _) =
        tungstenite::client(format!("ws://127.0.0.1:{port}/__cairn/ws"), stream).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(message) = socket.read() {
            let Ok(text) = message.to_text() else { break };
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            if tx.send(v["generation"].as_u64().unwrap()).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn files_answer_byte_ranges_and_unchanged_ones_304() {
    let site = Site::fixture("base");
    site.write("static/digits.txt", "0123456789");
    let server = Server::start(&site, &[]);
    let port = server.port;
    let get = |headers: &[(&str, &str)]| request_with(port, "GET", "/digits.txt", headers);

    let full = get(&[]);
    assert_eq!((full.status, full.body.as_str()), (200, "0123456789"));
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    let tag = full.header("etag").expect("an ETag").to_string();
    let same = get(&[("If-None-Match", &tag)]);
    assert_eq!((same.status, same.body.as_str()), (304, ""));
    assert_eq!(same.header("etag"), Some(tag.as_str()));
    assert_eq!(get(&[("If-None-Match", "\"other\"")]).status, 200);

    let part = get(&[("Range", "bytes=2-4")]);
    assert_eq!((part.status, part.body.as_str()), (206, "234"));
    assert_eq!(part.header("content-range"), Some("bytes 2-4/10"));
    assert_eq!(get(&[("Range", "bytes=-3")]).body, "789");
    assert_eq!(get(&[("Range", "bytes=7-")]).body, "789");
    let beyond = get(&[("Range", "bytes=20-")]);
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), Some("bytes */10"));
    // A range of another version is the whole file; nonsense is ignored.
    let stale = get(&[("Range", "bytes=2-4"), ("If-Range", "\"other\"")]);
    assert_eq!((stale.status, stale.body.as_str()), (200, "0123456789"));
    assert_eq!(get(&[("Range", "lines=1-2")]).status, 200);
    let head = request_with(port, "HEAD", "/digits.txt", &[("Range", "bytes=0-1")]);
    assert_eq!(head.status, 206);

    // A page is tagged as served (generation stamp included).
    let page = server.get("/");
    let page_tag = page.header("etag").expect("a page ETag").to_string();
    assert_eq!(
        request_with(port, "GET", "/", &[("If-None-Match", &page_tag)]).status,
        304
    );

    // An edit makes a new version: the old tag gets the new bytes.
    site.write("static/digits.txt", "abc");
    server.poll("/digits.txt", 20, |r| r.body == "abc");
    let fresh = get(&[("If-None-Match", &tag)]);
    assert_eq!((fresh.status, fresh.body.as_str()), (200, "abc"));
    assert_ne!(fresh.header("etag"), Some(tag.as_str()));
    assert_ne!(
        request_with(port, "GET", "/", &[("If-None-Match", &page_tag)]).status,
        304,
        "a rebuild changes every page's stamp"
    );
}

#[test]
fn a_yaml_error_shows_the_overlay_over_the_last_good_site_until_fixed() {
    let site = Site::fixture("base");
    let server = Server::start(&site, &[]);
    let good = server.get("/runbooks/reset-mfa/");
    assert_eq!(good.status, 200);
    assert!(!good.body.contains("cairn-overlay"));

    let parties = site.read("data/parties.yaml");
    site.write("data/parties.yaml", &format!("{parties}\n- id: [broken\n"));
    let broken = server.poll("/runbooks/reset-mfa/", 15, |r| {
        r.body.contains("class=\"cairn-overlay\"")
    });
    assert_eq!(broken.status, 200, "the last good page is still served");
    let body = &broken.body;
    assert!(body.contains("yaml-syntax"), "{body}");
    assert!(body.contains("data/parties.yaml:"), "{body}");
    assert!(body.contains("/__cairn/overlay.css"));
    // Right after <body ...>, and the rest of the good page is still there.
    let at = body.find("<body").unwrap();
    let open_end = at + body[at..].find('>').unwrap() + 1;
    assert!(body[open_end..].starts_with(
        "<link rel=\"stylesheet\" href=\"/__cairn/overlay.css\"><div id=\"cairn-overlay\""
    ));
    let without: String = {
        let start = body
            .find("<link rel=\"stylesheet\" href=\"/__cairn/overlay.css\">")
            .unwrap();
        let end = body[start..].find("</div>").unwrap() + start + "</div>".len();
        format!("{}{}", &body[..start], &body[end..])
    };
    let strip_meta = |s: &str| {
        regex::Regex::new(r#"<script src="/__cairn/livereload.js\?generation=\d+" defer></script>"#)
            .unwrap()
            .replace(s, "")
            .into_owned()
    };
    assert_eq!(strip_meta(&without), strip_meta(&good.body));
    // Every HTML page carries it, the 404 page too.
    assert!(server.get("/").body.contains("cairn-overlay"));
    assert!(server.get("/nope/").body.contains("cairn-overlay"));
    assert!(
        !server
            .get("/__cairn/livereload.js")
            .body
            .contains("cairn-overlay\"")
    );

    site.write("data/parties.yaml", &parties);
    let fixed = server.poll("/runbooks/reset-mfa/", 15, |r| {
        !r.body.contains("cairn-overlay")
    });
    assert_eq!(fixed.status, 200);
}

#[test]
fn a_busy_port_moves_on_and_says_so_and_ctrl_c_stops_cleanly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().port();
    let site = Site::fixture("base");
    let busy_s = busy.to_string();
    let mut server = Server::start(&site, &["--port", &busy_s]);
    assert_ne!(server.port, busy);
    assert_eq!(server.get("/").status, 200);

    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "cairn serve ignored Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    let said = server.printed.join("\n");
    assert!(
        said.contains(&format!("Port {busy} is in use")) && said.contains(&server.port.to_string()),
        "{said}"
    );
}

#[test]
fn a_folder_that_is_not_a_site_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::common::cairn_in(
        dir.path(),
        &["serve", dir.path().to_str().unwrap(), "--port", "0"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cairn.yaml"), "{run:?}");
    let bad_bind = crate::common::cairn_in(
        dir.path(),
        &[
            "serve",
            crate::common::fixtures().join("base").to_str().unwrap(),
            "--bind",
            "nowhere",
            "--port",
            "0",
        ],
    );
    assert_eq!(bad_bind.code, 2, "{bad_bind:?}");
    assert!(bad_bind.stderr.contains("--bind nowhere"), "{bad_bind:?}");
}

#[test]
fn the_service_worker_is_served_fresh_and_live_reload_bypasses_it() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let worker = server.get("/sw.js");
    assert_eq!(worker.status, 200);
    assert_eq!(worker.header("Cache-Control"), Some("no-cache"));
    assert!(
        worker.content_type().contains("javascript"),
        "{}",
        worker.content_type()
    );
    // The worker never answers for serve's own endpoints, so live reload keeps working.
    assert!(worker.body.contains("/__cairn/"));
    let manifest = server.get("/sw-manifest.js");
    assert_eq!(manifest.status, 200);
    assert!(
        manifest
            .body
            .contains("\"runbooks/network/internet-outage/index.html\"")
    );
    // An edit is a new build: the worker changes, so browsers fetch the new copy.
    let before = worker.body.lines().next().unwrap_or_default().to_string();
    site.edit("data/parties.yaml", "+1 555 0142", "+1 555 0177");
    let after = server.poll("/sw.js", 30, |r| {
        r.body.lines().next().unwrap_or_default() != before
    });
    assert_ne!(after.body.lines().next().unwrap_or_default(), before);
}
