//! `cairn --version` names the version and, in a git checkout, the commit.

use crate::common::cairn_in;
use std::path::Path;
use std::process::Command;

#[test]
fn version_names_the_commit_it_was_built_from() {
    let run = cairn_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    let line = run.stdout.trim();
    assert!(
        line.starts_with(&format!("cairn {}", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    // In a checkout (the usual `cargo test`), the short hash of HEAD and its date.
    let head = Command::new("git")
        .args(["rev-parse", "--short=9", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(out) = head
        && out.status.success()
    {
        let head = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let re = regex::Regex::new(r"^cairn \S+ \(([0-9a-f]{9}) \d{4}-\d{2}-\d{2}\)$").unwrap();
        let caps = re.captures(line).unwrap_or_else(|| panic!("{line}"));
        assert_eq!(&caps[1], head, "{line}");
    }
}
