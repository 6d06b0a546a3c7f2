//! The CI recipes (docs/content/guide/ci.md) are copied by users: every `cairn`
//! command in their GitHub Actions, GitLab CI and Azure Pipelines blocks runs,
//! against a temporary git repository holding the example site with
//! `origin/main` behind a branch that changes it.

use crate::common::{Site, cairn_in};
use crate::diff::git;
use std::path::Path;

fn recipes() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/content/guide/ci.md"))
        .unwrap()
}

/// The ```yaml blocks of the CI recipes page.
fn ci_blocks() -> Vec<String> {
    let text = recipes();
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("```yaml\n") {
        let body = &rest[i + 8..];
        let end = body.find("\n```").unwrap();
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    blocks
}

/// `cairn …` command lines of a block: from `run:` and `script:` values, script
/// items and lines of a `script: |` block, cut at the first shell operator
/// (redirection, `||`, `|`).
fn cairn_commands(block: &str) -> Vec<Vec<String>> {
    block
        .lines()
        .filter_map(|line| {
            let l = line.trim_start();
            let l = l.strip_prefix("- ").unwrap_or(l);
            let l = l.strip_prefix("run: ").unwrap_or(l);
            let l = l.strip_prefix("script: ").unwrap_or(l);
            l.starts_with("cairn ").then(|| {
                l.split_whitespace()
                    .take_while(|w| !matches!(*w, ">" | "|" | "||" | "&&" | ";"))
                    .skip(1)
                    .map(str::to_string)
                    .collect()
            })
        })
        .collect()
}

#[test]
fn ci_examples_are_yaml_and_their_cairn_commands_run() {
    let blocks = ci_blocks();
    assert_eq!(
        blocks.len(),
        3,
        "a GitHub Actions, a GitLab CI and an Azure Pipelines block"
    );
    for block in &blocks {
        for event in saphyr_parser::Parser::new_from_str(block) {
            if let Err(e) = event {
                panic!("CI recipe is not YAML: {e}\n{block}");
            }
        }
        assert!(block.contains("cargo install --locked --git"), "{block}");
        // The nightly rebuild: the calendar and review dates move without commits,
        // so "today" must not be pinned there.
        assert!(block.contains("nightly"), "no nightly rebuild in {block}");
        assert!(!block.contains("SOURCE_DATE_EPOCH"), "{block}");
    }

    // The example site at the repository root, main pushed as origin/main, then a
    // branch that moves an accountable and is checked out.
    let repo = Site::example();
    let root = repo.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "site"]);
    git(root, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    git(root, &["checkout", "-q", "-b", "change"]);
    repo.edit(
        "data/systems/m365.yaml",
        "Backup verification:    { bright: R, acme-it: A }",
        "Backup verification:    { bright: RA, acme-it: C }",
    );
    git(
        root,
        &[
            "commit",
            "-q",
            "-am",
            "MSP accountable for backup verification",
        ],
    );

    for (block, name) in blocks
        .iter()
        .zip(["GitHub Actions", "GitLab CI", "Azure Pipelines"])
    {
        let commands = cairn_commands(block);
        let verbs: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
        for verb in ["check", "build", "diff"] {
            assert!(
                verbs.contains(&verb),
                "{name}: no `cairn {verb}` in {verbs:?}"
            );
        }
        for args in &commands {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = cairn_in(root, &args);
            assert_eq!(run.code, 0, "{name}: cairn {}\n{run:?}", args.join(" "));
            if args[0] == "diff" {
                assert!(run.stdout.starts_with("### cairn diff: "), "{run:?}");
                assert!(
                    run.stdout.contains("accountable moved from"),
                    "{name}: {run:?}"
                );
            }
            if args[0] == "build" {
                let out = args[args.iter().position(|a| *a == "--out").unwrap() + 1];
                assert!(root.join(out).join("index.html").is_file(), "{name}: {out}");
            }
        }
    }
}
