//! The bundled example uses every calendar key (issue 23 §10) and stays clean:
//! checked in December, Christmas is covered on purpose (its data says so),
//! and the same data without the NOC names the holiday gap with its date.

use crate::common::{Site, messages};
use std::process::Command;

/// 2026-12-01 12:00 UTC.
const DECEMBER: &str = "1796126400";

fn check_in_december(site: &Site, args: &[&str]) -> (i32, serde_json::Value) {
    site.check_on(DECEMBER, args)
}

#[test]
fn the_example_uses_every_calendar_key() {
    let site = Site::example();
    let config = site.read("cairn.yaml");
    for key in [
        "holidays:",
        "{ ics: data/us-holidays.ics }",
        "closed_on: us-office",
        "{ on: us-office, from:",
        "coverage_horizon:",
    ] {
        assert!(config.contains(key), "cairn.yaml lacks {key}");
    }
    let parties = site.read("data/parties.yaml");
    for key in [
        "rotations:",
        "handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }",
        "overrides:",
        "left: 2026-10-01",
    ] {
        assert!(parties.contains(key), "parties.yaml lacks {key}");
    }
    let away = site.read("data/away.yaml");
    assert!(away.contains("contact: acme-it/Marcus Lee\n  from: 2026-12-21\n  to: 2027-01-03\n  cover: acme-it/Dana Ruiz"), "{away}");
    let ladders: String = ["backup", "practice-management"]
        .iter()
        .map(|s| site.read(&format!("data/systems/{s}.yaml")))
        .collect();
    assert!(ladders.contains("contact: on-call"));
    assert!(ladders.contains("hours: holiday-cover"));
    // The departed contact is on no ladder: nothing warns `departed-contact`.
    for entry in std::fs::read_dir(site.path().join("data/systems")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("Tom Becker"));
    }
}

/// The holiday file parses with a second, independent parser (`ical`), with
/// its yearly rules, the 4th-Thursday Thanksgiving and an EXDATE.
#[test]
fn the_example_holiday_file_parses_with_a_second_parser() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content-example/data/us-holidays.ics");
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let calendars: Vec<_> = ical::IcalParser::new(file).map(Result::unwrap).collect();
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let summaries: Vec<String> = events.iter().filter_map(|e| prop(e, "SUMMARY")).collect();
    assert!(
        summaries.contains(&"Christmas Day".to_string()),
        "{summaries:?}"
    );
    let thanksgiving = events
        .iter()
        .find(|e| prop(e, "SUMMARY").as_deref() == Some("Thanksgiving Day"))
        .unwrap();
    assert_eq!(
        prop(thanksgiving, "RRULE").as_deref(),
        Some("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH")
    );
    assert!(events.iter().any(|e| prop(e, "EXDATE").is_some()));
    for e in events {
        // All-day events only: cairn refuses a timed holiday.
        let start = e.properties.iter().find(|p| p.name == "DTSTART").unwrap();
        let params = format!("{:?}", start.params);
        assert!(
            params.contains("DATE") && !params.contains("DATE-TIME"),
            "{params}"
        );
    }
}

/// `SOURCE_DATE_EPOCH` in December: `cairn check --strict` passes. Christmas is
/// covered on purpose (Bright's NOC and holiday cover; cairn.yaml says so), so
/// there is no `coverage-gap-dated`, Marcus's vacation has a cover, and the
/// contact who left is named nowhere.
#[test]
fn the_example_checks_clean_in_december_and_says_why_christmas_is_covered() {
    let site = Site::example();
    let (code, json) = check_in_december(&site, &["--strict"]);
    assert_eq!(code, 0, "{json:#}");
    for list in ["errors", "warnings"] {
        assert_eq!(json[list].as_array().map(Vec::len), Some(0), "{json:#}");
    }
    assert!(
        site.read("cairn.yaml")
            .contains("# Christmas is covered on purpose"),
        "the example says in its data why Christmas has no gap"
    );
}

/// Without the NOC on m365's ladder, the same data leaves the office's
/// holidays uncovered and the dated check names the first with its date.
#[test]
fn without_the_noc_the_example_names_its_holiday_gap_with_the_date() {
    let site = Site::example();
    site.edit(
        "data/systems/m365.yaml",
        "  - party: bright\n    contact: NOC\n    after: 30m\n    hours: always\n    respond_within: 30m\n",
        "",
    );
    let (_, json) = check_in_december(&site, &[]);
    let dated = messages(&json, "coverage-gap-dated");
    assert_eq!(dated.len(), 1, "{json:#}");
    assert!(
        dated[0].contains(
            "on 2026-12-24 08:00–18:00: acme-it closed (Christmas Eve); bright closed (Christmas Eve)"
        ),
        "{}",
        dated[0]
    );
    assert!(dated[0].contains("more windows"), "{}", dated[0]);
}

/// Tom Becker left on 2026-10-01: a build dated after it shows him nowhere
/// (no party page, ladder, vCard, search shard); one dated before still does.
#[test]
fn a_contact_who_left_is_in_no_file_of_a_later_build() {
    for audience in ["client", "internal"] {
        let site = Site::example();
        let run = site.build(&["--audience", audience]);
        assert_eq!(run.code, 0, "{run:?}");
        let out = site.path().join("public");
        for rel in crate::common::files(&out) {
            let bytes = std::fs::read(out.join(&rel)).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("Tom Becker"),
                "{audience}: {rel} names the departed contact"
            );
        }
    }
    let site = Site::example();
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["build", ".", "--out", "public"])
        .current_dir(site.path())
        // 2026-09-15 12:00 UTC: before he left.
        .env("SOURCE_DATE_EPOCH", "1789473600")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        site.out("parties/acme-it/index.html")
            .contains("Tom Becker")
    );
}
