//! `cairn build`: the HTML a reader sees, links that resolve from any location,
//! byte-identical output, and a failed build that leaves the old site alone.

use crate::common::{Site, files};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every `href`/`src` in the HTML files of `out`.
fn links_in(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| c[1].replace("&amp;", "&"))
        .collect()
}

fn ids_in(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\bid="([^"]*)""#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// Relative links (and their `#fragment`s) that resolve to nothing under `out`.
pub fn dangling_links(out: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    // 404.html links from `base_url` on purpose: a server answers it at any depth.
    for rel in files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html") && f != "404.html")
    {
        let html = fs::read_to_string(out.join(&rel)).unwrap();
        let dir = Path::new(&rel)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for link in links_in(&html) {
            if link.is_empty() || link.contains(':') || link.starts_with("//") {
                continue; // external, mailto:, tel:, data:
            }
            assert!(
                !link.starts_with('/'),
                "{rel}: root-absolute link {link} breaks under file:// and sub-paths"
            );
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                out.join(&rel)
            } else {
                normalize(&out.join(&dir).join(path))
            };
            if path.ends_with('/') || (!path.is_empty() && target.is_dir()) {
                bad.push(format!(
                    "{rel}: {link} names a folder, not its index.html (breaks under file://)"
                ));
                continue;
            }
            if !target.is_file() {
                bad.push(format!("{rel}: {link} → nothing"));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty())
                && target.extension().is_some_and(|e| e == "html")
            {
                let page = fs::read_to_string(&target).unwrap();
                let f = percent_decode(f);
                if !ids_in(&page).contains(&f) {
                    bad.push(format!("{rel}: {link} → no element with id {f}"));
                }
            }
        }
    }
    bad
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn normalize(p: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(percent_decode(&c.as_os_str().to_string_lossy())),
        }
    }
    out
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap()))
        .collect()
}

#[test]
fn builds_every_page_the_spec_names() {
    let site = Site::fixture("base");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    for page in [
        "index.html",
        "systems/m365/index.html",
        "systems/firewall/index.html",
        "parties/acme-it/index.html",
        "parties/bright/index.html",
        "runbooks/reset-mfa/index.html",
        "runbooks/index.html",
        "guides/escalate/index.html",
        "matrix/index.html",
        "review/index.html",
        "search/index.html",
    ] {
        assert!(
            site.path().join("public").join(page).is_file(),
            "missing {page}"
        );
    }
    assert!(run.stderr.contains("Built"), "{run:?}");
}

#[test]
fn system_page_shows_owner_and_full_ladder_with_call_links() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("systems/m365/index.html");
    assert!(html.contains("Acme Internal IT"), "owner missing");
    assert!(
        html.contains("href=\"tel:+15550100\""),
        "level 1 phone missing"
    );
    assert!(html.contains("href=\"mailto:dana@acme.example\""));
    assert!(
        html.contains("href=\"tel:+15550142\""),
        "level 2 phone missing"
    );
    assert!(
        html.contains("30m") && html.contains("15m") && html.contains("1h"),
        "after/respond_within missing"
    );
    assert!(html.contains("Firewall"), "dependency missing");
    assert!(html.contains("Reset a user"), "runbook missing");
    assert!(
        html.contains("data-timezone=\"America/New_York\""),
        "timezone for the answers-now marker"
    );
    // Level 1 comes before level 2.
    assert!(html.find("tel:+15550100").unwrap() < html.find("tel:+15550142").unwrap());
}

#[test]
fn runbook_page_carries_its_systems_ladders() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("runbooks/reset-mfa/index.html");
    assert!(
        html.contains("href=\"tel:+15550100\""),
        "a technician must see whom to call"
    );
    assert!(html.contains("href=\"tel:+15550142\""));
    assert!(html.contains("Acme Internal IT"), "owner");
    assert!(
        html.contains("<span class=\"_"),
        "code is highlighted at build time"
    );
}

#[test]
fn dependencies_show_both_ways() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("systems/firewall/index.html");
    assert!(
        html.contains("href=\"../../systems/m365/index.html\""),
        "firewall page must show that m365 depends on it"
    );
}

#[test]
fn matrix_shows_every_partys_letters() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("matrix/index.html");
    for needle in [
        "User onboarding",
        "Patch management",
        "Help desk",
        "RA",
        "Microsoft 365",
        "Firewall",
    ] {
        assert!(html.contains(needle), "matrix lacks {needle}");
    }
}

