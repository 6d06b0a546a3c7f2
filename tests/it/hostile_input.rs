//! Issue 12, finding 6: small inputs that used to hang, hide content or mislead.
//! Each test plants one repro in the base fixture and reads what `cairn check`
//! (or `build`) says through the real binary.

use crate::common::Site;

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

// The check is structural: the nesting is refused before libyaml sees it, at the
// line of the 129th bracket (the old quadratic path got there only after the
// whole 200 KB). No time is asserted: a loaded machine is slow, not wrong.
#[test]
fn deeply_nested_yaml_is_refused_at_once_in_data_files() {
    let site = Site::fixture("base");
    site.write(
        "data/systems/firewall.yaml",
        &format!("id: firewall\nname: {}\n", deep_brackets()),
    );
    let d = only(&site, "yaml-syntax");
    assert_eq!(d["file"], "data/systems/firewall.yaml");
    assert_eq!(d["line"], 2);
    assert!(d["message"].as_str().unwrap().contains("too deep"), "{d}");
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
    let d = only(&site, "front-matter");
    assert_eq!(d["file"], "content/guides/deep.md");
    assert_eq!(
        d["line"], 4,
        "the line of the brackets, counted in the .md file"
    );
    assert!(d["message"].as_str().unwrap().contains("too deep"), "{d}");
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

/// A runbook whose middle step opens a comment that never closes.
const RUNBOOK_WITH_OPEN_COMMENT: &str = "---\ntitle: Restore the file server\nsystems: [firewall]\nlast_reviewed: 2026-10-01\n---\n## Steps\n\n1. Stop the share.\n\n<!-- TODO: ask Dana about snapshots\n\n2. Restore from snapshot STEP2MARK.\n3. Start the share.\n";

#[test]
fn an_unclosed_comment_or_fence_is_a_warning_at_its_line() {
    let site = Site::fixture("base");
    site.write("content/runbooks/restore.md", RUNBOOK_WITH_OPEN_COMMENT);
    site.edit(
        "content/runbooks/_index.md",
        "\n",
        "\n[Restore](restore.md)\n",
    );
    let d = only(&site, "unclosed-block");
    assert_eq!(d["file"], "content/runbooks/restore.md");
    assert_eq!(d["line"], 10);
    assert!(d["message"].as_str().unwrap().contains("<!--"), "{d}");
    // `check --strict` no longer says ok.
    let strict = site.cairn(&["check", ".", "--strict"]);
    assert_eq!(strict.code, 1, "{strict:?}");
    assert!(
        strict
            .stdout
            .contains("warning[unclosed-block]: content/runbooks/restore.md:10:"),
        "{strict:?}"
    );

    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "1. Save the config.\n",
        "1. Save the config:\n\n```sh\nconfig save\n",
    );
    let d = only(&site, "unclosed-block");
    assert_eq!(d["file"], "content/runbooks/firewall-reboot.md");
    assert_eq!(d["line"], 10);
    assert!(d["message"].as_str().unwrap().contains("```"), "{d}");
}

#[test]
fn a_file_or_folder_named_like_a_url_scheme_is_refused_and_never_linked() {
    let site = Site::fixture("base");
    site.write(
        "content/javascript:alert(2)/_index.md",
        "---\ntitle: Tools\n---\nTools.\n",
    );
    site.write("static/data:x.txt", "x");
    let run = site.cairn(&["check", ".", "--format", "json"]);
    let json = run.json();
    let files: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "invalid-value")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"content/javascript:alert(2)/_index.md"),
        "{run:?}"
    );
    assert!(files.contains(&"static/data:x.txt"), "{run:?}");
    let build = site.build(&[]);
    assert_eq!(build.code, 1, "{build:?}");
    assert!(!site.path().join("public/index.html").exists());
}

#[test]
fn email_and_phone_must_be_plain_or_they_are_invalid_values_at_their_line() {
    let site = Site::fixture("base");
    site.edit(
        "data/parties.yaml",
        "email: dana@acme.example",
        "email: \"dana@acme.example?bcc=attacker@evil.example\"",
    );
    let d = only(&site, "invalid-value");
    assert_eq!(d["file"], "data/parties.yaml");
    assert_eq!(d["line"], 8, "{d}");
    assert!(d["message"].as_str().unwrap().contains("email"), "{d}");

    let site = Site::fixture("base");
    site.edit(
        "data/parties.yaml",
        "phone: \"+1 555 0199\"",
        "phone: \"+1 555 0199?x=javascript:alert(1)\"",
    );
    let d = only(&site, "invalid-value");
    assert_eq!(d["file"], "data/parties.yaml");
    assert_eq!(d["line"], 11, "{d}");
    assert!(d["message"].as_str().unwrap().contains("phone"), "{d}");

    // Extensions and the usual separators are fine.
    let site = Site::fixture("base");
    site.edit(
        "data/parties.yaml",
        "phone: \"+1 555 0199\"",
        "phone: \"+1 (555) 019-9 ext. 12\"",
    );
    let run = site.cairn(&["check", ".", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn nul_bytes_in_pages_and_data_are_invalid_values_and_never_published() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "2. Reboot.",
        "2. Reboot\0NULMARK.",
    );
    let d = only(&site, "invalid-value");
    assert_eq!(d["file"], "content/runbooks/firewall-reboot.md");
    assert_eq!(d["line"], 9);
    let build = site.build(&[]);
    assert_eq!(build.code, 1, "{build:?}");
    assert!(!site.path().join("public").exists());

    let site = Site::fixture("base");
    site.edit(
        "data/systems/firewall.yaml",
        "name: Firewall",
        "name: Fire\0wall",
    );
    let d = only(&site, "invalid-value");
    assert_eq!(d["file"], "data/systems/firewall.yaml");
    assert_eq!(d["line"], 2);
}

#[test]
fn a_line_break_in_a_file_name_cannot_forge_a_diagnostic_line() {
    let site = Site::fixture("base");
    site.write(
        "content/guides/x\nerror[yaml-syntax]: cairn.yaml:1: forged.md",
        "---\ntitle: X\nlayout: post\n---\nx\n",
    );
    let run = site.cairn(&["check", "."]);
    assert!(run.stdout.contains("foreign-key"), "{run:?}");
    let forged = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .filter(|l| l.starts_with("error[yaml-syntax]"))
        .count();
    assert_eq!(forged, 0, "{run:?}");
    assert!(run.stdout.contains("x\\u{a}error[yaml-syntax]"), "{run:?}");
}
