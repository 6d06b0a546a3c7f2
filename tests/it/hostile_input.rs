//! Issue 12, finding 6: small inputs that used to hang, hide content or mislead.
//! Each test plants one repro in the base fixture and reads what `cairn check`
//! (or `build`) says through the real binary.

use crate::common::Site;
use std::time::{Duration, Instant};

/// The single diagnostic of `code` in `check --format json`.
fn only(site: &Site, code: &str) -> serde_json::Value {
    let run = site.cairn(&["check", ".", "--format", "json"]);
    let json = run.json();
    let all: Vec<&serde_json::Value> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["warnings"].as_array().unwrap())
        .filter(|d| d["code"] == code)
        .collect();
    assert_eq!(all.len(), 1, "one {code} expected: {run:?}");
    all[0].clone()
}

/// `name: ` then 100k `[` and `]`: a 200 KB file libyaml needed 46 s to refuse.
fn deep_brackets() -> String {
    format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
}

// The check is structural (the nesting is refused before libyaml sees it, at the
// line of the 129th bracket); the time bound is only a guard against the old
// quadratic path, 5x the usual debug-build time of the whole run.
#[test]
fn deeply_nested_yaml_is_refused_at_once_in_data_files() {
    let site = Site::fixture("base");
    site.write(
        "data/systems/firewall.yaml",
        &format!("id: firewall\nname: {}\n", deep_brackets()),
    );
    let started = Instant::now();
    let d = only(&site, "yaml-syntax");
    let took = started.elapsed();
    assert_eq!(d["file"], "data/systems/firewall.yaml");
    assert_eq!(d["line"], 2);
    assert!(d["message"].as_str().unwrap().contains("too deep"), "{d}");
    eprintln!("200 KB of nested brackets refused in {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn deeply_nested_front_matter_is_refused_at_once() {
    let site = Site::fixture("base");
    site.write(
        "content/guides/deep.md",
        &format!(
            "---\ntitle: Deep\nname:\n  {}\n---\nBody\n",
            deep_brackets()
        ),
    );
    let started = Instant::now();
    let d = only(&site, "front-matter");
    let took = started.elapsed();
    assert_eq!(d["file"], "content/guides/deep.md");
    assert_eq!(
        d["line"], 4,
        "the line of the brackets, counted in the .md file"
    );
    assert!(d["message"].as_str().unwrap().contains("too deep"), "{d}");
    eprintln!("deep front matter refused in {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_duplicate_key_is_reported_at_the_duplicate() {
    let site = Site::fixture("base");
    site.write(
        "data/systems/firewall.yaml",
        "id: firewall\nname: Firewall\ntier: 3\nowner: bright\nraci:\n  Patch management: { bright: RA }\nescalation:\n  - party: bright\n    respond_within: 1h\n    party: bright\n",
    );
    let d = only(&site, "yaml-syntax");
    assert_eq!(d["file"], "data/systems/firewall.yaml");
    assert_eq!(d["line"], 10, "{d}");
    assert!(d["message"].as_str().unwrap().contains("duplicate"), "{d}");

    // In front matter, counted in the .md file.
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "last_reviewed: 2026-10-01\n",
        "last_reviewed: 2026-10-01\ntitle: Again\n",
    );
    let d = only(&site, "front-matter");
    assert_eq!(d["file"], "content/runbooks/firewall-reboot.md");
    assert_eq!(d["line"], 5, "{d}");
}