#[test]
fn every_relative_link_resolves_in_the_fixture_and_the_example() {
    for site in [Site::fixture("base"), Site::example()] {
        let run = site.build(&[]);
        assert_eq!(run.code, 0, "{run:?}");
        let bad = dangling_links(&site.path().join("public"));
        assert!(
            bad.is_empty(),
            "{} dangling links:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}

#[test]
fn a_sub_path_base_url_changes_only_absolute_urls() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&["--out", "root"]).code, 0);
    site.edit(
        "cairn.yaml",
        "base_url: /",
        "base_url: https://docs.example.com/acme/",
    );
    assert_eq!(site.build(&[]).code, 0);
    let out = site.path().join("public");
    assert!(dangling_links(&out).is_empty());
    let page = site.out("systems/m365/index.html");
    assert!(
        page.contains("https://docs.example.com/acme/systems/m365/"),
        "canonical URL uses base_url"
    );
    let sitemap = site.out("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://docs.example.com/acme/runbooks/reset-mfa/</loc>"),
        "{sitemap}"
    );
    // Pages differ only where an absolute URL is required.
    let root_page = fs::read_to_string(site.path().join("root/systems/m365/index.html")).unwrap();
    assert_eq!(
        links_in(&root_page)
            .iter()
            .filter(|l| !l.contains("://"))
            .count(),
        links_in(&page)
            .iter()
            .filter(|l| !l.contains("://"))
            .count()
    );
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let site = Site::example();
    assert_eq!(site.build(&["--out", "a"]).code, 0);
    assert_eq!(site.build(&["--out", "b"]).code, 0);
    let (a, b) = (
        snapshot(&site.path().join("a")),
        snapshot(&site.path().join("b")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let before = snapshot(&site.path().join("public"));
    site.edit("data/systems/m365.yaml", "owner: acme-it", "owner: nobody");
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error[unknown-party]: data/systems/m365.yaml:5"),
        "{run:?}"
    );
    assert!(run.stderr.contains("unchanged"), "{run:?}");
    assert_eq!(snapshot(&site.path().join("public")), before);
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("cairn-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn warnings_do_not_stop_a_build_unless_strict() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "last_reviewed: 2026-10-01",
        "last_reviewed: 2025-10-01",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("warning[review-overdue]"), "{run:?}");
    let run = site.build(&["--out", "strict", "--strict"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!site.path().join("strict").exists());
}

#[test]
fn review_page_lists_overdue_runbooks_worst_first() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "last_reviewed: 2026-10-01",
        "last_reviewed: 2025-01-01",
    );
    site.edit(
        "content/runbooks/reset-mfa.md",
        "last_reviewed: 2026-11-01",
        "last_reviewed: 2025-05-01",
    );
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("review/index.html");
    let (fw, mfa) = (
        html.find("Reboot the firewall").unwrap(),
        html.find("Reset a user").unwrap(),
    );
    assert!(fw < mfa, "the most overdue runbook comes first");
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = Site::fixture("base");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}OVERRIDDEN {{ page.title }}{% endblock %}",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        site.out("guides/escalate/index.html")
            .contains("OVERRIDDEN How to escalate")
    );
}

#[test]
fn static_files_and_images_are_copied() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    assert!(site.path().join("public/img/net.svg").is_file());
    assert!(
        site.out("runbooks/reset-mfa/index.html")
            .contains("src=\"../../img/net.svg\"")
    );
}

#[test]
fn init_writes_a_site_that_builds_clean() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::common::cairn_in(dir.path(), &["init", "mysite"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = crate::common::cairn_in(&dir.path().join("mysite"), &["build", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(dir.path().join("mysite/public/index.html").is_file());
    let run = crate::common::cairn_in(dir.path(), &["init", "mysite"]);
    assert_eq!(run.code, 1, "init refuses a non-empty folder: {run:?}");
}

#[test]
fn new_runbook_creates_a_page_that_checks() {
    let site = Site::fixture("base");
    let run = site.cairn(&["new", "runbook", "Restore a mailbox", "--system", "m365"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = site.read("content/runbooks/restore-a-mailbox.md");
    assert!(text.contains("systems: [m365]"));
    assert_eq!(site.cairn(&["check", ".", "--strict"]).code, 0);
}

/// The theme is part of loading: `check` reports what `build` would fail on.
#[test]
fn check_reports_a_missing_theme_and_a_broken_template() {
    let site = Site::fixture("base");
    site.edit("cairn.yaml", "title:", "theme: nothere\ntitle:");
    let run = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let e = &run.json()["errors"][0];
    assert_eq!(e["file"], "cairn.yaml", "{run:?}");
    assert_eq!(e["line"], 1, "{run:?}");
    assert!(
        e["message"].as_str().unwrap().contains("nothere"),
        "{run:?}"
    );

    let site = Site::fixture("base");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}",
    );
    let run = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let e = &run.json()["errors"][0];
    assert_eq!(e["file"], "templates/page.html", "{run:?}");
    assert!(e["line"].as_u64().is_some(), "{run:?}");
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("templates/page.html"), "{run:?}");
    assert!(!site.path().join("public").exists());
}
