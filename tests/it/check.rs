//! `cairn check`: each code from SPEC planted once in the clean base fixture,
//! asserting code, file and line in JSON and text.

use crate::common::Site;

#[test]
fn base_fixture_is_clean_under_strict() {
    let site = Site::fixture("base");
    let run = site.cairn(&["check", ".", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.trim(), "ok: no problems found");
}

#[test]
fn example_site_is_clean_under_strict() {
    let site = Site::example();
    let run = site.cairn(&["check", ".", "--strict"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = site.cairn(&["check", ".", "--strict", "--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// One planted problem: what to change, and the single diagnostic expected.
struct Case {
    code: &'static str,
    file: &'static str,
    line: Option<u64>,
    /// A word the message must contain.
    says: &'static str,
    plant: fn(&Site),
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            code: "yaml-syntax",
            file: "data/systems/firewall.yaml",
            line: Some(8),
            says: "",
            plant: |s| {
                s.edit(
                    "data/systems/firewall.yaml",
                    "  Patch management: { bright: RA }",
                    "  Patch management: { bright: RA\n",
                );
            },
        },
        Case {
            code: "front-matter",
            file: "content/runbooks/firewall-reboot.md",
            line: Some(4),
            says: "",
            plant: |s| {
                s.edit(
                    "content/runbooks/firewall-reboot.md",
                    "systems: [firewall]",
                    "systems: [firewall\n  bad: : x",
                );
            },
        },
        Case {
            code: "invalid-value",
            file: "data/systems/m365.yaml",
            line: Some(10),
            says: "escalaton",
            plant: |s| {
                s.edit("data/systems/m365.yaml", "escalation:", "escalaton:");
            },
        },
        Case {
            code: "invalid-value",
            file: "cairn.yaml",
            line: Some(7),
            says: "\"08:00\"",
            plant: |s| {
                s.edit("cairn.yaml", "from: \"08:00\"", "from: 08:00");
            },
        },
        Case {
            code: "invalid-value",
            file: "data/systems/m365.yaml",
            line: Some(14),
            says: "15min",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "respond_within: 15m",
                    "respond_within: 15min",
                );
            },
        },
        Case {
            code: "invalid-value",
            file: "data/systems/firewall.yaml",
            line: Some(3),
            says: "tier",
            plant: |s| {
                s.edit("data/systems/firewall.yaml", "tier: 3", "tier: 7");
            },
        },
        Case {
            code: "invalid-value",
            file: "data/systems/firewall.yaml",
            line: Some(1),
            says: "file name",
            plant: |s| {
                s.edit("data/systems/firewall.yaml", "id: firewall", "id: fw");
            },
        },
        Case {
            code: "unknown-party",
            file: "data/systems/m365.yaml",
            line: Some(8),
            says: "brite",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "{ acme-it: RA, bright: I }",
                    "{ acme-it: RA, brite: I }",
                );
            },
        },
        Case {
            code: "unknown-system",
            file: "content/runbooks/firewall-reboot.md",
            line: Some(3),
            says: "firewal",
            plant: |s| {
                s.edit(
                    "content/runbooks/firewall-reboot.md",
                    "systems: [firewall]",
                    "systems: [firewall, firewal]",
                );
            },
        },
        Case {
            code: "unknown-contact",
            file: "data/systems/m365.yaml",
            line: Some(12),
            says: "Dana Ruis",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "contact: Dana Ruiz",
                    "contact: Dana Ruis",
                );
            },
        },
        Case {
            code: "unknown-hours",
            file: "data/systems/m365.yaml",
            line: Some(13),
            says: "bussiness",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "hours: business",
                    "hours: bussiness",
                );
            },
        },
        Case {
            code: "duplicate-id",
            file: "data/parties.yaml",
            line: Some(19),
            says: "data/parties.yaml",
            plant: |s| {
                let text = s.read("data/parties.yaml");
                s.write(
                    "data/parties.yaml",
                    &format!("{text}- id: bright\n  name: Bright again\n  kind: vendor\n"),
                );
            },
        },
        Case {
            code: "raci-no-accountable",
            file: "data/systems/m365.yaml",
            line: Some(9),
            says: "Patch management",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "{ bright: RA, acme-it: C }",
                    "{ bright: R, acme-it: C }",
                );
            },
        },
        Case {
            code: "raci-many-accountable",
            file: "data/systems/m365.yaml",
            line: Some(9),
            says: "Patch management",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "{ bright: RA, acme-it: C }",
                    "{ bright: RA, acme-it: A }",
                );
            },
        },
        Case {
            code: "raci-no-responsible",
            file: "data/systems/m365.yaml",
            line: Some(9),
            says: "Patch management",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "{ bright: RA, acme-it: C }",
                    "{ bright: A, acme-it: C }",
                );
            },
        },
        Case {
            code: "raci-bad-letter",
            file: "data/systems/m365.yaml",
            line: Some(8),
            says: "ra",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "{ acme-it: RA, bright: I }",
                    "{ acme-it: ra, bright: I }",
                );
            },
        },
        Case {
            code: "broken-link",
            file: "content/guides/escalate.md",
            line: Some(4),
            says: "runbook.md",
            plant: |s| {
                s.edit(
                    "content/guides/escalate.md",
                    "../runbooks/_index.md",
                    "../runbooks/runbook.md",
                );
            },
        },
        Case {
            code: "broken-link",
            file: "content/runbooks/reset-mfa.md",
            line: Some(9),
            says: "verfy",
            plant: |s| {
                s.edit(
                    "content/runbooks/reset-mfa.md",
                    "firewall-reboot.md#verify",
                    "firewall-reboot.md#verfy",
                );
            },
        },
        Case {
            code: "dependency-cycle",
            file: "data/systems/firewall.yaml",
            line: None,
            says: "firewall → m365 → firewall",
            plant: |s| {
                s.edit(
                    "data/systems/firewall.yaml",
                    "owner: bright",
                    "owner: bright\ndepends_on: [m365]",
                );
            },
        },
        Case {
            code: "review-overdue",
            file: "content/runbooks/firewall-reboot.md",
            line: Some(4),
            says: "",
            plant: |s| {
                s.edit(
                    "content/runbooks/firewall-reboot.md",
                    "last_reviewed: 2026-10-01",
                    "last_reviewed: 2025-10-01",
                );
            },
        },
        Case {
            code: "coverage-gap",
            file: "data/systems/m365.yaml",
            line: None,
            says: "sat 08:00–mon 08:00",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "    hours: always\n",
                    "    hours: after-hours\n",
                );
                s.edit(
                    "cairn.yaml",
                    "after-hours: { days: mon-sun,",
                    "after-hours: { days: mon-fri,",
                );
            },
        },
        Case {
            code: "required-activity-missing",
            file: "data/systems/m365.yaml",
            line: None,
            says: "Patch management",
            plant: |s| {
                s.edit(
                    "data/systems/m365.yaml",
                    "  Patch management: { bright: RA, acme-it: C }\n",
                    "",
                );
            },
        },
        Case {
            code: "system-without-runbook",
            file: "data/systems/firewall.yaml",
            line: None,
            says: "firewall",
            plant: |s| {
                s.edit(
                    "content/runbooks/firewall-reboot.md",
                    "systems: [firewall]\n",
                    "",
                );
            },
        },
        Case {
            code: "possible-secret",
            file: "content/runbooks/firewall-reboot.md",
            line: Some(10),
            says: "",
            plant: |s| {
                s.edit(
                    "content/runbooks/firewall-reboot.md",
                    "2. Reboot.",
                    "2. Reboot.\n   token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab",
                );
            },
        },
        Case {
            code: "unknown-scheme",
            file: "content/guides/escalate.md",
            line: Some(4),
            says: "`htps:`",
            plant: |s| {
                s.edit(
                    "content/guides/escalate.md",
                    "Call level 1 first.",
                    "Call [level 1](htps://example.com) first.",
                );
            },
        },
        Case {
            code: "foreign-key",
            file: "content/guides/escalate.md",
            line: Some(3),
            says: "`layout`",
            plant: |s| {
                s.edit(
                    "content/guides/escalate.md",
                    "title: How to escalate\n",
                    "title: How to escalate\nlayout: post\n",
                );
            },
        },
        Case {
            code: "unsupported-shortcode",
            file: "content/guides/escalate.md",
            line: Some(4),
            says: "`param`",
            plant: |s| {
                s.edit(
                    "content/guides/escalate.md",
                    "Call level 1 first.",
                    "Call {{< param phone >}} first.",
                );
            },
        },
        Case {
            code: "link-to-internal",
            file: "content/guides/escalate.md",
            line: Some(4),
            says: "only its text",
            plant: |s| {
                s.write(
                    "content/guides/notes.md",
                    "---\ntitle: Notes\naudience: internal\n---\nx\n",
                );
                s.edit(
                    "content/guides/escalate.md",
                    "Call level 1 first.",
                    "Call level 1 first, see [notes](notes.md).",
                );
            },
        },
        Case {
            code: "output-collision",
            file: "content/guides/escalate",
            line: None,
            says: "content/guides/escalate.md",
            plant: |s| {
                s.write("content/guides/escalate", "an old copy\n");
            },
        },
    ]
}

