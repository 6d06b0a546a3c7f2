//! `cairn diff`: pairs of fixture sites that differ in one way each, read as
//! text, markdown and JSON; `--git` in a temporary repository; sides that do
//! not load; exit codes.

use crate::common::{Run, Site, cairn_in};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn pair() -> (Site, Site) {
    (Site::fixture("base"), Site::fixture("base"))
}

fn diff(old: &Site, new: &Site, args: &[&str]) -> Run {
    let (o, n) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    let mut all = vec!["diff", o, n];
    all.extend_from_slice(args);
    cairn_in(new.path(), &all)
}

/// Text, markdown and JSON of one comparison, each asserted to succeed.
struct Out {
    text: String,
    md: String,
    json: Value,
}

fn all_formats(old: &Site, new: &Site) -> Out {
    let text = diff(old, new, &[]);
    assert_eq!(text.code, 0, "{text:?}");
    let md = diff(old, new, &["--format", "markdown"]);
    assert_eq!(md.code, 0, "{md:?}");
    let json = diff(old, new, &["--format", "json"]);
    assert_eq!(json.code, 0, "{json:?}");
    Out {
        text: text.stdout,
        md: md.stdout,
        json: json.json(),
    }
}

fn has(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

#[test]
fn identical_sites_have_no_changes_and_exit_0() {
    let (old, new) = pair();
    let run = diff(&old, &new, &["--exit-code"]);
    assert_eq!(run.code, 0, "{run:?}");
    has(&run.stdout, "No changes to responsibilities.");
    let json = diff(&old, &new, &["--format", "json"]).json();
    assert_eq!(json["changed"], false);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["audience"], "internal");
    for section in [
        "systems", "raci", "ladders", "coverage", "parties", "contacts", "runbooks",
    ] {
        assert_eq!(json[section], Value::Array(vec![]), "{section}");
    }
}

#[test]
fn an_accountable_move_is_spelled_out() {
    let (old, new) = pair();
    old.edit(
        "data/systems/m365.yaml",
        "Patch management: { bright: RA, acme-it: C }",
        "Backup verification: { bright: R, acme-it: A }",
    );
    new.edit(
        "data/systems/m365.yaml",
        "Patch management: { bright: RA, acme-it: C }",
        "Backup verification: { bright: RA, acme-it: C }",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "1 change: 1 RACI row\n! needs sign-off from both sides (lines marked !): 1 accountable moved\n",
    );
    let sentence = "Backup verification on m365: accountable moved from Acme Internal IT to Bright MSP; Acme Internal IT now consulted";
    has(&out.text, &format!("! ~ {sentence}"));
    has(
        &out.md,
        "- ⚠️ **Backup verification** on `m365`: accountable moved from **Acme Internal IT** to **Bright MSP**; **Acme Internal IT** now consulted",
    );
    let row = &out.json["raci"][0];
    assert_eq!(row["message"], sentence);
    assert_eq!(row["system"], "m365");
    assert_eq!(row["activity"], "Backup verification");
    assert_eq!(row["change"], "changed");
    assert_eq!(row["attention"], true);
    assert_eq!(row["before"]["acme-it"], "A");
    assert_eq!(row["after"]["bright"], "RA");
    assert_eq!(row["accountable"]["before"][0], "acme-it");
    assert_eq!(row["accountable"]["after"][0], "bright");
    assert_eq!(out.json["summary"]["accountable_moves"], 1);
    // --exit-code: 1 when anything changed.
    assert_eq!(diff(&old, &new, &["--exit-code"]).code, 1);
}

#[test]
fn raci_rows_added_removed_and_letters_reordered() {
    let (old, new) = pair();
    new.edit(
        "data/systems/m365.yaml",
        "  User onboarding: { acme-it: RA, bright: I }\n",
        "  User onboarding: { acme-it: AR, bright: I }\n  Monitoring: { bright: RA }\n",
    );
    new.edit(
        "data/systems/m365.yaml",
        "  Patch management: { bright: RA, acme-it: C }\n",
        "",
    );
    let out = all_formats(&old, &new);
    // `RA` → `AR` is the same letters: no line for User onboarding.
    assert!(!out.text.contains("User onboarding"), "{}", out.text);
    has(&out.text, "+ Monitoring on m365: row added: Bright MSP RA");
    has(
        &out.text,
        "! - Patch management on m365: row removed (was Bright MSP RA, Acme Internal IT C)",
    );
    let kinds: Vec<&str> = out.json["raci"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["added", "removed"]);
}

