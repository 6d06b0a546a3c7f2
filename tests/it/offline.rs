//! Offline (issue 18): every build ships `sw.js` and its manifest; `--zip`
//! writes `offline.zip`; the budget in `cairn.yaml` is checked.

use crate::common::{Site, files};
use std::collections::BTreeMap;
use std::path::Path;

/// `sw-manifest.js` as `path → hash`.
fn manifest(site: &Site) -> BTreeMap<String, String> {
    let text = site.out("sw-manifest.js");
    let json = text
        .strip_prefix("self.CAIRN_FILES = ")
        .and_then(|t| t.trim_end().strip_suffix(';'))
        .unwrap_or_else(|| panic!("sw-manifest.js is not the manifest: {text:.200}"));
    let pairs: Vec<(String, String)> = serde_json::from_str(json).unwrap();
    pairs.into_iter().collect()
}

fn output_bytes(dir: &Path) -> u64 {
    files(dir)
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).unwrap().len())
        .sum()
}

#[test]
fn the_worker_lists_every_output_file_with_its_hash_and_costs_under_two_percent() {
    let site = Site::example();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = site.path().join("public");
    let listed = manifest(&site);
    // content-example has a diagram, so the diagram library is kept too.
    let expected: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f != "sw.js" && f != "sw-manifest.js" && !f.starts_with('.'))
        .filter(|f| !f.ends_with(".ics"))
        .collect();
    // Calendar feeds are written but left to calendar apps, not precached.
    assert!(files(&out).iter().any(|f| f == "oncall.ics"));
    assert!(
        expected
            .iter()
            .any(|f| f.starts_with("assets/vendor/mermaid/"))
    );
    assert_eq!(
        listed.keys().cloned().collect::<Vec<_>>(),
        expected,
        "the manifest must list every output file but the worker's own and the feeds"
    );
    for (path, hash) in &listed {
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert_eq!(
            *hash,
            format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)),
            "{path}: the manifest's hash is not the file's"
        );
    }
    let worker = site.out("sw.js");
    assert!(
        worker.starts_with("self.CAIRN_OFFLINE = {\"build\":\""),
        "{worker:.200}"
    );
    assert!(worker.contains("importScripts(\"sw-manifest.js?"));
    // The worker and its manifest are a small share of what is published.
    let total = output_bytes(&out) as f64;
    let added = (site.out("sw.js").len() + site.out("sw-manifest.js").len()) as f64;
    assert!(
        added / total < 0.02,
        "worker and manifest are {:.1} % of the output",
        100.0 * added / total
    );
    // Every page may register it; the CSP says so.
    let home = site.out("index.html");
    assert!(home.contains("worker-src 'self'"), "CSP lacks worker-src");
    assert!(home.contains("assets/offline.js"));
    assert!(!home.contains("offline.zip"), "no zip link without --zip");
    assert!(!out.join("offline.zip").exists());
}

#[test]
fn an_unchanged_rebuild_keeps_the_worker_byte_for_byte_even_without_a_fixed_clock() {
    let site = Site::example();
    let out = site.path().join("out");
    let build = |epoch: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.arg("build").arg(site.path()).arg("--out").arg(&out);
        match epoch {
            Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
            None => cmd.env_remove("SOURCE_DATE_EPOCH"),
        };
        let status = cmd.output().unwrap();
        assert!(status.status.success(), "{status:?}");
        std::fs::read_to_string(out.join("sw.js")).unwrap()
    };
    // Pinned time: the copy is dated from SOURCE_DATE_EPOCH, in the site's zone.
    let pinned = build(Some("1795564800"));
    let head = |w: &str| w.lines().next().unwrap_or_default().to_string();
    assert!(
        head(&pinned).contains("2026-11-24 19:00 EST"),
        "{}",
        head(&pinned)
    );
    // Two builds a while apart with the real clock: the same site is the same
    // build, and the second keeps the first one's time, byte for byte.
    let first = build(None);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = build(None);
    assert!(first == again, "{} vs {}", head(&first), head(&again));
    // A changed phone number is a new build.
    site.edit("data/parties.yaml", "+1 555 0142", "+1 555 0177");
    let changed = build(None);
    let build_of = |w: &str| head(w).split('"').nth(3).unwrap_or_default().to_string();
    assert_ne!(build_of(&first), build_of(&changed));
}

#[test]
fn zip_unpacks_to_the_output_tree_and_two_builds_give_the_same_bytes() {
    let site = Site::example();
    let run = site.build(&["--zip"]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = site.path().join("public");
    let zip_bytes = std::fs::read(out.join("offline.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip_bytes)).unwrap();
    let unpacked = tempfile::tempdir().unwrap();
    archive.extract(unpacked.path()).unwrap();
    let expected: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f != "offline.zip")
        .collect();
    assert_eq!(files(unpacked.path()), expected);
    for f in &expected {
        assert_eq!(
            std::fs::read(unpacked.path().join(f)).unwrap(),
            std::fs::read(out.join(f)).unwrap(),
            "{f} differs in the zip"
        );
    }
    let home = site.out("index.html");
    assert!(
        home.contains(r#"<a href="offline.zip" download>Download offline copy</a>"#),
        "the footer should link the zip"
    );
    let page = site.out("runbooks/network/internet-outage/index.html");
    assert!(page.contains(r#"href="../../../offline.zip""#));
    // The zip is not precached: it is the whole site again.
    assert!(!manifest(&site).contains_key("offline.zip"));

    let again = site.build(&["--zip"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        std::fs::read(out.join("offline.zip")).unwrap() == zip_bytes,
        "two builds must give byte-identical zips"
    );
}

#[test]
fn over_the_budget_only_pages_assets_and_search_terms_are_precached_and_check_warns() {
    let site = Site::example();
    site.edit(
        "cairn.yaml",
        "review_every: 180d",
        "review_every: 180d\noffline:\n  budget: 10KB",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("over the offline budget"),
        "the build should say what it left out: {run:?}"
    );
    let listed = manifest(&site);
    assert!(listed.contains_key("index.html"));
    assert!(listed.contains_key("search/meta.js"));
    assert!(
        listed.keys().all(|p| p.ends_with(".html")
            || p.starts_with("assets/")
            || p.starts_with("search/t/")
            || p == "search/meta.js"),
        "over budget, only pages, assets and search terms: {listed:?}"
    );
    assert!(!listed.keys().any(|p| p.starts_with("search/d/")));

    // Static files alone over the budget: `check` warns at cairn.yaml.
    site.write("static/big.bin", &"x".repeat(20_000));
    let check = site.cairn(&["check", ".", "--format", "json"]);
    let json = check.json();
    let warning = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "offline-budget")
        .unwrap_or_else(|| panic!("no offline-budget warning: {check:?}"));
    assert_eq!(warning["file"], "cairn.yaml");

    site.edit("cairn.yaml", "budget: 10KB", "budget: lots");
    let bad = site.cairn(&["check", ".", "--format", "json"]);
    assert_eq!(bad.code, 1, "{bad:?}");
    let text = bad.stdout;
    assert!(
        text.contains("invalid-value") && text.contains("lots"),
        "{text}"
    );
}