fn location_matches(item: &serde_json::Value, case: &Case) -> bool {
    item["code"] == case.code
        && item["file"] == case.file
        && match case.line {
            Some(l) => item["line"] == l,
            None => true,
        }
}

#[test]
fn each_planted_problem_is_reported_once_with_file_and_line() {
    let mut failures = Vec::new();
    for case in cases() {
        let site = Site::fixture("base");
        (case.plant)(&site);
        let run = site.cairn(&["check", ".", "--format", "json"]);
        let json = run.json();
        let all: Vec<&serde_json::Value> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .chain(json["warnings"].as_array().unwrap())
            .collect();
        let errors = json["errors"].as_array().unwrap().len();
        let expected_exit = if errors > 0 { 1 } else { 0 };
        let found = all.iter().filter(|d| location_matches(d, &case)).count();
        let says = all.iter().any(|d| {
            location_matches(d, &case) && d["message"].as_str().unwrap().contains(case.says)
        });
        if all.len() != 1 || found != 1 || !says || run.code != expected_exit {
            failures.push(format!(
                "{} at {}:{:?} (saying {:?}): got exit {} and\n{}",
                case.code,
                case.file,
                case.line,
                case.says,
                run.code,
                serde_json::to_string_pretty(&json).unwrap()
            ));
            continue;
        }
        // The same problem in text form, compiler style.
        let text = site.cairn(&["check", "."]);
        // A case without a fixed line accepts the file with or without one.
        let loc = match case.line {
            Some(l) => format!("{}:{}:", case.file, l),
            None => format!("{}:", case.file),
        };
        let prefix = if errors > 0 { "error" } else { "warning" };
        let want = format!("{prefix}[{}]: {loc}", case.code);
        if !text.stdout.contains(&want) {
            failures.push(format!(
                "{}: text output lacks {want:?}:\n{}",
                case.code, text.stdout
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn warnings_fail_only_under_strict() {
    let site = Site::fixture("base");
    site.edit(
        "content/runbooks/firewall-reboot.md",
        "last_reviewed: 2026-10-01",
        "last_reviewed: 2025-10-01",
    );
    assert_eq!(site.cairn(&["check", "."]).code, 0);
    assert_eq!(site.cairn(&["check", ".", "--strict"]).code, 1);
}

#[test]
fn a_site_that_is_not_a_site_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::common::cairn_in(dir.path(), &["check", "."]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cairn.yaml"), "{run:?}");
}

#[test]
fn bad_arguments_exit_2() {
    let site = Site::fixture("base");
    assert_eq!(site.cairn(&["check", ".", "--format", "xml"]).code, 2);
    assert_eq!(
        site.cairn(&["build", ".", "--audience", "everyone"]).code,
        2
    );
}

#[test]
fn every_problem_in_every_file_is_reported_in_one_run() {
    let site = Site::fixture("base");
    site.edit(
        "data/systems/m365.yaml",
        "contact: Dana Ruiz",
        "contact: Nobody",
    );
    site.edit(
        "data/systems/firewall.yaml",
        "{ bright: RA }",
        "{ bright: R }",
    );
    site.write("content/runbooks/broken.md", "---\ntitle: [unclosed\n---\n");
    let json = site.cairn(&["check", ".", "--format", "json"]).json();
    let codes: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unknown-contact"), "{codes:?}");
    assert!(codes.contains(&"raci-no-accountable"), "{codes:?}");
    assert!(codes.contains(&"front-matter"), "{codes:?}");
}