#[test]
fn responsible_gained_and_lost_without_a_move() {
    let (old, new) = pair();
    new.edit(
        "data/systems/m365.yaml",
        "Patch management: { bright: RA, acme-it: C }",
        "Patch management: { bright: A, acme-it: RI }",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "Patch management on m365: responsible moved from Bright MSP to Acme Internal IT; Acme Internal IT no longer consulted, now informed",
    );
    // Only R moved: not flagged, A stayed.
    assert_eq!(out.json["raci"][0]["attention"], false);
}

#[test]
fn systems_added_removed_and_their_fields() {
    let (old, new) = pair();
    new.edit("data/systems/m365.yaml", "tier: 1", "tier: 2");
    new.edit("data/systems/m365.yaml", "owner: acme-it", "owner: bright");
    new.edit(
        "data/systems/m365.yaml",
        "depends_on: [firewall]",
        "depends_on: []",
    );
    new.edit(
        "data/systems/m365.yaml",
        "P1: { respond: 15m, resolve: 4h }",
        "P1: { respond: 30m, resolve: 4h }",
    );
    new.write(
        "data/systems/voip.yaml",
        "id: voip\nname: Phones\ntier: 3\nowner: bright\nraci:\n  Patch management: { bright: RA }\nescalation:\n  - party: bright\n",
    );
    new.write(
        "content/runbooks/voip.md",
        "---\ntitle: Phones down\nsystems: [voip]\nlast_reviewed: 2026-11-01\n---\nCall Bright.\n",
    );
    std::fs::remove_file(new.path().join("data/systems/firewall.yaml")).unwrap();
    new.edit(
        "content/runbooks/firewall-reboot.md",
        "systems: [firewall]",
        "systems: [voip]",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "! ~ m365 (Microsoft 365): tier 1 → 2; owner moved from Acme Internal IT to Bright MSP; no longer depends on firewall; SLA P1 respond 15m → 30m",
    );
    has(
        &out.text,
        "+ added voip (Phones), tier 3, owned by Bright MSP; 1 RACI row, 1 escalation level",
    );
    has(
        &out.text,
        "- removed firewall (Firewall), tier 3, owned by Bright MSP",
    );
    has(
        &out.md,
        "- ⚠️ `m365` (**Microsoft 365**): tier 1 → 2; owner moved from **Acme Internal IT** to **Bright MSP**",
    );
    let systems = out.json["systems"].as_array().unwrap();
    let m365 = systems.iter().find(|s| s["system"] == "m365").unwrap();
    let fields: Vec<&str> = m365["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["tier", "owner", "depends_on", "sla.P1"]);
    assert_eq!(m365["fields"][0]["before"], 1);
    assert_eq!(m365["fields"][0]["after"], 2);
    assert_eq!(m365["fields"][3]["after"]["respond_minutes"], 30);
    assert_eq!(out.json["summary"]["systems_added"], 1);
    assert_eq!(out.json["summary"]["systems_removed"], 1);
}

const M365_LADDER: &str = "escalation:
  - party: acme-it
    contact: Dana Ruiz
    hours: business
    respond_within: 15m
  - party: bright
    after: 30m
    hours: always
    respond_within: 1h
";

#[test]
fn ladder_level_removed_changes_the_total_and_opens_a_weekend_gap() {
    let (old, new) = pair();
    // Three levels: business, nights, then weekends by Bright.
    let three = "escalation:
  - party: acme-it
    contact: Dana Ruiz
    hours: business
    respond_within: 15m
  - party: bright
    after: 30m
    hours: after-hours
    respond_within: 1h
  - party: bright
    contact: NOC
    after: 1h
    hours: always
    respond_within: 1h
";
    old.edit("data/systems/m365.yaml", M365_LADDER, three);
    new.edit(
        "data/systems/m365.yaml",
        M365_LADDER,
        &three.replace("  - party: bright\n    contact: NOC\n    after: 1h\n    hours: always\n    respond_within: 1h\n", ""),
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "! ~ m365: 2 levels, was 3; the last level is tried 30m after the first call, was 1h 30m\n      level 3 removed: Bright MSP (NOC), hours always, after 1h, respond within 1h\n",
    );
    has(
        &out.text,
        "! ~ m365 (tier 1): answered 148h of 168h a week (88.1%), was 168h (100%)\n      sat 08:00–sat 18:00 now uncovered\n      sun 08:00–sun 18:00 now uncovered\n",
    );
    has(&out.md, "  - `sat 08:00–sat 18:00` now uncovered\n");
    has(
        &out.md,
        "  - level 3 removed: **Bright MSP** (**NOC**), hours `always`, after 1h, respond within 1h\n",
    );
    let ladder = &out.json["ladders"][0];
    assert_eq!(ladder["system"], "m365");
    assert_eq!(ladder["last_level_after_minutes"]["before"], 90);
    assert_eq!(ladder["last_level_after_minutes"]["after"], 30);
    assert_eq!(ladder["levels"][0]["change"], "removed");
    assert_eq!(ladder["levels"][0]["before"]["level"], 3);
    assert_eq!(ladder["levels"][0]["before"]["contact"], "NOC");
    let cov = &out.json["coverage"][0];
    assert_eq!(cov["minutes_before"], 10080);
    assert_eq!(cov["minutes_after"], 10080 - 2 * 600);
    assert_eq!(
        cov["uncovered"],
        serde_json::json!(["sat 08:00–sat 18:00", "sun 08:00–sun 18:00"])
    );
    assert_eq!(out.json["summary"]["windows_uncovered"], 2);
    // The coverage-gap warning it opens is a check result introduced.
    let introduced = out.json["checks"]["introduced"].as_array().unwrap();
    assert!(
        introduced
            .iter()
            .any(|p| p["code"] == "coverage-gap" && p["file"] == "data/systems/m365.yaml"),
        "{introduced:?}"
    );
}

#[test]
fn ladder_levels_added_changed_and_reordered() {
    let (old, new) = pair();
    new.edit(
        "data/systems/m365.yaml",
        M365_LADDER,
        "escalation:
  - party: bright
    after: 0m
    hours: always
    respond_within: 30m
  - party: acme-it
    contact: Dana Ruiz
    after: 15m
    hours: business
    respond_within: 15m
  - party: acme-it
    contact: Night pager
    after: 1h
    hours: after-hours
",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "m365: 3 levels, was 2; the last level is tried 1h 15m after the first call, was 30m; levels reordered",
    );
    has(
        &out.text,
        "      level 2 → 1, Bright MSP: after 30m → 0m; respond within 1h → 30m\n",
    );
    has(
        &out.text,
        "      level 1 → 2, Acme Internal IT (Dana Ruiz): after 0m → 15m\n",
    );
    has(
        &out.text,
        "      level 3 added: Acme Internal IT (Night pager), hours after-hours, after 1h\n",
    );
    let ladder = &out.json["ladders"][0];
    assert_eq!(ladder["reordered"], true);
    let kinds: Vec<&str> = ladder["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["changed", "changed", "added"]);
    assert_eq!(
        ladder["levels"][0]["fields"][1]["field"],
        "respond_within_minutes"
    );
}

#[test]
fn contact_changes_and_a_contact_made_client_visible() {
    let (old, new) = pair();
    new.edit(
        "data/parties.yaml",
        "phone: \"+1 555 0142\"",
        "phone: \"+1 555 0150\"",
    );
    new.edit(
        "data/parties.yaml",
        "email: dana@acme.example",
        "email: d.ruiz@acme.example",
    );
    new.edit(
        "data/parties.yaml",
        "      phone: \"+1 555 0199\"\n      audience: internal\n",
        "      phone: \"+1 555 0199\"\n",
    );
    new.edit(
        "data/parties.yaml",
        "    - { name: NOC,",
        "    - { name: Security desk, phone: \"+1 555 0143\" }\n    - { name: NOC,",
    );
    new.edit(
        "data/parties.yaml",
        "  hours: always\n",
        "  hours: business\n",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "  ~ Bright MSP › NOC: phone +1 555 0142 → +1 555 0150\n",
    );
    has(
        &out.text,
        "  ~ Acme Internal IT › Dana Ruiz: email dana@acme.example → d.ruiz@acme.example\n",
    );
    has(
        &out.text,
        "! ~ Acme Internal IT › Night pager: now client-visible (was internal only)\n",
    );
    has(
        &out.text,
        "  + added Bright MSP › Security desk: phone +1 555 0143\n",
    );
    has(
        &out.text,
        "  ~ Bright MSP (bright): hours always → business (mon-fri 08:00–18:00)\n",
    );
    has(
        &out.md,
        "- **Bright MSP** › **NOC**: phone `+1 555 0142` → `+1 555 0150`\n",
    );
    has(
        &out.md,
        "- ⚠️ **Acme Internal IT** › **Night pager**: now client-visible (was internal only)\n",
    );
    let contacts = out.json["contacts"].as_array().unwrap();
    let pager = contacts
        .iter()
        .find(|c| c["contact"] == "Night pager")
        .unwrap();
    assert_eq!(pager["fields"][0]["field"], "audience");
    assert_eq!(pager["fields"][0]["before"], "internal");
    assert_eq!(pager["fields"][0]["after"], "client");
    assert_eq!(out.json["parties"][0]["fields"][0]["field"], "hours");
}

#[test]
fn a_client_diff_never_names_internal_contacts() {
    let (old, new) = pair();
    new.edit(
        "data/parties.yaml",
        "phone: \"+1 555 0199\"",
        "phone: \"+1 555 0198\"",
    );
    let client = diff(&old, &new, &["--audience", "client"]);
    assert_eq!(client.code, 0, "{client:?}");
    assert!(!client.stdout.contains("Night pager"), "{client:?}");
    assert!(!client.stdout.contains("0198"), "{client:?}");
    has(&client.stdout, "No changes to responsibilities.");
    let internal = diff(&old, &new, &[]);
    has(
        &internal.stdout,
        "Night pager: phone +1 555 0199 → +1 555 0198",
    );
}

/// Issue 24: a client diff named internal pages (paths and titles) and
/// internal contacts through check results and a ladder's `client_contact`.
#[test]
fn a_client_diff_never_names_internal_pages() {
    let (old, new) = pair();
    new.write(
        "content/internal/merger-plan.md",
        "---\ntitle: Merger plan\naudience: internal\n---\nSee [the memo](missing-memo.md).\n",
    );
    new.edit(
        "content/guides/escalate.md",
        "Call level 1 first.",
        "Call level 1 first. See [the plan](../internal/merger-plan.md).",
    );
    new.edit(
        "data/systems/m365.yaml",
        "    contact: Dana Ruiz\n",
        "    contact: Dana Ruiz\n    client_contact: Night pager\n",
    );
    let hidden = [
        "merger-plan",
        "Merger plan",
        "missing-memo",
        "Night pager",
        "internal/",
    ];
    for format in ["text", "markdown", "json"] {
        let run = diff(&old, &new, &["--audience", "client", "--format", format]);
        assert_eq!(run.code, 0, "{run:?}");
        for name in hidden {
            assert!(
                !run.stdout.contains(name),
                "{format} names {name:?}:\n{}",
                run.stdout
            );
        }
    }
    // The client page's own problem is still reported, at its file and line
    // (a link to an internal page: shown as its text, issue 25).
    let client = diff(&old, &new, &["--audience", "client"]).stdout;
    has(
        &client,
        "  + introduced warning[link-to-internal]: content/guides/escalate.md:4: ",
    );
    let json = diff(&old, &new, &["--audience", "client", "--format", "json"]).json();
    assert_eq!(
        json["checks"]["introduced"].as_array().unwrap().len(),
        2,
        "{json}"
    );
    // The internal diff names everything.
    let internal = diff(&old, &new, &[]).stdout;
    for name in ["merger-plan", "missing-memo", "Night pager"] {
        has(&internal, name);
    }
}

#[test]
fn runbooks_added_removed_moved_made_client_visible_and_reviewed() {
    let (old, new) = pair();
    old.write(
        "content/internal/notes.md",
        "---\ntitle: NOC notes\naudience: internal\n---\nNotes.\n",
    );
    new.write(
        "content/internal/notes.md",
        "---\ntitle: NOC notes\n---\nNotes.\n",
    );
    new.edit(
        "content/runbooks/reset-mfa.md",
        "last_reviewed: 2026-11-01",
        "last_reviewed: 2026-11-20",
    );
    let moved = new.read("content/runbooks/firewall-reboot.md");
    std::fs::remove_file(new.path().join("content/runbooks/firewall-reboot.md")).unwrap();
    new.write("content/runbooks/network/firewall-reboot.md", &moved);
    new.write(
        "content/runbooks/new.md",
        "---\ntitle: New runbook\nsystems: [m365]\naudience: internal\nlast_reviewed: 2026-11-01\n---\nText.\n",
    );
    std::fs::remove_file(new.path().join("content/guides/escalate.md")).unwrap();
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "! ~ internal/notes.md (NOC notes): now client-visible (was internal)\n",
    );
    has(
        &out.text,
        "  ~ runbooks/reset-mfa.md (Reset a user's MFA): last reviewed 2026-11-01 → 2026-11-20; next review due 2027-04-30 → 2027-05-19\n",
    );
    has(
        &out.text,
        "  > moved runbooks/firewall-reboot.md → runbooks/network/firewall-reboot.md (Reboot the firewall)\n",
    );
    has(
        &out.text,
        "  + added runbooks/new.md (New runbook), for m365, internal\n",
    );
    has(&out.text, "  - removed guides/escalate.md (");
    let pages = out.json["runbooks"].as_array().unwrap();
    let moved = pages.iter().find(|p| p["change"] == "moved").unwrap();
    assert_eq!(moved["from"], "runbooks/firewall-reboot.md");
    assert_eq!(moved["page"], "runbooks/network/firewall-reboot.md");
    let notes = pages
        .iter()
        .find(|p| p["page"] == "internal/notes.md")
        .unwrap();
    assert_eq!(notes["attention"], true);
    assert_eq!(out.json["summary"]["client_visible"], 1);
    has(
        &out.md,
        "- ⚠️ `internal/notes.md` (**NOC notes**): now client-visible (was internal)\n",
    );
}

#[test]
fn check_results_introduced_and_fixed() {
    let (old, new) = pair();
    old.write(
        "content/runbooks/broken.md",
        "---\ntitle: Broken\nsystems: [m365]\nlast_reviewed: 2026-11-01\n---\nSee [x](missing.md).\n",
    );
    new.edit(
        "data/systems/m365.yaml",
        "Patch management: { bright: RA, acme-it: C }",
        "Patch management: { bright: R, acme-it: C }",
    );
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "! + introduced error[raci-no-accountable]: data/systems/m365.yaml:9:",
    );
    has(
        &out.text,
        "  - fixed error[broken-link]: content/runbooks/broken.md:6:",
    );
    let checks = &out.json["checks"];
    assert_eq!(checks["introduced"][0]["code"], "raci-no-accountable");
    assert_eq!(checks["introduced"][0]["severity"], "error");
    assert_eq!(checks["introduced"][0]["line"], 9);
    assert_eq!(checks["fixed"][0]["code"], "broken-link");
    assert_eq!(out.json["summary"]["errors_introduced"], 1);
    has(
        &out.md,
        "#### Check results\n\n1 problem introduced:\n\n- ⛔ error `raci-no-accountable` `data/systems/m365.yaml:9`:",
    );
}

