//! Issue 24: what a build must never publish whatever the site's templates
//! do, and what `serve` must refuse exactly as `build` does.

use crate::common::*;
use std::process::Command;

/// The site `fixture` with `line` added to the top of the built-in `base.html`
/// as a site template override.
fn with_base_line(fixture: &str, line: &str) -> Site {
    let site = Site::fixture(fixture);
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    site.write(
        "templates/base.html",
        &base.replacen("<body>\n", &format!("<body>\n{line}\n"), 1),
    );
    site
}

#[test]
fn a_template_calling_get_env_fails_the_build_and_publishes_nothing() {
    let site = with_base_line(
        "base",
        "<p>{{ get_env(name=\"DBPASS\", default=\"none\") }}</p>",
    );
    let line = site
        .read("templates/base.html")
        .lines()
        .position(|l| l.contains("get_env"))
        .unwrap()
        + 1;
    for audience in ["client", "internal"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args([
                "build",
                site.path().to_str().unwrap(),
                "--audience",
                audience,
            ])
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .env("DBPASS", "hunter2-prod-db")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(
            stderr.contains(&format!("error[template-env]: templates/base.html:{line}:")),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2") && !stdout.contains("hunter2"));
        assert!(!site.path().join("public").exists(), "nothing written");
    }
    let check = site.cairn(&["check", site.path().to_str().unwrap()]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check
            .stdout
            .contains("error[template-env]: templates/base.html:"),
        "{check:?}"
    );
}

/// The middle of the key `AKIAZ7QW3RT5YU8IO2PL`, which no message shows.
const AKIA: &str = "Z7QW3RT5YU8IO";

/// GET `path` from `cairn serve` on `port`: status and body bytes as sent
/// (a body of known length, read to its end, or chunked).
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let mut body = raw[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    if head.contains("transfer-encoding: chunked") {
        let mut plain = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..eol])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            if size == 0 {
                break;
            }
            plain.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = plain;
    }
    (status, body)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Serve answers `path` with the error overlay naming `code`, and nothing of `secret`.
fn answers_with_overlay(port: u16, path: &str, code: &str, secret: &str) {
    let (_, body) = get(port, path);
    let body = text(&body);
    assert!(!body.contains(secret), "{path} serves the secret:\n{body}");
    assert!(
        body.contains("cairn-overlay"),
        "{path}: no overlay:\n{body}"
    );
    assert!(body.contains(&format!("error[{code}]")), "{path}:\n{body}");
}

