//! Search: the index a build writes (audience, shape), the search page with
//! JS off, and `search.js` in headless Chromium held to the same test vectors
//! as the Rust query (`tests/fixtures/search-vectors.json`).

use crate::common::{Site, files};
use std::path::{Path, PathBuf};
use std::process::Command;

fn index_text(out: &Path) -> String {
    files(&out.join("search"))
        .iter()
        .filter(|f| f.ends_with(".js"))
        .map(|f| std::fs::read_to_string(out.join("search").join(f)).unwrap())
        .collect()
}

#[test]
fn the_index_is_script_files_and_a_client_build_holds_nothing_internal() {
    let site = Site::example();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = site.path().join("public");
    let meta = site.out("search/meta.js");
    assert!(meta.starts_with("cairnSearch.meta("), "{meta}");
    for f in files(&out.join("search")) {
        if f.ends_with(".js") {
            let text = std::fs::read_to_string(out.join("search").join(&f)).unwrap();
            assert!(text.starts_with("cairnSearch."), "search/{f}");
        }
    }
    let client = index_text(&out).to_lowercase();
    for secret in [
        "handover",
        "on-call engineer pager",
        "555 0149",
        "internal/",
    ] {
        assert!(!client.contains(secret), "client index holds {secret:?}");
    }

    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    let internal = index_text(&out).to_lowercase();
    assert!(internal.contains("handover"));
    assert!(internal.contains("on-call engineer pager"));
}

#[test]
fn the_search_page_without_javascript_sends_to_the_home_page_which_lists_the_systems() {
    let site = Site::example();
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("search/index.html");
    assert!(html.contains("id=\"search-results\""));
    assert!(html.contains("needs JavaScript"));
    assert!(html.contains("assets/search.js"));
    // One link, not the list: a first query does not load every system's
    // name (72 KB at 500 systems); the home page lists them by tier.
    assert!(
        html.contains("<a href=\"../index.html\">home page</a>"),
        "{html}"
    );
    assert!(!html.contains("systems/entra-id/"), "{html}");
    assert!(
        site.out("index.html")
            .contains("href=\"systems/entra-id/index.html\"")
    );
}

// ------------------------------------------------------------ in Chromium

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        });
    if found.is_none() && std::env::var_os("CAIRN_REQUIRE_BROWSER").is_some() {
        panic!("Chromium not found and CAIRN_REQUIRE_BROWSER is set");
    }
    found
}

/// The DOM of `url` after scripts ran, and what Chromium logged.
fn dump_dom(exe: &Path, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `(href of each result, data-count)` from the search page's DOM.
fn results(dom: &str) -> (Vec<String>, Option<usize>) {
    let Some(start) = dom.find("id=\"search-results\"") else {
        return (Vec::new(), None);
    };
    let rest = &dom[start..];
    let list = &rest[..rest.find("</ol>").unwrap_or(rest.len())];
    let href = regex::Regex::new(r#"<a [^>]*href="([^"]+)""#).unwrap();
    let count = regex::Regex::new(r#"data-count="(\d+)""#).unwrap();
    (
        href.captures_iter(list).map(|c| c[1].to_string()).collect(),
        count
            .captures(&rest[..rest.find('>').unwrap_or(0)])
            .and_then(|c| c[1].parse().ok()),
    )
}

#[test]
fn search_js_agrees_with_the_rust_query_on_the_test_vectors() {
    let Some(exe) = chromium() else {
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let site = Site::example();
    assert_eq!(site.build(&[]).code, 0);
    let out = site.path().join("public");
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::common::fixtures().join("search-vectors.json")).unwrap(),
    )
    .unwrap();
    let vectors = vectors["vectors"].as_array().unwrap().clone();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = vectors
            .iter()
            .map(|v| {
                let (exe, out) = (&exe, &out);
                s.spawn(move || -> Option<String> {
                    let q = v["q"].as_str().unwrap();
                    let url = format!(
                        "file://{}/search/index.html?q={}",
                        out.display(),
                        percent_encoding::utf8_percent_encode(
                            q,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    );
                    let (dom, log) = dump_dom(exe, &url);
                    let refused: Vec<&str> = log
                        .lines()
                        .filter(|l| l.contains("Refused to") || l.contains("Uncaught"))
                        .collect();
                    if !refused.is_empty() {
                        return Some(format!("{q:?}: {}", refused.join("\n")));
                    }
                    let (links, count) = results(&dom);
                    if count.is_none() {
                        return Some(format!("{q:?}: search.js rendered no results list"));
                    }
                    if let Some(first) = v["first"].as_str() {
                        let want = format!("../{first}");
                        if links.first() != Some(&want) {
                            return Some(format!("{q:?}: want {want} first, got {links:?}"));
                        }
                    }
                    if v["some"].as_bool() == Some(true) && links.is_empty() {
                        return Some(format!("{q:?}: found nothing"));
                    }
                    if v["none"].as_bool() == Some(true) && count != Some(0) {
                        return Some(format!("{q:?}: should find nothing, got {links:?}"));
                    }
                    None
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn slash_focuses_search_and_arrow_enter_opens_a_result() {
    let Some(exe) = chromium() else {
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let site = Site::example();
    assert_eq!(site.build(&[]).code, 0);
    let out = site.path().join("public");
    crate::common::copy_dir(
        &crate::common::fixtures().join("search-keys"),
        &out.join("keys-test"),
    );
    let (dom, log) = dump_dom(
        &exe,
        &format!("file://{}/keys-test/index.html", out.display()),
    );
    assert!(
        !dom.contains("FAIL:"),
        "{}",
        &dom[dom.find("FAIL:").unwrap_or(0)..]
    );
    assert!(
        dom.contains("Site VPN tunnel down") && !dom.contains("keys-out"),
        "Enter on the selected result should open the VPN runbook; got:\n{}\n{log}",
        &dom[..dom.len().min(2000)]
    );
}