#[test]
fn markdown_escapes_names_and_folds_long_sections() {
    let (old, new) = pair();
    new.edit(
        "data/parties.yaml",
        "name: Bright MSP",
        "name: \"Bright *MSP* <script>x</script> @team\"",
    );
    let mut rows = String::new();
    for i in 0..14 {
        rows.push_str(&format!("  Activity {i}: {{ bright: RA }}\n"));
    }
    new.edit(
        "data/systems/m365.yaml",
        "raci:\n",
        &format!("raci:\n{rows}"),
    );
    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    has(
        &md,
        "**Bright \\*MSP\\* \\<script\\>x\\</script\\> @\u{200B}team**",
    );
    assert!(!md.contains("<script>"), "{md}");
    has(
        &md,
        "#### RACI (14)\n\n\n<details><summary>14 changes</summary>\n",
    );
    has(&md, "\n</details>\n");
}

#[test]
fn a_side_that_does_not_load_is_named_with_file_and_line() {
    let (old, new) = pair();
    new.edit(
        "data/systems/m365.yaml",
        "  Patch management: { bright: RA, acme-it: C }",
        "  Patch management: { bright: RA, acme-it: C",
    );
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    has(&run.stderr, "the NEW (");
    has(&run.stderr, "site does not load");
    has(&run.stderr, "data/systems/m365.yaml:");
    has(&run.stderr, "yaml-syntax");
    assert!(run.stdout.is_empty(), "{run:?}");

    let run = diff(&new, &old, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    has(&run.stderr, "the OLD (");
}

/// Issue 24: a crafted file name must not drive the terminal: every name a
/// diff prints (a side's folder, a page, a file of a side that does not load)
/// comes out with its control characters escaped.
#[test]
fn names_with_control_characters_are_escaped_in_every_format() {
    let (old, new) = pair();
    let evil = "content/runbooks/\u{1b}]0;pwned\u{7}\u{9b}31m.md";
    new.write(evil, "---\ntitle: Evil \u{1b}[2J name\n---\nText.\n");
    let parent = tempfile::tempdir().unwrap();
    let folder = parent.path().join("site\u{1b}[31m");
    crate::common::copy_dir(new.path(), &folder);
    let o = old.path().to_str().unwrap();
    let n = folder.to_str().unwrap();
    for format in ["text", "markdown", "json"] {
        let run = cairn_in(old.path(), &["diff", o, n, "--format", format]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(
            !run.stdout.contains(|c: char| c.is_control() && c != '\n'),
            "{format} prints a control character raw:\n{:?}",
            run.stdout
        );
        if format != "json" {
            has(&run.stdout, "\\u{1b}]0;pwned\\u{7}\\u{9b}31m.md");
        }
    }
    // A side that does not load lists its problems: their file names too.
    std::fs::write(folder.join(evil), "---\ntitle: [unclosed\n---\nText.\n").unwrap();
    let run = cairn_in(old.path(), &["diff", o, n]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        !run.stderr.contains(|c: char| c.is_control() && c != '\n'),
        "{:?}",
        run.stderr
    );
    has(&run.stderr, "site\\u{1b}[31m");
    has(
        &run.stderr,
        "\\u{1b}]0;pwned\\u{7}\\u{9b}31m.md:3: error[front-matter]",
    );
}

#[test]
fn usage_errors_exit_2() {
    let (old, _) = pair();
    let one = cairn_in(old.path(), &["diff", "."]);
    assert_eq!(one.code, 2, "{one:?}");
    has(&one.stderr, "two site folders");
    let empty = tempfile::tempdir().unwrap();
    let not_site = cairn_in(old.path(), &["diff", ".", empty.path().to_str().unwrap()]);
    assert_eq!(not_site.code, 2, "{not_site:?}");
    has(&not_site.stderr, "NEW");
    has(&not_site.stderr, "not a cairn site");
    let no_git = cairn_in(empty.path(), &["diff", "--git", "HEAD"]);
    assert_eq!(no_git.code, 2, "{no_git:?}");
    has(&no_git.stderr, "not inside a git repository");
}

// ---------------------------------------------------------------- --git

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository whose site lives in `docs/it/`: commit 1 is the base fixture,
/// commit 2 moves an A; returns the repo and the site folder inside it.
pub fn repo_with_two_commits() -> (Site, std::path::PathBuf) {
    let repo = Site::fixture("base");
    let root = repo.path().to_path_buf();
    let site = root.join("docs/it");
    std::fs::create_dir_all(&site).unwrap();
    for entry in ["cairn.yaml", "content", "data", "static"] {
        std::fs::rename(root.join(entry), site.join(entry)).unwrap();
    }
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "base"]);
    let m365 = site.join("data/systems/m365.yaml");
    let text = std::fs::read_to_string(&m365).unwrap();
    std::fs::write(
        &m365,
        text.replace(
            "Patch management: { bright: RA, acme-it: C }",
            "Patch management: { bright: R, acme-it: AC }",
        ),
    )
    .unwrap();
    git(
        &root,
        &["commit", "-q", "-am", "acme-it accountable for patching"],
    );
    (repo, site)
}