#[test]
fn serve_refuses_a_client_site_that_build_refuses() {
    let site = with_base_line("base", r#"<p>{{ "AKIA" ~ "Z7QW3RT5YU8IO2PL" }}</p>"#);
    let build = site.build(&["--audience", "client"]);
    assert_eq!(build.code, 1, "{build:?}");
    assert!(build.stderr.contains("error[possible-secret]"), "{build:?}");
    assert!(!site.path().join("public").exists());

    let server = crate::serve::Server::start(&site, &["--audience", "client"]);
    for path in [
        "/",
        "/runbooks/reset-mfa/",
        "/search/",
        "/systems/",
        "/nope/",
    ] {
        answers_with_overlay(server.port, path, "possible-secret", AKIA);
    }
    for path in [
        "/sw.js",
        "/cairn.json",
        "/search/t/0.js",
        "/assets/cairn.css",
    ] {
        let (status, body) = get(server.port, path);
        assert!(!text(&body).contains(AKIA), "{path}");
        assert_ne!(
            status, 200,
            "{path}: nothing of the failing build is served"
        );
    }
}

#[test]
fn serve_stops_serving_a_client_site_once_an_edit_makes_build_refuse_it() {
    let site = Site::fixture("base");
    let server = crate::serve::Server::start(&site, &["--audience", "client"]);
    let (status, home) = get(server.port, "/");
    assert_eq!(status, 200, "{}", text(&home));
    let page = "content/runbooks/reset-mfa.md";
    site.edit(
        page,
        "## Before you start\n",
        "## Before you start\n\nThe key is &#65;KIAZ7QW3RT5YU8IO2PL.\n",
    );
    // Wait (bounded by requests made, not time) for the rebuild to land.
    let mut answers = 0;
    loop {
        let (_, body) = get(server.port, "/runbooks/reset-mfa/");
        let body = text(&body);
        assert!(!body.contains(AKIA), "serves the key:\n{body}");
        if body.contains("cairn-overlay") {
            break;
        }
        answers += 1;
        assert!(answers < 600, "no overlay after {answers} answers");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    answers_with_overlay(server.port, "/", "possible-secret", AKIA);
}

/// `html` without the one live-reload script `serve` adds to a page.
fn without_live_reload(html: &[u8]) -> Vec<u8> {
    let html = text(html);
    let re = regex::Regex::new(
        r#"<script src="/__cairn/livereload\.js\?generation=\d+" defer></script>"#,
    )
    .unwrap();
    assert_eq!(re.find_iter(&html).count(), 1, "{html}");
    re.replace(&html, "").into_owned().into_bytes()
}

#[test]
fn serve_answers_every_file_build_writes_byte_for_byte_but_the_live_reload_script() {
    for audience in ["internal", "client"] {
        let site = Site::fixture("base");
        let build = site.build(&["--audience", audience]);
        assert_eq!(build.code, 0, "{build:?}");
        let out = site.path().join("public");
        // `.cairn-output` marks the folder as cairn's; it is not part of the site.
        let written: Vec<String> = files(&out)
            .into_iter()
            .filter(|f| f != ".cairn-output")
            .collect();
        assert!(written.len() > 30, "{written:?}");
        let server = crate::serve::Server::start(&site, &["--audience", audience]);
        let mut compared = 0;
        for rel in &written {
            let built = std::fs::read(out.join(rel)).unwrap();
            let (status, served) = get(server.port, &format!("/{rel}"));
            assert_eq!(status, 200, "{audience}: {rel}");
            let served = if rel.ends_with(".html") {
                without_live_reload(&served)
            } else {
                served
            };
            assert!(
                served == built,
                "{audience}: {rel} differs:\n--- served\n{}\n--- built\n{}",
                text(&served),
                text(&built)
            );
            compared += 1;
        }
        assert_eq!(compared, written.len());
    }
}

const NOINDEX: &str = r#"<meta name="robots" content="noindex">"#;

#[test]
fn an_internal_build_tells_crawlers_to_stay_out_and_a_client_build_does_not() {
    let site = Site::fixture("base");
    site.write("static/robots.txt", "User-agent: *\nAllow: /\n");
    site.write(
        "templates/404.html",
        "<!doctype html><html><body><p>gone</p></body></html>",
    );
    let internal = site.build(&["--audience", "internal"]);
    assert_eq!(internal.code, 0, "{internal:?}");
    assert_eq!(site.out("robots.txt"), "User-agent: *\nDisallow: /\n");
    let out = site.path().join("public");
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 10 && pages.iter().any(|p| p == "404.html"));
    for page in &pages {
        let html = site.out(page);
        assert_eq!(html.matches(NOINDEX).count(), 1, "{page}:\n{html}");
        let head = html.find("<head>").map_or(0, |i| i + "<head>".len());
        assert!(html[..head + NOINDEX.len()].ends_with(NOINDEX) || page == "404.html");
    }
    assert!(site.out("404.html").starts_with(NOINDEX));

    let client = site.build(&["--audience", "client"]);
    assert_eq!(client.code, 0, "{client:?}");
    assert_eq!(site.out("robots.txt"), "User-agent: *\nAllow: /\n");
    for page in files(&out).into_iter().filter(|f| f.ends_with(".html")) {
        assert!(!site.out(&page).contains("name=\"robots\""), "{page}");
    }
}

/// A zip holding `entries` uncompressed (stored), as a backup tool writes one.
fn stored_zip(entries: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A client build of `site` is refused with `possible-secret` naming `file`,
/// and writes nothing.
fn client_build_refused(site: &Site, file: &str) {
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("error[possible-secret]") && l.contains(file)),
        "{run:?}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_token_glued_to_what_precedes_it_is_refused_in_pages_and_stored_zip_entries() {
    for glued in [
        "xAKIAQ3EGTW7PKD4LRX2M",
        "id_ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP",
        "7AKIAQ3EGTW7PKD4LRX2M",
        "%20AKIAQ3EGTW7PKD4LRX2M",
    ] {
        let site = Site::fixture("base");
        site.edit(
            "content/runbooks/reset-mfa.md",
            "## Before you start\n",
            &format!("## Before you start\n\nUse {glued} for the portal.\n"),
        );
        client_build_refused(&site, "content/runbooks/reset-mfa.md");

        let site = Site::fixture("base");
        let zip = stored_zip(&[
            ("notes.txt", "hello\n"),
            ("config.ini", &format!("key={glued}\n")),
        ]);
        std::fs::write(site.path().join("static/backup.zip"), zip).unwrap();
        client_build_refused(&site, "static/backup.zip");
    }
}

#[test]
fn passwords_in_a_table_a_web_config_and_net_use_are_refused() {
    for (file, text) in [
        (
            "content/runbooks/accounts.md",
            "---\ntitle: Accounts\n---\n| User | Password |\n|---|---|\n| admin | P@ssw0rd! |\n",
        ),
        (
            "static/web.config",
            "<configuration><appSettings>\n<add key=\"Password\" value=\"P@ssw0rd!\" />\n</appSettings></configuration>\n",
        ),
        (
            "content/runbooks/share.md",
            "---\ntitle: Share\n---\n```\nnet use \\\\srv\\share /user:acme\\svc P@ssw0rd!\n```\n",
        ),
    ] {
        let site = Site::fixture("base");
        site.write(file, text);
        client_build_refused(&site, file);
    }
}

#[test]
fn names_guids_hashed_files_and_device_ids_in_code_pass_a_client_build() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/reset-mfa.md",
        "## Before you start\n",
        "## Before you start\n\n\
         Alerts: `CollectorHigh403ForbiddenResponseRate`, `NooBaaSystemCapacityWarning100`.\n\
         Tenant `3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e`, bundle `app.3f2b9c1d8e7a6b5c.js`,\n\
         disk `nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456A`.\n\n\
         ```\nls /dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K4HDX7RT\n\
         CollectorHigh403ForbiddenResponseRate 3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e\n```\n",
    );
    let run = site.build(&["--audience", "client", "--zip"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.out("runbooks/reset-mfa/index.html")
            .contains("NooBaaSystemCapacityWarning100")
    );
}