#[test]
fn git_revisions_and_the_working_tree() {
    let (repo, site) = repo_with_two_commits();
    let root = repo.path();
    // Working-tree change on top: a phone number, not committed.
    let parties = site.join("data/parties.yaml");
    let text = std::fs::read_to_string(&parties).unwrap();
    std::fs::write(&parties, text.replace("+1 555 0142", "+1 555 0150")).unwrap();
    let status_before = git(root, &["status", "--porcelain"]);

    // A..B: only the committed A move.
    let run = cairn_in(&site, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(run.code, 0, "{run:?}");
    has(&run.stdout, "HEAD~1 (");
    has(
        &run.stdout,
        "Patch management on m365: accountable moved from Bright MSP to Acme Internal IT",
    );
    assert!(!run.stdout.contains("0150"), "{run:?}");

    // REV alone: against the working tree, uncommitted edits included.
    let run = cairn_in(&site, &["diff", "--git", "HEAD~1", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    assert_eq!(json["old"]["kind"], "git");
    assert_eq!(json["old"]["label"], "HEAD~1");
    assert_eq!(json["old"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(json["new"]["kind"], "worktree");
    assert_eq!(json["raci"][0]["activity"], "Patch management");
    assert_eq!(json["contacts"][0]["contact"], "NOC");

    // From the repository root, naming the site folder; A...B from the merge base.
    let run = cairn_in(
        root,
        &["diff", "--git", "main~1...main", "docs/it", "--exit-code"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    has(&run.stdout, "merge base");
    let run = cairn_in(
        root,
        &["diff", "--git", "HEAD", "docs/it", "--format", "markdown"],
    );
    has(&run.stdout, "phone `+1 555 0142` → `+1 555 0150`");

    // Nothing in the work tree or the index moved.
    assert_eq!(git(root, &["status", "--porcelain"]), status_before);

    let run = cairn_in(&site, &["diff", "--git", "no-such-rev"]);
    assert_eq!(run.code, 2, "{run:?}");
    has(&run.stderr, "unknown git revision `no-such-rev`");
}

#[test]
fn a_revision_that_does_not_load_names_the_revision_file_and_line() {
    let (repo, site) = repo_with_two_commits();
    let m365 = site.join("data/systems/m365.yaml");
    let text = std::fs::read_to_string(&m365).unwrap();
    std::fs::write(&m365, text.replace("tier: 1", "tier: 9")).unwrap();
    git(repo.path(), &["commit", "-q", "-am", "bad tier"]);
    let run = cairn_in(&site, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(run.code, 2, "{run:?}");
    has(&run.stderr, "the NEW (HEAD");
    has(&run.stderr, "data/systems/m365.yaml:3");
    has(&run.stderr, "invalid-value");
    // A revision without the site at all.
    let run = cairn_in(&site, &["diff", "--git", "HEAD~2..HEAD"]);
    assert_eq!(run.code, 2, "{run:?}");
}

// ---------------------------------------------------------------- the example

/// content-example and a copy with five realistic changes: an A moved, a ladder
/// level removed leaving a Sunday gap, a phone number changed, an internal page
/// moved where clients read it, a new system. With `CAIRN_DIFF_SAMPLE=FILE` the
/// markdown is also written there (to render and look at it).
#[test]
fn content_example_with_five_changes_reads_as_a_pr_comment() {
    let (old, new) = (Site::example(), Site::example());
    new.edit(
        "data/systems/m365.yaml",
        "Backup verification:    { bright: R, acme-it: A }",
        "Backup verification:    { bright: RA, acme-it: C }",
    );
    new.edit(
        "data/systems/practice-management.yaml",
        "  - party: bright\n    contact: NOC\n    after: 30m\n    hours: always\n    respond_within: 30m\n",
        "",
    );
    new.edit(
        "data/parties.yaml",
        "phone: \"+1 555 0142\"",
        "phone: \"+1 555 0150\"",
    );
    let page = new
        .read("content/internal/after-hours-checks.md")
        .replace("(../runbooks/network/vpn-down.md)", "(vpn-down.md)")
        .replace(
            "(../runbooks/practice-management/cannot-connect.md)",
            "(../practice-management/cannot-connect.md)",
        );
    std::fs::remove_file(new.path().join("content/internal/after-hours-checks.md")).unwrap();
    new.write("content/runbooks/network/after-hours-checks.md", &page);
    new.edit(
        "content/internal/shift-handover.md",
        "(after-hours-checks.md)",
        "(../runbooks/network/after-hours-checks.md)",
    );
    new.write(
        "data/systems/imaging.yaml",
        "id: imaging
name: Dental imaging (X-ray sensors and viewer)
tier: 2
description: Intraoral sensors, the panoramic unit and the imaging server.
owner: acme-it
depends_on: [practice-management, endpoints]
raci:
  Help desk:           { acme-it: RA, chairside: C }
  Patch management:    { bright: R, acme-it: A }
  Backup verification: { bright: R, acme-it: A }
  Incident response:   { acme-it: RA, bright: R, chairside: C }
escalation:
  - party: acme-it
    contact: Marcus Lee
    hours: business
    respond_within: 15m
  - party: chairside
    contact: ChairSide Support
    after: 30m
    respond_within: 1h
",
    );
    let out = all_formats(&old, &new);
    if let Some(path) = std::env::var_os("CAIRN_DIFF_SAMPLE") {
        std::fs::write(path, &out.md).unwrap();
    }
    let md = &out.md;
    has(
        md,
        "**6 changes**: 1 system added · 1 RACI row · 1 ladder · 1 system's coverage · 1 contact · 1 page  \n\
         ⚠️ **Needs sign-off from both sides**: 1 accountable moved · 1 ladder level removed · 1 window now uncovered · 1 page made client-visible  \n\
         Checks: 5 warnings introduced\n",
    );
    // The NOC's old number, still typed in a guide, no longer hides.
    has(md, "`+1 555 0142` is no contact's number");
    has(
        md,
        "#### RACI (1)\n\n- ⚠️ **Backup verification** on `m365`: accountable moved from **Acme Dental Internal IT** to **Bright MSP**; **Acme Dental Internal IT** now consulted\n",
    );
    has(
        md,
        "- ⚠️ `practice-management`: 4 levels, was 5; the last level is tried 1h 45m after the first call, was 2h 15m\n  - level 4 removed: **Bright MSP** (**NOC**), hours `always`, after 30m, respond within 30m\n",
    );
    has(md, "  - `sun 08:00–sun 18:00` now uncovered\n");
    has(
        md,
        "- **Bright MSP** › **NOC**: phone `+1 555 0142` → `+1 555 0150`\n",
    );
    has(
        md,
        "- ⚠️ moved `internal/after-hours-checks.md` → `runbooks/network/after-hours-checks.md` (**After-hours checks for the NOC**): now client-visible (was internal)\n",
    );
    has(
        md,
        "- added `imaging` (**Dental imaging (X-ray sensors and viewer)**), tier 2, owned by **Acme Dental Internal IT**",
    );
    // Check messages keep their quoted values as code.
    has(md, "no RACI row for the required activity `Monitoring`");
    assert_eq!(out.json["summary"]["attention"], 4);
    // Nothing else: every change above is the whole story.
    assert_eq!(out.json["systems"].as_array().unwrap().len(), 1);
    assert_eq!(out.json["ladders"].as_array().unwrap().len(), 1);
    assert_eq!(out.json["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(out.json["runbooks"].as_array().unwrap().len(), 1);
}

#[test]
fn a_theme_problem_is_a_check_result_as_build_sees_it() {
    // diff runs the build's load stage, which loads the theme: a `theme:`
    // that names no folder is introduced like any other problem.
    let (old, new) = pair();
    let config = new.read("cairn.yaml");
    new.write("cairn.yaml", &format!("{config}theme: nowhere\n"));
    let out = all_formats(&old, &new);
    has(
        &out.text,
        "! + introduced error[invalid-value]: cairn.yaml:",
    );
    has(&out.text, "theme `nowhere` not found");
    assert_eq!(out.json["checks"]["introduced"][0]["code"], "invalid-value");
}