#[test]
fn an_allowed_secret_is_allowed_wherever_its_words_end_up() {
    const TOKEN: &str = "ghp_R8mKq2Lz9XwT4vBn7YcD1eFgH3iJ5kLmN6oP";
    let line = format!("The demo token is {TOKEN} (revoked). <!-- cairn: allow-secret -->\n");
    let page_allows = format!(
        "---\ntitle: Demo\nallow_secrets: true\nsystems: [m365]\n---\nThe demo token is {TOKEN} (revoked).\n"
    );
    for (file, text) in [
        (
            "content/runbooks/demo.md",
            format!("---\ntitle: Demo\nsystems: [m365]\n---\n{line}"),
        ),
        ("content/runbooks/demo.md", page_allows),
    ] {
        let site = Site::fixture("base");
        site.write(file, &text);
        let run = site.build(&["--audience", "client", "--zip"]);
        assert_eq!(run.code, 0, "{run:?}");
        // Its words are in the page, the search index and the zip.
        let out = site.path().join("public");
        let search: String = files(&out)
            .iter()
            .filter(|f| f.starts_with("search/"))
            .map(|f| std::fs::read_to_string(out.join(f)).unwrap())
            .collect();
        assert!(
            search.to_lowercase().contains(&TOKEN.to_lowercase()),
            "not indexed"
        );
        assert!(site.out("runbooks/demo/index.html").contains(TOKEN));
    }
}
